#include "swarm/wire/check.hpp"

#include <initializer_list>

#include "field_check.hpp"
#include "swarm/membership/member.hpp"
#include "swarm/membership/messages.hpp"
#include "swarm/wire/limits.hpp"
#include "swarm/wire/reject.hpp"

namespace swarm::wire {

using detail::check_count;
using detail::check_enum;
using detail::check_size;
using detail::check_text;
using detail::check_token;
using detail::indexed;

namespace {

// The largest values membership knows; anything above is from a newer
// protocol (or garbage) and must not be cast into the enums.
constexpr auto max_update_kind = static_cast<uint64_t>(membership::update_kind::left);
constexpr auto max_member_state = static_cast<uint64_t>(membership::member_state::left);

// Returns the first failure among `xs`. The checks are cheap and side-effect
// free, so evaluating all of them keeps each checker one flat list.
status first_error(std::initializer_list<status> xs) {
  for (const auto& x : xs)
    if (!x)
      return x;
  return status::ok();
}

status check_hello(const Hello& x) {
  return first_error({
    check_token("hello.node_name", x.node_name(), max_name_bytes, false),
    check_size("hello.nonce", x.nonce(), max_nonce_bytes),
    check_token("hello.listen_address", x.listen_address(), max_address_bytes, true),
  });
}

status check_proof(const Proof& x) {
  auto role = static_cast<uint64_t>(x.role());
  if (role == HANDSHAKE_ROLE_UNSPECIFIED)
    return make_error(reject_reason::invalid_value, "proof.role: unset");
  return first_error({
    check_token("proof.node_name", x.node_name(), max_name_bytes, false),
    check_size("proof.certificate_pem", x.certificate_pem(), max_certificate_pem_bytes),
    check_size("proof.signature", x.signature(), max_signature_bytes),
    check_size("proof.nonce", x.nonce(), max_nonce_bytes),
    check_size("proof.answered_nonce", x.answered_nonce(), max_nonce_bytes),
    check_token("proof.lane_address", x.lane_address(), max_address_bytes, true),
    check_enum("proof.role", role, HANDSHAKE_ROLE_ACCEPTOR),
  });
}

status check_update(const std::string& path, const Update& x) {
  return first_error({
    check_enum(path + ".kind", x.kind(), max_update_kind),
    check_token(path + ".node", x.node(), max_name_bytes, false),
    check_token(path + ".from", x.from(), max_name_bytes, true),
    check_token(path + ".address", x.address(), max_address_bytes, true),
    check_size(path + ".meta", x.meta(), max_meta_bytes),
  });
}

status check_record(const std::string& path, const MemberRecord& x) {
  return first_error({
    check_token(path + ".name", x.name(), max_name_bytes, false),
    check_token(path + ".address", x.address(), max_address_bytes, true),
    check_size(path + ".meta", x.meta(), max_meta_bytes),
    check_enum(path + ".state", x.state(), max_member_state),
  });
}

status check_push_pull(const PushPull& x) {
  if (auto st = check_count("swim.push_pull.members", x.members_size(), max_push_pull_members);
      !st)
    return st;
  for (int i = 0; i < x.members_size(); ++i)
    if (auto st = check_record(indexed("swim.push_pull.members", i), x.members(i)); !st)
      return st;
  return status::ok();
}

status check_swim_body(const SwimMessage& x) {
  switch (x.body_case()) {
    case SwimMessage::kPing:
      return check_token("swim.ping.target", x.ping().target(), max_name_bytes, true);
    case SwimMessage::kPingReq:
      return first_error({
        check_token("swim.ping_req.target", x.ping_req().target(), max_name_bytes, false),
        check_token("swim.ping_req.target_address", x.ping_req().target_address(),
                    max_address_bytes, true),
      });
    case SwimMessage::kPushPull:
      return check_push_pull(x.push_pull());
    case SwimMessage::kJoin:
      return first_error({
        check_token("swim.join.address", x.join().address(), max_address_bytes, true),
        check_size("swim.join.meta", x.join().meta(), max_meta_bytes),
      });
    case SwimMessage::kAck:
    case SwimMessage::kNack:
    case SwimMessage::kGossip:
    case SwimMessage::kLeave:
      return status::ok();
    case SwimMessage::BODY_NOT_SET:
      break;
  }
  return make_error(reject_reason::empty_body, "swim message without body");
}

status check_state(const StateSync& x) {
  // The bytes are the state module's own encoding, which it decodes with
  // its own limits; here only their sum is bounded (it matters for
  // envelopes built locally, which were never size-checked).
  auto total = x.summary_bytes().size() + x.updates_bytes().size();
  if (total <= max_envelope_bytes)
    return status::ok();
  return make_error(reject_reason::over_limit, "state: " + std::to_string(total)
                                                 + " bytes of summary and updates, at most "
                                                 + std::to_string(max_envelope_bytes));
}

status check_round(const RoundMessage& x) {
  if (x.body_case() == RoundMessage::BODY_NOT_SET)
    return make_error(reject_reason::empty_body, "round message without body");
  return first_error({
    check_token("round.contract", x.contract(), max_contract_bytes, false),
    check_token("round.sender", x.sender(), max_name_bytes + 32, false),
    check_text("round.refusal.reason", x.refusal().reason(), max_reason_bytes),
    check_count("round.proposal.participants", x.proposal().participants_size(),
                max_round_participants),
    check_count("round.catch_up.participants", x.catch_up().participants_size(),
                max_round_participants),
    check_count("round.proposal.electors", x.proposal().electors_size(), max_round_participants),
    check_count("round.catch_up.electors", x.catch_up().electors_size(), max_round_participants),
    check_count("round.vote.accepted_participants", x.vote().accepted_participants_size(),
                max_round_participants),
    check_count("round.vote.accepted_electors", x.vote().accepted_electors_size(),
                max_round_participants),
  });
}

} // namespace

status check_swim_message(const SwimMessage& x) {
  if (x.version() == 0 || x.version() > 255)
    return make_error(reject_reason::invalid_value,
                      "swim.version: " + std::to_string(x.version()) + ", expected 1..255");
  if (auto st = check_swim_body(x); !st)
    return st;
  if (auto st = check_count("swim.updates", x.updates_size(), max_swim_updates); !st)
    return st;
  for (int i = 0; i < x.updates_size(); ++i)
    if (auto st = check_update(indexed("swim.updates", i), x.updates(i)); !st)
      return st;
  return status::ok();
}

status check_envelope(const Envelope& x) {
  if (x.version() != wire_version)
    return make_error(reject_reason::unsupported_version,
                      x.version() == 0 ? std::string{"version unset"}
                                       : "version " + std::to_string(x.version())
                                           + ", this build reads "
                                           + std::to_string(wire_version));
  switch (x.body_case()) {
    case Envelope::kHello:
      return check_hello(x.hello());
    case Envelope::kProof:
      return check_proof(x.proof());
    case Envelope::kRefusal:
      return check_text("refusal.reason", x.refusal().reason(), max_reason_bytes);
    case Envelope::kSwim:
      return check_swim_message(x.swim());
    case Envelope::kState:
      return check_state(x.state());
    case Envelope::kRound:
      return check_round(x.round());
    case Envelope::BODY_NOT_SET:
      break;
  }
  return make_error(reject_reason::empty_body, "envelope without body");
}

} // namespace swarm::wire
