#define BOOST_TEST_MODULE merge.round_durable
#include <boost/test/unit_test.hpp>

// The hard state a coordinator hands out (round_durable.cpp): when it comes
// (with the batch whose messages carry the promise), and what a coordinator
// restored from it still refuses and still knows.

#include "round_fixture.hpp"

using namespace round_test;

namespace {

// The vote in `ready` for `to`.
const vote_msg* vote_in(const round_ready& ready, const std::string& to) {
  for (const auto& out : ready.messages)
    if (out.to == to)
      if (const auto* v = std::get_if<vote_msg>(&out.msg))
        return v;
  return nullptr;
}

// A node "x" of peers a to d that checked in to round 1 (with four peers,
// x and a leader alone are no majority: x does not commit on accepting).
round_coordinator checked_in_node() {
  round_coordinator x{"x", quick_config(2), 0};
  x.set_peers({"a", "b", "c", "d"}, 0);
  x.check_in(info(), model_of(1.0f), 0);
  return x;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_vote_comes_with_the_hard_state_that_records_it) {
  auto x = checked_in_node();
  x.take_ready();
  x.step("a", vote_request_msg{1, 1}, 1);
  auto ready = x.take_ready();
  BOOST_TEST_REQUIRE(vote_in(ready, "a") != nullptr);
  BOOST_TEST(vote_in(ready, "a")->granted);
  BOOST_TEST_REQUIRE(ready.hard_state.has_value());
  BOOST_TEST(ready.hard_state->term == 1u);
  BOOST_TEST(ready.hard_state->voted_for == "a");
  // Nothing changed since: nothing to save.
  x.tick(2);
  BOOST_TEST(!x.take_ready().hard_state.has_value());
}

BOOST_AUTO_TEST_CASE(a_node_restored_from_its_hard_state_does_not_vote_twice_in_a_term) {
  auto x = checked_in_node();
  x.take_ready();
  x.step("a", vote_request_msg{1, 1}, 1);
  auto saved = *x.take_ready().hard_state;
  round_coordinator back{"x", quick_config(2), 5, saved};
  back.set_peers({"a", "b", "c", "d"}, 5);
  back.take_ready();
  back.step("b", vote_request_msg{1, 1}, 6);
  auto refused = back.take_ready();
  BOOST_TEST_REQUIRE(vote_in(refused, "b") != nullptr);
  BOOST_TEST(!vote_in(refused, "b")->granted);
  // The candidate it voted for may ask again (its answer may have been lost).
  back.step("a", vote_request_msg{1, 1}, 7);
  auto again = back.take_ready();
  BOOST_TEST_REQUIRE(vote_in(again, "a") != nullptr);
  BOOST_TEST(vote_in(again, "a")->granted);
}

BOOST_AUTO_TEST_CASE(a_node_restored_after_accepting_hands_the_value_to_the_next_leader) {
  auto x = checked_in_node();
  x.take_ready();
  auto value = model_of(2.0f);
  proposal_msg p{1, 0, digest(*value), value, {{"a", info()}, {"x", info()}}, false, {"b"}};
  x.step("a", p, 1);
  auto ready = x.take_ready();
  BOOST_TEST_REQUIRE(ready.hard_state.has_value());
  BOOST_TEST_REQUIRE(ready.hard_state->accepted.has_value());
  BOOST_TEST(ready.hard_state->accepted->digest == p.digest);
  round_coordinator back{"x", quick_config(2), 5, *ready.hard_state};
  back.set_peers({"a", "b", "c", "d"}, 5);
  back.take_ready();
  back.step("b", vote_request_msg{1, 1}, 6);
  auto vote = back.take_ready();
  const auto* v = vote_in(vote, "b");
  BOOST_TEST_REQUIRE(v != nullptr);
  BOOST_TEST(v->granted);
  BOOST_TEST(v->accepted_digest == p.digest);
  BOOST_TEST_REQUIRE(v->accepted_model != nullptr);
  BOOST_TEST(digest(*v->accepted_model) == p.digest);
  BOOST_TEST(v->accepted_electors == std::vector<std::string>{"b"});
}

BOOST_AUTO_TEST_CASE(a_node_restored_after_a_commit_starts_from_that_commit) {
  bench b{{"a", "b"}, 2};
  check_in(b, {"a", "b"});
  check_in(b, {"a", "b"});
  BOOST_TEST_REQUIRE(b["b"].committed_round() == 2u);
  auto saved = b["b"].hard_state();
  round_coordinator back{"b", quick_config(2), b.now, saved};
  BOOST_TEST(back.committed_round() == 2u);
  BOOST_TEST(back.committed_digest() == b["b"].committed_digest());
  BOOST_TEST_REQUIRE(back.committed_model() != nullptr);
  BOOST_TEST(digest(*back.committed_model()) == b["b"].committed_digest());
  BOOST_TEST(!back.training_over());
  BOOST_TEST(!back.waiting());
}
