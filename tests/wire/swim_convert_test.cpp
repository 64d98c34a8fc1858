#define BOOST_TEST_MODULE wire.swim_convert
#include <boost/test/unit_test.hpp>

#include <string>
#include <variant>
#include <vector>

#include "swarm/wire/codec.hpp"
#include "swarm/wire/swim_convert.hpp"

using namespace swarm;
using namespace swarm::wire;
namespace m = swarm::membership;

namespace {

// Boost.Test evaluates messages even when the assertion holds, so they must
// not call error() on a value.
template <class T>
std::string why(const swarm::expected<T>& x) {
  return x ? std::string{"ok"} : x.error().to_string();
}

reject_reason reason_in(const swarm::error& err) {
  return reject_reason_of(err).value_or(static_cast<reject_reason>(255));
}

// -- field-wise equality (the membership structs define no operator==) ------

bool same(const m::update& a, const m::update& b) {
  return a.kind == b.kind && a.node == b.node && a.incarnation == b.incarnation
         && a.from == b.from && a.address == b.address && a.meta == b.meta;
}

bool same(const m::member_record& a, const m::member_record& b) {
  return a.name == b.name && a.address == b.address && a.meta == b.meta
         && a.incarnation == b.incarnation && a.state == b.state;
}

struct same_body {
  bool operator()(const m::ping& a, const m::ping& b) const {
    return a.seq_no == b.seq_no && a.target == b.target;
  }
  bool operator()(const m::ping_req& a, const m::ping_req& b) const {
    return a.seq_no == b.seq_no && a.target == b.target && a.target_address == b.target_address;
  }
  bool operator()(const m::ack& a, const m::ack& b) const {
    return a.seq_no == b.seq_no;
  }
  bool operator()(const m::nack& a, const m::nack& b) const {
    return a.seq_no == b.seq_no;
  }
  bool operator()(const m::gossip&, const m::gossip&) const {
    return true;
  }
  bool operator()(const m::push_pull& a, const m::push_pull& b) const {
    if (a.reply != b.reply || a.members.size() != b.members.size())
      return false;
    for (size_t i = 0; i < a.members.size(); ++i)
      if (!same(a.members[i], b.members[i]))
        return false;
    return true;
  }
  bool operator()(const m::join& a, const m::join& b) const {
    return a.address == b.address && a.meta == b.meta && a.incarnation == b.incarnation;
  }
  bool operator()(const m::leave& a, const m::leave& b) const {
    return a.incarnation == b.incarnation;
  }
  template <class T, class U>
  bool operator()(const T&, const U&) const {
    return false;
  }
};

bool same(const m::message& a, const m::message& b) {
  if (a.version != b.version || a.updates.size() != b.updates.size())
    return false;
  for (size_t i = 0; i < a.updates.size(); ++i)
    if (!same(a.updates[i], b.updates[i]))
      return false;
  return std::visit(same_body{}, a.body, b.body);
}

// -- fixtures -----------------------------------------------------------------

std::vector<m::update> every_kind_of_update() {
  return {
    {m::update_kind::alive, "SN-1", 3, "SN-1", "127.0.1.1:30303", std::string("\x00meta", 5)},
    {m::update_kind::suspect, "SN-2", 7, "SN-3", "", ""},
    {m::update_kind::dead, "SN-4", 1, "SN-1", "", ""},
    {m::update_kind::left, "SN-5", 9, "SN-5", "", ""},
  };
}

std::vector<m::message_body> every_body() {
  m::push_pull pp;
  pp.reply = true;
  pp.members = {
    {"SN-1", "127.0.1.1:30303", "meta-1", 4, m::member_state::alive},
    {"SN-2", "127.0.2.1:30303", "", 2, m::member_state::suspect},
    {"SN-3", "127.0.3.1:30303", "", 8, m::member_state::dead},
    {"SN-4", "127.0.4.1:30303", "", 1, m::member_state::left},
  };
  return {
    m::ping{42, "SN-2"},
    m::ping_req{43, "SN-3", "127.0.3.1:30303"},
    m::ack{44},
    m::nack{45},
    m::gossip{},
    pp,
    m::join{"127.0.1.1:30303", "joiner-meta", 12},
    m::leave{13},
  };
}

// Goes all the way: struct -> SwimMessage -> envelope bytes -> envelope ->
// struct, as the transport does.
m::message through_the_wire(const m::message& x) {
  auto decoded = decode_envelope(encode(make_swim_envelope(x)));
  BOOST_REQUIRE_MESSAGE(decoded, why(decoded));
  BOOST_REQUIRE(decoded->has_swim());
  auto back = from_wire(decoded->swim());
  BOOST_REQUIRE_MESSAGE(back, why(back));
  return *back;
}

SwimMessage valid_gossip() {
  SwimMessage x;
  x.set_version(1);
  x.mutable_gossip();
  return x;
}

} // namespace

