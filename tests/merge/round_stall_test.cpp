#define BOOST_TEST_MODULE merge.round_stall
#include <boost/test/unit_test.hpp>

// stall(): what a waiting node's round lacks, named for its log.

#include "round_fixture.hpp"

using namespace round_test;

namespace {

// Round 1 commits with every node; then `dead` stops, the others check in
// for round 2, which must not commit: returns what "a" says it lacks.
round_stall stall_after_losing(bench& b, const std::string& dead) {
  std::vector<std::string> all, survivors;
  for (const auto& [name, _] : b.nodes) {
    all.push_back(name);
    if (name != dead)
      survivors.push_back(name);
  }
  check_in(b, all);
  BOOST_TEST_REQUIRE(b.commits("a").size() == 1u);
  kill(b, dead);
  check_in(b, survivors);
  b.run_to(b.now + 2'000);
  BOOST_TEST(b.commits("a").size() == 1u);
  return b["a"].stall();
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_node_that_does_not_wait_has_no_stall_to_report) {
  bench b{{"a", "b"}, 2};
  BOOST_TEST((b["a"].stall().why == round_stall::cause::none));
  check_in(b, {"a", "b"});
  BOOST_TEST_REQUIRE(b.commits("a").size() == 1u);
  BOOST_TEST((b["a"].stall().why == round_stall::cause::none));
}

BOOST_AUTO_TEST_CASE(a_survivor_without_a_majority_of_the_last_round_names_who_is_missing) {
  // min_peers 1 lets one node merge alone, but round 2's electorate is
  // round 1's participants: a alone is no majority of {a, b}, and the tie
  // is b's (a is the default leader).
  bench b{{"a", "b"}, 1};
  auto stall = stall_after_losing(b, "b");
  BOOST_TEST((stall.why == round_stall::cause::majority));
  BOOST_TEST(stall.nodes_missing());
  BOOST_TEST(contains(stall.text, "round 2 needs 2 (or 1 with b) of round 1's electorate (a, b)"),
             stall.text);
  BOOST_TEST(contains(stall.text, "alive: a."), stall.text);
}

BOOST_AUTO_TEST_CASE(too_few_live_nodes_for_min_peers_are_named) {
  bench b{{"a", "b", "c"}, 3};
  auto stall = stall_after_losing(b, "c");
  BOOST_TEST((stall.why == round_stall::cause::live_nodes));
  BOOST_TEST(stall.nodes_missing());
  BOOST_TEST(contains(stall.text, "round 2 needs minPeers 3 nodes; alive: a, b"), stall.text);
}

BOOST_AUTO_TEST_CASE(missing_check_ins_are_counted_until_they_arrive) {
  bench b{{"a", "b", "c"}, 3};
  check_in(b, {"a"});
  auto stall = b["a"].stall();
  BOOST_TEST((stall.why == round_stall::cause::check_ins));
  BOOST_TEST(!stall.nodes_missing());
  BOOST_TEST(contains(stall.text, "round 1 has 1 of minPeers 3 check-ins (a)"), stall.text);
  check_in(b, {"b", "c"});
  BOOST_TEST(b.commits("a").size() == 1u);
  BOOST_TEST((b["a"].stall().why == round_stall::cause::none));
}

BOOST_AUTO_TEST_CASE(a_swarm_where_no_live_node_may_lead_says_so) {
  auto cfg = quick_config(2);
  cfg.eligible = false;
  bench b{{"a", "b"}, cfg};
  check_in(b, {"a", "b"});
  b.run_to(b.now + 2'000);
  BOOST_TEST(b.commits("a").empty());
  auto stall = b["a"].stall();
  BOOST_TEST((stall.why == round_stall::cause::no_leader));
  BOOST_TEST(stall.nodes_missing());
  BOOST_TEST(contains(stall.text, "round 1 has no live node that may lead: every one (a, b)"),
             stall.text);
  BOOST_TEST(contains(stall.text, "SL_MAKE_ME_ADMIN=False"), stall.text);
  // One node that may lead is enough.
  cfg.eligible = true;
  join(b, "c", cfg);
  check_in(b, {"c"});
  b.run_to(b.now + 2'000);
  BOOST_TEST(b.commits("a").size() == 1u);
  BOOST_TEST(b.commits("a")[0].leader == "c");
}
