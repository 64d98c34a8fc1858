#define BOOST_TEST_MODULE merge.round_election
#include <boost/test/unit_test.hpp>

// Leader election stepped by hand: the sticky term-0 leader, rotation on
// timeouts, one vote per term, round 1's electorate, and the liveness of
// candidates, finished nodes and fresh nodes.

#include "round_fixture.hpp"

using namespace round_test;

namespace {

// Returns the vote `x` sent last to `to`.
vote_msg last_vote(round_coordinator& x, const std::string& to) {
  auto ready = x.take_ready();
  for (auto i = ready.messages.rbegin(); i != ready.messages.rend(); ++i)
    if (i->to == to)
      if (auto* v = std::get_if<vote_msg>(&i->msg))
        return *v;
  BOOST_FAIL("no vote for " << to);
  return {};
}

} // namespace

BOOST_AUTO_TEST_CASE(the_previous_leader_keeps_term_0_and_dead_leaders_rotate_the_terms) {
  bench b{{"a", "b", "c", "d", "e"}, 2};
  check_in(b, {"a", "b", "c", "d", "e"});
  check_in(b, {"a", "b", "c", "d", "e"});
  for (uint64_t round : {1u, 2u}) {
    BOOST_TEST(b.commits("e").at(round - 1).leader == "a");
    BOOST_TEST(b.commits("e").at(round - 1).term == 0u);
  }
  // a and b die: term 1 would be b's, so term 2 falls to c.
  b.nodes.erase("a");
  b.nodes.erase("b");
  b.pass = [](const envelope& e) { return e.to != "a" && e.to != "b"; };
  check_in(b, {"c", "d", "e"});
  BOOST_TEST(b["c"].term() == 0u);
  b.run_to(b.now + 400);
  auto commits = b.commits("e");
  BOOST_TEST_REQUIRE(commits.size() == 3u);
  BOOST_TEST(commits[2].leader == "c");
  BOOST_TEST(commits[2].term == 2u);
  BOOST_TEST(b["d"].stats().term_bumps >= 1u);
}

BOOST_AUTO_TEST_CASE(a_node_grants_one_vote_per_term) {
  round_coordinator x{"x", quick_config(2), 0};
  x.set_peers({"a", "b"}, 0);
  x.check_in(info(), model_of(1.0f), 0);
  x.take_ready();
  x.step("a", vote_request_msg{1, 1}, 1);
  BOOST_TEST(last_vote(x, "a").granted);
  x.step("b", vote_request_msg{1, 1}, 2);
  BOOST_TEST(!last_vote(x, "b").granted);
  // A repeated request (its vote may have been lost) gets the same answer.
  x.step("a", vote_request_msg{1, 1}, 3);
  BOOST_TEST(last_vote(x, "a").granted);
  x.step("b", vote_request_msg{1, 2}, 4);
  BOOST_TEST(last_vote(x, "b").granted);
  BOOST_TEST(x.term() == 2u);
  x.step("a", vote_request_msg{1, 1}, 5);
  auto stale = last_vote(x, "a");
  BOOST_TEST(!stale.granted);
  BOOST_TEST(stale.term == 2u);
  // Term 2 is x's own turn in its view, but its vote went to b.
  BOOST_TEST(!x.leading());
}

BOOST_AUTO_TEST_CASE(a_candidate_that_learns_its_term_from_a_peer_asks_for_votes) {
  bench b{{"a", "b", "c"}, 2};
  check_in(b, {"a", "b", "c"});
  b.nodes.erase("a");
  b.pass = [](const envelope& e) { return e.to != "a"; };
  check_in(b, {"b", "c"});
  // Only c times out; its repeated check-in carries term 1 to b, whose
  // turn term 1 is. Its heartbeats would keep c from ever timing out again,
  // so b must ask for votes although its own timer never fired.
  b.now += 150;
  b["c"].tick(b.now);
  b.pump();
  BOOST_TEST(b["b"].stats().term_bumps == 0u);
  BOOST_TEST(!b.sent<vote_request_msg>("b").empty());
  auto commits = b.commits("c");
  BOOST_TEST_REQUIRE(commits.size() == 2u);
  BOOST_TEST(commits[1].leader == "b");
  BOOST_TEST(commits[1].term == 1u);
}

BOOST_AUTO_TEST_CASE(round_one_electorate_does_not_shrink_when_peers_vanish) {
  bench b{{"a", "b", "c"}, 1};
  // b loses sight of a and c before anyone checked in. With min_peers 1
  // it could merge alone, and a and c could commit another round 1.
  b["b"].set_peers({}, b.now);
  b.pass = [](const envelope& e) { return e.from != "b" && e.to != "b"; };
  check_in(b, {"b"});
  b.run_to(b.now + 500);
  BOOST_TEST(b.commits("b").empty());
  BOOST_TEST(!b["b"].leading());
}

