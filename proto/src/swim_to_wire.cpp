#include <type_traits>

#include "swarm/wire/codec.hpp"
#include "swarm/wire/swim_convert.hpp"

namespace swarm::wire {

namespace {

void put_update(Update& out, const membership::update& x) {
  out.set_kind(static_cast<uint32_t>(x.kind));
  out.set_node(x.node);
  out.set_incarnation(x.incarnation);
  if (x.from != x.node)
    out.set_from(x.from);
  out.set_address(x.address);
  out.set_meta(x.meta);
}

void put_record(MemberRecord& out, const membership::member_record& x) {
  out.set_name(x.name);
  out.set_address(x.address);
  out.set_meta(x.meta);
  out.set_incarnation(x.incarnation);
  out.set_state(static_cast<uint32_t>(x.state));
}

// One overload per alternative of membership::message_body, so adding an
// alternative there without adding it here fails to compile.
struct body_writer {
  SwimMessage& out;

  void operator()(const membership::ping& x) {
    auto& p = *out.mutable_ping();
    p.set_seq_no(x.seq_no);
    p.set_target(x.target);
  }

  void operator()(const membership::ping_req& x) {
    auto& p = *out.mutable_ping_req();
    p.set_seq_no(x.seq_no);
    p.set_target(x.target);
    p.set_target_address(x.target_address);
  }

  void operator()(const membership::ack& x) {
    out.mutable_ack()->set_seq_no(x.seq_no);
  }

  void operator()(const membership::nack& x) {
    out.mutable_nack()->set_seq_no(x.seq_no);
  }

  void operator()(const membership::gossip&) {
    out.mutable_gossip();
  }

  void operator()(const membership::push_pull& x) {
    auto& p = *out.mutable_push_pull();
    p.set_reply(x.reply);
    p.mutable_members()->Reserve(static_cast<int>(x.members.size()));
    for (const auto& record : x.members)
      put_record(*p.add_members(), record);
  }

  void operator()(const membership::join& x) {
    auto& p = *out.mutable_join();
    p.set_address(x.address);
    p.set_meta(x.meta);
    p.set_incarnation(x.incarnation);
  }

  void operator()(const membership::leave& x) {
    out.mutable_leave()->set_incarnation(x.incarnation);
  }
};

} // namespace

SwimMessage to_wire(const membership::message& x) {
  SwimMessage result;
  result.set_version(x.version);
  std::visit(body_writer{result}, x.body);
  result.mutable_updates()->Reserve(static_cast<int>(x.updates.size()));
  for (const auto& u : x.updates)
    put_update(*result.add_updates(), u);
  return result;
}

Envelope make_swim_envelope(const membership::message& x) {
  auto result = make_envelope();
  *result.mutable_swim() = to_wire(x);
  return result;
}

} // namespace swarm::wire
