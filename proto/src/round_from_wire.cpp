#include <algorithm>
#include <cmath>
#include <memory>
#include <utility>

#include "swarm/wire/bundle_convert.hpp"
#include "swarm/wire/limits.hpp"
#include "swarm/wire/round_convert.hpp"

namespace swarm::wire {

namespace {

using namespace merge;

std::string who(std::string_view peer, const char* what) {
  return "peer '" + std::string{peer} + "': round message: " + what;
}

expected<sha256_digest> digest_of(const std::string& bytes, std::string_view peer) {
  sha256_digest result{};
  if (bytes.size() != result.size())
    return make_error(errc::corrupt_data, who(peer, "digest is not 32 bytes"));
  std::copy(bytes.begin(), bytes.end(), reinterpret_cast<char*>(result.data()));
  return result;
}

expected<checkin_info> info_of(const CheckinInfo& x, std::string_view peer) {
  if (!std::isfinite(x.weight()) || x.weight() < 0.0 || x.weight() > 1e6)
    return make_error(errc::invalid_argument, who(peer, "weight out of range"));
  checkin_info result;
  result.weight = x.weight();
  result.samples = x.samples();
  result.loss = x.loss();
  result.metric = x.metric();
  result.epochs_done = x.epochs_done();
  result.total_epochs = x.total_epochs();
  result.done = x.done();
  result.eligible = x.eligible();
  return result;
}

bool valid_name(const std::string& x) {
  return !x.empty() && x.size() <= max_name_bytes;
}

template <class Repeated>
expected<std::vector<participant>> participants_of(const Repeated& xs, std::string_view peer) {
  if (static_cast<size_t>(xs.size()) > max_round_participants)
    return make_error(errc::invalid_argument, who(peer, "too many participants"));
  std::vector<participant> result;
  for (const auto& x : xs) {
    if (!valid_name(x.name()))
      return make_error(errc::invalid_argument, who(peer, "bad participant name"));
    auto info = info_of(x.info(), peer);
    if (!info)
      return info.error();
    result.push_back(participant{x.name(), *info});
  }
  return result;
}

template <class Repeated>
expected<std::vector<std::string>> electors_of(const Repeated& xs, std::string_view peer) {
  if (static_cast<size_t>(xs.size()) > max_round_participants)
    return make_error(errc::invalid_argument, who(peer, "too many electors"));
  std::vector<std::string> result;
  for (const auto& x : xs) {
    if (!valid_name(x))
      return make_error(errc::invalid_argument, who(peer, "bad elector name"));
    result.push_back(x);
  }
  return result;
}

expected<model_ptr> model_of(const ModelBundle& x, const sha256_digest* announced,
                             std::string_view peer, received_values*& attached) {
  // from_wire recomputes the bundle's own digest, if it has one; the
  // announced one must equal that (no second hash of the model).
  if (announced && !x.sha256().empty()
      && (x.sha256().size() != announced->size()
          || !std::equal(announced->begin(), announced->end(),
                         reinterpret_cast<const uint8_t*>(x.sha256().data()))))
    return make_error(errc::checksum_mismatch,
                      who(peer, "model digest differs from the announced one"));
  if (x.attached() && attached == nullptr)
    return make_error(errc::corrupt_data,
                      who(peer, "model values announced as attached, and none came"));
  // Taken once: `attached` is cleared so that the caller sees them used.
  auto* att = x.attached() ? std::exchange(attached, nullptr) : nullptr;
  auto bundle = att ? from_wire(x, std::move(att->values), peer, max_model_bytes, att->finite)
                    : from_wire(x, peer);
  if (!bundle)
    return bundle.error();
  return model_ptr{std::make_shared<const tensor_bundle>(std::move(*bundle))};
}

// The three bodies that carry a model with a digest and participants.
template <class Msg, class Body, class Names>
expected<round_message> with_model(Msg m, const std::string& digest_bytes,
                                   const ModelBundle& bundle, const Body& participants,
                                   const Names& electors, std::string_view peer,
                                   received_values*& attached) {
  auto d = digest_of(digest_bytes, peer);
  if (!d)
    return d.error();
  // Votes and catch-ups are rare: their models must come with the digest,
  // checked on arrival. Proposals, sent every round, name theirs only.
  if (!std::is_same_v<Msg, proposal_msg> && bundle.sha256().empty())
    return make_error(errc::checksum_mismatch, who(peer, "model without its SHA-256 digest"));
  // A proposal to peers that shared their models names its model only.
  bool none = std::is_same_v<Msg, proposal_msg> && bundle.ByteSizeLong() == 0;
  auto model = none ? expected<model_ptr>{model_ptr{}} : model_of(bundle, &*d, peer, attached);
  if (!model)
    return model.error();
  auto ps = participants_of(participants, peer);
  if (!ps)
    return ps.error();
  auto es = electors_of(electors, peer);
  if (!es)
    return es.error();
  if constexpr (std::is_same_v<Msg, vote_msg>) {
    m.accepted_digest = *d;
    m.accepted_model = std::move(*model);
    m.accepted_participants = std::move(*ps);
    m.accepted_electors = std::move(*es);
  } else {
    m.digest = *d;
    m.model = std::move(*model);
    m.participants = std::move(*ps);
    m.electors = std::move(*es);
  }
  return round_message{std::move(m)};
}

expected<round_message> body_from_wire(const RoundMessage& x, std::string_view peer,
                                       received_values*& attached) {
  auto r = x.round();
  auto t = x.term();
  switch (x.body_case()) {
    case RoundMessage::kCheckin: {
      auto info = info_of(x.checkin().info(), peer);
      if (!info)
        return info.error();
      checkin_msg m{r, t, *info, nullptr};
      if (x.checkin().has_model()) {
        auto model = model_of(x.checkin().model(), nullptr, peer, attached);
        if (!model)
          return model.error();
        m.model = std::move(*model);
      }
      return round_message{std::move(m)};
    }
    case RoundMessage::kVoteRequest:
      return round_message{vote_request_msg{r, t}};
    case RoundMessage::kVote: {
      const auto& v = x.vote();
      vote_msg m{r, t, v.granted(), v.accepted_term(), {}, nullptr, {}, {}};
      if (v.accepted_digest().empty())
        return round_message{std::move(m)};
      return with_model(std::move(m), v.accepted_digest(), v.accepted_model(),
                        v.accepted_participants(), v.accepted_electors(), peer, attached);
    }
    case RoundMessage::kModelRequest:
      return round_message{model_request_msg{r, t}};
    case RoundMessage::kModelReply: {
      auto info = info_of(x.model_reply().info(), peer);
      if (!info)
        return info.error();
      auto model = model_of(x.model_reply().model(), nullptr, peer, attached);
      if (!model)
        return model.error();
      return round_message{model_reply_msg{r, t, *info, std::move(*model)}};
    }
    case RoundMessage::kHeartbeat:
      return round_message{heartbeat_msg{r, t}};
    case RoundMessage::kProposal: {
      const auto& p = x.proposal();
      return with_model(proposal_msg{r, t, {}, nullptr, {}, p.final(), {}}, p.digest(),
                        p.model(), p.participants(), p.electors(), peer, attached);
    }
    case RoundMessage::kAccepted: {
      auto d = digest_of(x.accepted().digest(), peer);
      if (!d)
        return d.error();
      return round_message{accepted_msg{r, t, *d}};
    }
    case RoundMessage::kCommit: {
      auto d = digest_of(x.commit().digest(), peer);
      if (!d)
        return d.error();
      return round_message{commit_msg{r, t, *d}};
    }
    case RoundMessage::kRefusal:
      return round_message{refusal_msg{r, x.refusal().reason()}};
    case RoundMessage::kCatchUpRequest:
      return round_message{catch_up_request_msg{x.catch_up_request().committed_round()}};
    case RoundMessage::kCatchUp: {
      const auto& c = x.catch_up();
      if (c.leader().size() > max_name_bytes)
        return make_error(errc::invalid_argument, who(peer, "bad leader name"));
      return with_model(catch_up_msg{r, t, c.leader(), {}, nullptr, {}, c.final(), {}},
                        c.digest(), c.model(), c.participants(), c.electors(), peer, attached);
    }
    case RoundMessage::kProposalRequest:
      return round_message{proposal_request_msg{r, t}};
    case RoundMessage::kFinalLoaded:
      return round_message{final_loaded_msg{r}};
    case RoundMessage::kEnroll:
      return make_error(errc::invalid_argument, who(peer, "enroll is not a round message"));
    case RoundMessage::BODY_NOT_SET:
      break;
  }
  return make_error(errc::invalid_argument, who(peer, "no body"));
}

} // namespace

expected<round_message> round_from_wire(const RoundMessage& x, std::string_view peer,
                                        received_values* attached) {
  auto result = body_from_wire(x, peer, attached);
  if (result && attached != nullptr)
    return make_error(errc::corrupt_data,
                      who(peer, "model values attached to a message with no model marked "
                                "attached"));
  return result;
}

} // namespace swarm::wire
