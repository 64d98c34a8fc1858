#include "swarm/wire/check.hpp"
#include "swarm/wire/reject.hpp"
#include "swarm/wire/swim_convert.hpp"

namespace swarm::wire {

namespace {

// Only called after check_swim_message, which bounds every enum value.
membership::update get_update(const Update& x) {
  membership::update result;
  result.kind = static_cast<membership::update_kind>(x.kind());
  result.node = x.node();
  result.incarnation = x.incarnation();
  result.from = x.from().empty() ? x.node() : x.from();
  result.address = x.address();
  result.meta = x.meta();
  return result;
}

membership::member_record get_record(const MemberRecord& x) {
  membership::member_record result;
  result.name = x.name();
  result.address = x.address();
  result.meta = x.meta();
  result.incarnation = x.incarnation();
  result.state = static_cast<membership::member_state>(x.state());
  return result;
}

membership::push_pull get_push_pull(const PushPull& x) {
  membership::push_pull result;
  result.reply = x.reply();
  result.members.reserve(static_cast<size_t>(x.members_size()));
  for (const auto& record : x.members())
    result.members.push_back(get_record(record));
  return result;
}

expected<membership::message_body> get_body(const SwimMessage& x) {
  switch (x.body_case()) {
    case SwimMessage::kPing:
      return membership::message_body{membership::ping{x.ping().seq_no(), x.ping().target()}};
    case SwimMessage::kPingReq:
      return membership::message_body{membership::ping_req{
        x.ping_req().seq_no(), x.ping_req().target(), x.ping_req().target_address()}};
    case SwimMessage::kAck:
      return membership::message_body{membership::ack{x.ack().seq_no()}};
    case SwimMessage::kNack:
      return membership::message_body{membership::nack{x.nack().seq_no()}};
    case SwimMessage::kGossip:
      return membership::message_body{membership::gossip{}};
    case SwimMessage::kPushPull:
      return membership::message_body{get_push_pull(x.push_pull())};
    case SwimMessage::kJoin:
      return membership::message_body{
        membership::join{x.join().address(), x.join().meta(), x.join().incarnation()}};
    case SwimMessage::kLeave:
      return membership::message_body{membership::leave{x.leave().incarnation()}};
    case SwimMessage::BODY_NOT_SET:
      break;
  }
  return make_error(reject_reason::empty_body, "swim message without body");
}

} // namespace

expected<membership::message> from_wire(const SwimMessage& x) {
  if (auto st = check_swim_message(x); !st)
    return st.error();
  auto body = get_body(x);
  if (!body)
    return body.error();
  membership::message result;
  result.version = static_cast<uint8_t>(x.version());
  result.body = std::move(*body);
  result.updates.reserve(static_cast<size_t>(x.updates_size()));
  for (const auto& u : x.updates())
    result.updates.push_back(get_update(u));
  return result;
}

} // namespace swarm::wire
