#include <type_traits>

#include "swarm/wire/bundle_convert.hpp"
#include "swarm/wire/codec.hpp"
#include "swarm/wire/round_convert.hpp"

namespace swarm::wire {

namespace {

using namespace merge;

std::string bytes_of(const sha256_digest& x) {
  return std::string{reinterpret_cast<const char*>(x.data()), x.size()};
}

void fill(CheckinInfo& out, const checkin_info& x) {
  out.set_weight(x.weight);
  out.set_samples(x.samples);
  out.set_loss(x.loss);
  out.set_metric(x.metric);
  out.set_epochs_done(x.epochs_done);
  out.set_total_epochs(x.total_epochs);
  out.set_done(x.done);
  out.set_eligible(x.eligible);
}

template <class Repeated>
void fill(Repeated& out, const std::vector<participant>& xs) {
  for (const auto& x : xs) {
    auto* p = out.Add();
    p->set_name(x.name);
    fill(*p->mutable_info(), x.info);
  }
}

/// Writes `model` into `out`: its values too, or, when `detached` is given
/// (and the model has values), only its layout, marked attached, with the
/// values handed to `*detached` without a copy.
void put(const model_ptr& model, ModelBundle& out, const sha256_digest* digest,
         attached_values* detached) {
  if (detached == nullptr || model->values.empty())
    return to_wire(*model, out, digest);
  layout_to_wire(*model, out);
  out.set_attached(true);
  if (digest != nullptr)
    out.set_sha256(reinterpret_cast<const char*>(digest->data()), digest->size());
  // Shares the model's ownership: the values live as long as the lane needs.
  *detached = attached_values{model, &model->values};
}

Envelope encode_round(std::string_view contract, std::string_view sender,
                      const round_message& msg, attached_values* detached) {
  auto env = make_envelope();
  auto& out = *env.mutable_round();
  out.set_contract(std::string{contract});
  out.set_sender(std::string{sender});
  std::visit(
    [&](const auto& m) {
      using T = std::decay_t<decltype(m)>;
      if constexpr (std::is_same_v<T, catch_up_request_msg>) {
        out.mutable_catch_up_request()->set_committed_round(m.committed_round);
      } else {
        out.set_round(m.round);
        if constexpr (requires { m.term; })
          out.set_term(m.term);
        if constexpr (std::is_same_v<T, checkin_msg>) {
          fill(*out.mutable_checkin()->mutable_info(), m.info);
          if (m.model)
            put(m.model, *out.mutable_checkin()->mutable_model(), nullptr, detached);
        } else if constexpr (std::is_same_v<T, vote_request_msg>) {
          out.mutable_vote_request();
        } else if constexpr (std::is_same_v<T, vote_msg>) {
          auto& v = *out.mutable_vote();
          v.set_granted(m.granted);
          if (m.accepted_model) {
            v.set_accepted_term(m.accepted_term);
            v.set_accepted_digest(bytes_of(m.accepted_digest));
            put(m.accepted_model, *v.mutable_accepted_model(), &m.accepted_digest, detached);
            fill(*v.mutable_accepted_participants(), m.accepted_participants);
            v.mutable_accepted_electors()->Add(m.accepted_electors.begin(),
                                               m.accepted_electors.end());
          }
        } else if constexpr (std::is_same_v<T, model_request_msg>) {
          out.mutable_model_request();
        } else if constexpr (std::is_same_v<T, model_reply_msg>) {
          auto& r = *out.mutable_model_reply();
          fill(*r.mutable_info(), m.info);
          put(m.model, *r.mutable_model(), nullptr, detached);
        } else if constexpr (std::is_same_v<T, heartbeat_msg>) {
          out.mutable_heartbeat();
        } else if constexpr (std::is_same_v<T, proposal_msg>) {
          auto& p = *out.mutable_proposal();
          p.set_digest(bytes_of(m.digest));
          // Sent every round: the digest names the value, TLS guards the
          // bytes, so the model itself goes without a digest to recompute.
          if (m.model)
            put(m.model, *p.mutable_model(), nullptr, detached);
          fill(*p.mutable_participants(), m.participants);
          p.set_final(m.final);
          p.mutable_electors()->Add(m.electors.begin(), m.electors.end());
        } else if constexpr (std::is_same_v<T, proposal_request_msg>) {
          out.mutable_proposal_request();
        } else if constexpr (std::is_same_v<T, final_loaded_msg>) {
          out.mutable_final_loaded();
        } else if constexpr (std::is_same_v<T, accepted_msg>) {
          out.mutable_accepted()->set_digest(bytes_of(m.digest));
        } else if constexpr (std::is_same_v<T, commit_msg>) {
          out.mutable_commit()->set_digest(bytes_of(m.digest));
        } else if constexpr (std::is_same_v<T, refusal_msg>) {
          out.mutable_refusal()->set_reason(m.reason);
        } else if constexpr (std::is_same_v<T, catch_up_msg>) {
          auto& c = *out.mutable_catch_up();
          c.set_leader(m.leader);
          c.set_digest(bytes_of(m.digest));
          put(m.model, *c.mutable_model(), &m.digest, detached);
          fill(*c.mutable_participants(), m.participants);
          c.set_final(m.final);
          c.mutable_electors()->Add(m.electors.begin(), m.electors.end());
        }
      }
    },
    msg);
  return env;
}

} // namespace

Envelope round_encoder::encode(std::string_view contract, std::string_view sender,
                               const round_message& msg) {
  return encode_round(contract, sender, msg, nullptr);
}

encoded_round round_encoder::encode_detached(std::string_view contract, std::string_view sender,
                                             const round_message& msg) {
  encoded_round result;
  result.env = encode_round(contract, sender, msg, &result.values);
  return result;
}

Envelope make_enroll_envelope(std::string_view contract, std::string_view sender, bool reply) {
  auto env = make_envelope();
  env.mutable_round()->set_contract(std::string{contract});
  env.mutable_round()->set_sender(std::string{sender});
  env.mutable_round()->mutable_enroll()->set_reply(reply);
  return env;
}

} // namespace swarm::wire
