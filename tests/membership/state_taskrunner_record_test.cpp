#define BOOST_TEST_MODULE membership.state_taskrunner_record
#include <boost/test/unit_test.hpp>

#include <string>

#include "swarm/membership/state_swarm.hpp"
#include "swarm/membership/state_taskrunner_record.hpp"

using namespace swarm::membership;

namespace {

taskrunner_record sample_runner() {
  taskrunner_record x;
  x.name = std::string{default_taskrunner};
  x.task = "swarm_mnist_task";
  x.task_type = "RUN_SWARM";
  x.run_id = 7;
  x.peers_wanted = 2;
  x.all_peers = true;
  x.targets = {"0b8f7a52-6c4e-4d2b-9a51-3c1d2e4f5a6b", "1b8f7a52-6c4e-4d2b-9a51-3c1d2e4f5a6b"};
  x.assigned_ms = 1'764'150'000'123;
  x.created_ms = 1'764'150'000'000;
  x.targeted_ms = 1'764'150'000'456;
  return x;
}

taskrunner_peer_record sample_peer() {
  taskrunner_peer_record x;
  x.taskrunner = std::string{default_taskrunner};
  x.swop_uuid = "0b8f7a52-6c4e-4d2b-9a51-3c1d2e4f5a6b";
  x.swop_name = "swop1";
  x.host = "127.0.1.1";
  x.run_id = 7;
  x.state = peer_state::failed;
  x.message = "ml-1 exited with status 2";
  x.nodes = 2;
  x.nodes_done = 1;
  x.enrolled_ms = 1;
  x.started_ms = 2;
  x.ended_ms = 3;
  return x;
}

template <class T>
byte_buffer encoded(const T& x) {
  byte_writer out;
  x.encode(out);
  return out.take();
}

template <class T>
void expect_rejected(const T& x, const std::string& what) {
  BOOST_TEST_CONTEXT(what) {
    auto st = x.check();
    BOOST_REQUIRE(!st);
    BOOST_TEST(st.error().message.find(what) != std::string::npos, st.error().message);
    auto back = T::decode(encoded(x));
    BOOST_REQUIRE(!back);
    BOOST_TEST(back.error().code == swarm::errc::corrupt_data);
  }
}

template <class T>
void expect_truncations_rejected(const T& x) {
  auto bytes = encoded(x);
  for (size_t n = 0; n < bytes.size(); ++n)
    BOOST_TEST(!T::decode(std::span{bytes}.first(n)), "length " << n);
  bytes.push_back(std::byte{0});
  BOOST_TEST(!T::decode(bytes));
}

} // namespace

BOOST_AUTO_TEST_CASE(a_taskrunner_record_round_trips_with_every_field) {
  auto x = sample_runner();
  auto back = taskrunner_record::decode(encoded(x));
  BOOST_REQUIRE(back);
  BOOST_TEST((*back == x));
  BOOST_TEST(x.key() == "defaulttaskbb.taskdb.sml.hpe");
  taskrunner_record idle;
  idle.name = "tr";
  BOOST_TEST((taskrunner_record::decode(encoded(idle)).value() == idle));
}

BOOST_AUTO_TEST_CASE(a_peer_record_round_trips_in_every_state) {
  for (auto state : {peer_state::enrolled, peer_state::running, peer_state::complete,
                     peer_state::failed}) {
    auto x = sample_peer();
    x.state = state;
    auto back = taskrunner_peer_record::decode(encoded(x));
    BOOST_REQUIRE(back);
    BOOST_TEST((*back == x));
  }
  BOOST_TEST(sample_peer().key()
             == "defaulttaskbb.taskdb.sml.hpe/0b8f7a52-6c4e-4d2b-9a51-3c1d2e4f5a6b");
}

BOOST_AUTO_TEST_CASE(peer_states_print_as_the_api_spells_them) {
  BOOST_TEST(to_string(peer_state::enrolled) == "ENROLLED");
  BOOST_TEST(to_string(peer_state::running) == "RUNNING");
  BOOST_TEST(to_string(peer_state::complete) == "COMPLETE");
  BOOST_TEST(to_string(peer_state::failed) == "FAILED");
}

BOOST_AUTO_TEST_CASE(every_truncation_and_trailing_bytes_are_rejected) {
  expect_truncations_rejected(sample_runner());
  expect_truncations_rejected(sample_peer());
}

BOOST_AUTO_TEST_CASE(an_unknown_peer_state_is_rejected) {
  auto bytes = encoded(sample_peer());
  // The state byte follows the run id varint (7: one byte).
  auto at = 1 + 1 + 28 + 1 + 36 + 1 + 5 + 1 + 9 + 1;
  BOOST_REQUIRE(bytes[at] == std::byte{3});
  bytes[at] = std::byte{4};
  auto back = taskrunner_peer_record::decode(bytes);
  BOOST_REQUIRE(!back);
  BOOST_TEST(back.error().message.find("unknown peer state 4") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(records_breaking_the_limits_are_rejected_naming_the_problem) {
  auto r = sample_runner();
  r.name = "";
  expect_rejected(r, "taskrunner name '' is invalid");
  r = sample_runner();
  r.task = "no spaces";
  expect_rejected(r, "task name 'no spaces' is invalid");
  r = sample_runner();
  r.targets.push_back(r.targets[0]);
  expect_rejected(r, "appears twice");
  r = sample_runner();
  r.targets[0] = "a/b";
  expect_rejected(r, "contains '/'");
  auto p = sample_peer();
  p.swop_uuid = "";
  expect_rejected(p, "SWOP uuid is empty");
  p = sample_peer();
  p.message = std::string(1025, 'm');
  expect_rejected(p, "message has 1025 bytes");
  p = sample_peer();
  p.nodes_done = 3;
  expect_rejected(p, "3 nodes done of 2");
}

BOOST_AUTO_TEST_CASE(two_swops_writing_their_own_peer_entries_never_collide) {
  swarm_state a;
  swarm_state b;
  auto wa = make_uuid_v4(std::array<std::byte, 16>{std::byte{1}});
  auto wb = make_uuid_v4(std::array<std::byte, 16>{std::byte{2}});
  auto pa = sample_peer();
  auto pb = sample_peer();
  pb.swop_uuid = "1b8f7a52-6c4e-4d2b-9a51-3c1d2e4f5a6b";
  auto ea = a.map_of<taskrunner_peer_record>().put(pa, wa);
  auto eb = b.map_of<taskrunner_peer_record>().put(pb, wb);
  BOOST_REQUIRE(ea);
  BOOST_REQUIRE(eb);
  std::string map{taskrunner_peer_record::map_name};
  BOOST_TEST(a.merge({map, *eb}).value());
  BOOST_TEST(b.merge({map, *ea}).value());
  BOOST_TEST(same_contents(a, b));
  size_t n = 0;
  a.map_of<taskrunner_peer_record>().for_each([&](const auto&) { ++n; });
  BOOST_TEST(n == 2u);
}