BOOST_AUTO_TEST_CASE(every_message_type_survives_a_round_trip) {
  auto bodies = every_body();
  BOOST_TEST(bodies.size() == std::variant_size_v<m::message_body>);
  for (auto& body : bodies) {
    m::message msg;
    msg.body = body;
    msg.updates = every_kind_of_update();
    auto back = through_the_wire(msg);
    BOOST_TEST(same(msg, back), "body " << m::type_name(msg.body));
    // And without updates.
    msg.updates.clear();
    BOOST_TEST(same(msg, through_the_wire(msg)), "body " << m::type_name(msg.body));
  }
}

BOOST_AUTO_TEST_CASE(from_is_omitted_when_it_names_the_node_itself) {
  m::message msg;
  msg.body = m::gossip{};
  msg.updates = every_kind_of_update();
  auto w = to_wire(msg);
  BOOST_TEST(w.updates(0).from().empty()); // alive, from == node
  BOOST_TEST(w.updates(1).from() == "SN-3");
  auto back = from_wire(w);
  BOOST_REQUIRE(back);
  BOOST_TEST(back->updates[0].from == "SN-1");
}

BOOST_AUTO_TEST_CASE(unknown_update_kinds_are_errors) {
  auto x = valid_gossip();
  auto& u = *x.add_updates();
  u.set_node("SN-1");
  u.set_kind(4);
  auto result = from_wire(x);
  BOOST_REQUIRE(!result);
  BOOST_TEST(reason_in(result.error()) == reject_reason::invalid_value);
  BOOST_TEST(result.error().message.find("swim.updates[0].kind") != std::string::npos);
  u.set_kind(0xffffffffu);
  BOOST_TEST(!from_wire(x));
}

BOOST_AUTO_TEST_CASE(unknown_member_states_are_errors) {
  SwimMessage x;
  x.set_version(1);
  auto& r = *x.mutable_push_pull()->add_members();
  r.set_name("SN-1");
  r.set_state(4);
  auto result = from_wire(x);
  BOOST_REQUIRE(!result);
  BOOST_TEST(reason_in(result.error()) == reject_reason::invalid_value);
  // The envelope decoder applies the same rule.
  auto env = make_envelope();
  *env.mutable_swim() = x;
  auto decoded = decode_envelope(encode(env));
  BOOST_REQUIRE(!decoded);
  BOOST_TEST(reason_in(decoded.error()) == reject_reason::invalid_value);
}

BOOST_AUTO_TEST_CASE(versions_outside_a_byte_and_missing_bodies_are_errors) {
  auto x = valid_gossip();
  BOOST_TEST(static_cast<bool>(from_wire(x)));
  x.set_version(0);
  BOOST_TEST(!from_wire(x));
  x.set_version(256);
  BOOST_TEST(!from_wire(x));
  SwimMessage empty;
  empty.set_version(1);
  auto result = from_wire(empty);
  BOOST_REQUIRE(!result);
  BOOST_TEST(reason_in(result.error()) == reject_reason::empty_body);
}

BOOST_AUTO_TEST_CASE(over_limit_swim_fields_are_errors) {
  auto x = valid_gossip();
  auto& u = *x.add_updates();
  u.set_node("SN-1");
  u.set_meta(std::string(max_meta_bytes + 1, 'm'));
  auto result = from_wire(x);
  BOOST_REQUIRE(!result);
  BOOST_TEST(reason_in(result.error()) == reject_reason::over_limit);

  SwimMessage pp;
  pp.set_version(1);
  auto& members = *pp.mutable_push_pull()->mutable_members();
  for (size_t i = 0; i <= max_push_pull_members; ++i)
    members.Add()->set_name("n");
  auto too_many = from_wire(pp);
  BOOST_REQUIRE(!too_many);
  BOOST_TEST(reason_in(too_many.error()) == reject_reason::over_limit);
}