BOOST_AUTO_TEST_CASE(finished_nodes_start_the_final_round_when_every_live_peer_is_finished) {
  bench b{{"a", "b", "c"}, 2};
  check_in(b, {"a", "b", "c"});
  // c dies; round 2's electorate still has it, so round 2 cannot be final.
  b.nodes.erase("c");
  b.pass = [](const envelope& e) { return e.to != "c"; };
  b["a"].set_peers({"b"}, b.now);
  b["b"].set_peers({"a"}, b.now);
  b["a"].finish(train_end_mode::snapshot, info(), model_of(2.0f), b.now);
  b["b"].finish(train_end_mode::snapshot, info(), model_of(4.0f), b.now);
  b.run_to(b.now + 500);
  auto commits = b.commits("a");
  BOOST_TEST_REQUIRE(commits.size() == 3u);
  BOOST_TEST(!commits[1].final);
  BOOST_TEST(commits[2].final);
  BOOST_TEST(b["a"].training_over());
  BOOST_TEST(b["b"].training_over());
  BOOST_TEST(b["a"].committed_digest() == b["b"].committed_digest());
}

BOOST_AUTO_TEST_CASE(a_check_in_from_a_dead_node_does_not_make_it_live_again) {
  bench b{{"a", "b", "c"}, 2};
  check_in(b, {"a", "b", "c"});
  // c checks in for round 2 and dies; membership tells a and b first, and
  // the check-in arrives afterwards.
  b["c"].check_in(info(), model_of(3.0f), b.now);
  auto late = b["c"].take_ready();
  b.nodes.erase("c");
  b.pass = [](const envelope& e) { return e.to != "c"; };
  b["a"].set_peers({"b"}, b.now);
  b["b"].set_peers({"a"}, b.now);
  for (auto& out : late.messages)
    if (b.nodes.contains(out.to))
      b[out.to].step("c", out.msg, b.now);
  b["a"].finish(train_end_mode::snapshot, info(), model_of(2.0f), b.now);
  b["b"].finish(train_end_mode::snapshot, info(), model_of(4.0f), b.now);
  b.run_to(b.now + 1'000);
  BOOST_TEST(b["a"].training_over());
  BOOST_TEST(b["b"].training_over());
}

BOOST_AUTO_TEST_CASE(a_fresh_node_asks_its_new_peers_for_the_latest_model) {
  bench b{{"a", "b"}, 2};
  check_in(b, {"a", "b"});
  b.nodes["d"] = std::make_unique<round_coordinator>("d", quick_config(2), b.now);
  b["d"].set_peers({"a", "b"}, b.now);
  b.pump();
  auto commits = b.commits("d");
  BOOST_TEST_REQUIRE(commits.size() == 1u);
  BOOST_TEST(commits[0].caught_up);
  BOOST_TEST(commits[0].digest == b["a"].committed_digest());
}

BOOST_AUTO_TEST_CASE(the_default_leader_follows_the_committed_value_not_who_committed_it) {
  // Acceptors wait for commit messages here (the path of larger swarms).
  auto cfg = quick_config(2);
  cfg.learn_on_accept = false;
  bench b{{"a", "b", "c"}, cfg};
  check_in(b, {"a", "b", "c"});
  // Round 2: a commits, but its commit messages are lost and a is cut off;
  // b re-commits the same value in term 1. a and b now disagree on who led
  // round 2, yet they must agree on round 3's term-0 leader.
  b.pass = [](const envelope& e) { return !std::holds_alternative<commit_msg>(e.msg); };
  check_in(b, {"a", "b", "c"});
  BOOST_TEST_REQUIRE(b.commits("a").size() == 2u);
  b.pass = [](const envelope& e) { return e.from != "a" && e.to != "a"; };
  b.run_to(b.now + 300);
  BOOST_TEST_REQUIRE(b.commits("b").size() == 2u);
  BOOST_TEST(b.commits("b")[1].leader == "b");
  BOOST_TEST(b.commits("b")[1].digest == b.commits("a")[1].digest);
  b.pass = [](const envelope&) { return true; };
  auto before = b.log.size();
  check_in(b, {"a", "b", "c"});
  b.run_to(b.now + 100);
  std::set<std::string> proposers;
  for (size_t i = before; i < b.log.size(); ++i)
    if (std::holds_alternative<proposal_msg>(b.log[i].msg))
      proposers.insert(b.log[i].from);
  BOOST_TEST(proposers.size() == 1u);
  for (const auto* name : {"a", "b", "c"}) {
    BOOST_TEST_REQUIRE(b.commits(name).size() == 3u);
    BOOST_TEST(b.commits(name)[2].leader == "a");
  }
}
