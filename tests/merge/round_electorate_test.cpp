#define BOOST_TEST_MODULE merge.round_electorate
#include <boost/test/unit_test.hpp>

// Who votes in round r: the participants of round r-1 and the members of
// its electorate that its leader saw alive (`proposal_msg::electors`).

#include <algorithm>

#include "round_fixture.hpp"

using namespace round_test;

namespace {

std::vector<std::string> names_of(const std::vector<participant>& ps) {
  std::vector<std::string> result;
  for (const auto& p : ps)
    result.push_back(p.name);
  std::sort(result.begin(), result.end());
  return result;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_node_that_skipped_a_round_keeps_its_vote_when_a_participant_dies) {
  bench b{{"a", "b", "c"}, 2};
  check_in(b, {"a", "b", "c"});
  // c is still training: round 2 commits with a and b after the full-quorum
  // wait, and names c as an elector of round 3.
  check_in(b, {"a", "b"});
  b.run_to(b.now + 200);
  auto commits = b.commits("c");
  BOOST_TEST_REQUIRE(commits.size() == 2u);
  BOOST_TEST(names_of(commits[1].participants) == (std::vector<std::string>{"a", "b"}));
  auto proposals = b.sent<proposal_msg>("a");
  BOOST_TEST_REQUIRE(!proposals.empty());
  BOOST_TEST(proposals.back().electors == std::vector<std::string>{"c"});
  // Round 2's leader dies. b and c are two of round 3's three electors: a
  // majority, so b leads in the next term (a round-2-participants-only
  // electorate, {a, b}, would wait for a forever).
  kill(b, "a");
  check_in(b, {"b", "c"});
  b.run_to(b.now + 600);
  commits = b.commits("c");
  BOOST_TEST_REQUIRE(commits.size() == 3u);
  BOOST_TEST(commits[2].leader == "b");
  BOOST_TEST(commits[2].term >= 1u);
  BOOST_TEST(names_of(commits[2].participants) == (std::vector<std::string>{"b", "c"}));
  BOOST_TEST(b["b"].committed_digest() == b["c"].committed_digest());
  BOOST_TEST((b["b"].stall().why == round_stall::cause::none));
}

BOOST_AUTO_TEST_CASE(a_dead_node_leaves_the_electorate_at_the_next_commit) {
  bench b{{"a", "b", "c"}, 2};
  check_in(b, {"a", "b", "c"});
  kill(b, "c");
  check_in(b, {"a", "b"});
  b.run_to(b.now + 200);
  BOOST_TEST_REQUIRE(b.commits("b").size() == 2u);
  auto proposals = b.sent<proposal_msg>("a");
  BOOST_TEST_REQUIRE(!proposals.empty());
  BOOST_TEST(proposals.back().electors.empty());
  // Round 3's electorate is {a, b}: losing b, which holds the tie (a is the
  // default leader), leaves a without a quorum.
  kill(b, "b");
  b["a"].check_in(info(), model_of(1.0f), b.now);
  b.run_to(b.now + 300);
  auto stall = b["a"].stall();
  BOOST_TEST((stall.why == round_stall::cause::majority));
  BOOST_TEST(stall.text.find("needs 2 (or 1 with b) of round 2's electorate (a, b)")
               != std::string::npos,
             stall.text);
}

BOOST_AUTO_TEST_CASE(a_refused_node_gets_no_vote_in_the_next_round) {
  bench b{{"a", "b", "c"}, 2};
  check_in(b, {"a", "b", "c"});
  // c sends a model of another shape: a refuses it and commits with a and b.
  b["a"].check_in(info(), model_of(1.0f), b.now);
  b["b"].check_in(info(), model_of(2.0f), b.now);
  b["c"].check_in(info(), model_of(3.0f, 9), b.now);
  b.run_to(b.now + 200);
  auto commits = b.commits("a");
  BOOST_TEST_REQUIRE(commits.size() == 2u);
  BOOST_TEST(names_of(commits[1].participants) == (std::vector<std::string>{"a", "b"}));
  BOOST_TEST(b["a"].stats().refusals_sent >= 1u);
  auto proposals = b.sent<proposal_msg>("a");
  BOOST_TEST_REQUIRE(!proposals.empty());
  BOOST_TEST(proposals.back().electors.empty());
}

BOOST_AUTO_TEST_CASE(electors_that_learn_a_commit_by_catch_up_agree_on_the_next_electorate) {
  bench b{{"a", "b", "c"}, 2};
  check_in(b, {"a", "b", "c"});
  // c misses round 2 entirely (its messages are lost), then catches up.
  auto normal = b.pass;
  b.pass = [](const envelope& e) { return e.to != "c" && e.from != "c"; };
  check_in(b, {"a", "b"});
  b.run_to(b.now + 200);
  BOOST_TEST_REQUIRE(b.commits("a").size() == 2u);
  BOOST_TEST(b.commits("c").size() == 1u);
  b.pass = normal;
  // c's check-in for round 2 is answered with the catch-up of round 2,
  // electors included; then a dies and b and c commit round 3.
  b["c"].check_in(info(), model_of(5.0f), b.now);
  b.pump();
  BOOST_TEST_REQUIRE(b.commits("c").size() == 2u);
  kill(b, "a");
  check_in(b, {"b", "c"});
  b.run_to(b.now + 600);
  BOOST_TEST_REQUIRE(b.commits("c").size() == 3u);
  BOOST_TEST(b.commits("c")[2].leader == "b");
}

namespace {

/// a and b know each other and check in to round 1; c is found `found_ms`
/// later and checks in then. Then `victim` dies, and the others check in to
/// round 2. Returns c's commits.
std::vector<round_event> late_discovery_then_death(int64_t settle_ms, int64_t found_ms,
                                                   const std::string& victim) {
  auto cfg = quick_config(2);
  cfg.discovery_settle_ms = settle_ms;
  cfg.full_quorum_wait_ms = 1'000;
  bench b{{"a", "b"}, cfg};
  check_in(b, {"a", "b"});
  b.run_to(found_ms);
  join(b, "c", cfg);
  check_in(b, {"c"});
  b.run_to(b.now + 300);
  BOOST_TEST_REQUIRE(b.commits("a").size() == 1u);
  kill(b, victim);
  std::vector<std::string> rest{"a", "b", "c"};
  std::erase(rest, victim);
  check_in(b, rest);
  b.run_to(b.now + 2'000);
  return b.commits("c");
}

} // namespace

BOOST_AUTO_TEST_CASE(round_1_waits_for_discovery_so_a_peer_found_late_still_votes_in_round_2) {
  // Settled: round 1 waits until c is found, takes all three, and a and c
  // are a majority of round 2's electorate when b dies.
  auto commits = late_discovery_then_death(200, 100, "b");
  BOOST_TEST_REQUIRE(commits.size() == 2u);
  BOOST_TEST(names_of(commits[0].participants) == (std::vector<std::string>{"a", "b", "c"}));
  BOOST_TEST(commits[1].leader == "a");
  BOOST_TEST(names_of(commits[1].participants) == (std::vector<std::string>{"a", "c"}));
  // Without the wait, round 1 commits with a and b alone before c is
  // found; round 2's electorate is {a, b}, and a alone is neither its
  // majority nor the half that holds the tie (b does).
  commits = late_discovery_then_death(0, 100, "b");
  BOOST_TEST_REQUIRE(commits.size() == 1u);
  BOOST_TEST(names_of(commits[0].participants) == (std::vector<std::string>{"a", "b"}));
}

BOOST_AUTO_TEST_CASE(the_half_of_a_two_node_electorate_that_holds_the_tie_goes_on_without_its_leader) {
  // Round 1 commits with a and b before c is found: round 2's electorate is
  // {a, b}, a is its default leader and b holds the tie. a dies; b and c
  // commit round 2, and c votes from round 3 on.
  auto commits = late_discovery_then_death(0, 100, "a");
  BOOST_TEST_REQUIRE(commits.size() == 2u);
  BOOST_TEST(names_of(commits[0].participants) == (std::vector<std::string>{"a", "b"}));
  BOOST_TEST(commits[1].leader == "b");
  BOOST_TEST(commits[1].term >= 1u);
  BOOST_TEST(names_of(commits[1].participants) == (std::vector<std::string>{"b", "c"}));
}

BOOST_AUTO_TEST_CASE(a_node_outside_the_electorate_leads_when_its_live_electors_may_not) {
  auto cfg = quick_config(2);
  cfg.full_quorum_wait_ms = 100;
  bench b{{"a", "b"}, cfg};
  // a may not lead (SL_MAKE_ME_ADMIN=False): b leads round 1, and is round
  // 2's default leader; a holds the tie of {a, b}.
  auto ineligible = cfg;
  ineligible.eligible = false;
  b.nodes["a"] = std::make_unique<round_coordinator>("a", ineligible, b.now);
  b["a"].set_peers({"b"}, b.now);
  check_in(b, {"a", "b"});
  BOOST_TEST_REQUIRE(b.commits("a").size() == 1u);
  BOOST_TEST(b.commits("a")[0].leader == "b");
  // c is found after round 1; then b dies. a's vote is a quorum, but a may
  // not lead: c, outside the electorate, leads with it.
  join(b, "c", cfg);
  b.pump();
  BOOST_TEST_REQUIRE(b["c"].committed_round() == 1u);
  kill(b, "b");
  check_in(b, {"a", "c"});
  b.run_to(b.now + 2'000);
  auto commits = b.commits("a");
  BOOST_TEST_REQUIRE(commits.size() == 2u);
  BOOST_TEST(commits[1].leader == "c");
  BOOST_TEST(names_of(commits[1].participants) == (std::vector<std::string>{"a", "c"}));
  BOOST_TEST(b["a"].committed_digest() == b["c"].committed_digest());
}

BOOST_AUTO_TEST_CASE(a_node_found_after_the_electorate_was_fixed_votes_from_the_next_commit) {
  auto cfg = quick_config(2);
  cfg.full_quorum_wait_ms = 100;
  bench b{{"a", "b"}, cfg};
  check_in(b, {"a", "b"});
  BOOST_TEST_REQUIRE(b.commits("a").size() == 1u);
  // c is found after round 1 and is still training: round 2 commits
  // without it, and names it an elector of round 3.
  join(b, "c", cfg);
  check_in(b, {"a", "b"});
  b.run_to(b.now + 300);
  BOOST_TEST_REQUIRE(b.commits("a").size() == 2u);
  BOOST_TEST(names_of(b.commits("a")[1].participants) == (std::vector<std::string>{"a", "b"}));
  auto proposals = b.sent<proposal_msg>("a");
  BOOST_TEST_REQUIRE(!proposals.empty());
  BOOST_TEST(proposals.back().electors == std::vector<std::string>{"c"});
  // Round 3: b, the tie breaker of {a, b}, dies. a and c are two of three.
  kill(b, "b");
  check_in(b, {"a", "c"});
  b.run_to(b.now + 600);
  auto commits = b.commits("c");
  BOOST_TEST_REQUIRE(!commits.empty());
  BOOST_TEST(names_of(commits.back().participants) == (std::vector<std::string>{"a", "c"}));
  BOOST_TEST(b["a"].committed_digest() == b["c"].committed_digest());
}

BOOST_AUTO_TEST_CASE(round_1_counts_the_wait_from_the_callers_last_discovery_when_it_gives_one) {
  auto cfg = quick_config(2);
  cfg.discovery_settle_ms = 200;
  cfg.full_quorum_wait_ms = 1'000;
  // An SL's overlay found its peers long before they enrolled: no wait.
  bench told{{"a", "b"}, cfg};
  for (auto& [name, node] : told.nodes)
    node->set_last_discovery(-500);
  check_in(told, {"a", "b"});
  BOOST_TEST(told.commits("b").size() == 1u);
  // Otherwise the peers count as found when the coordinator heard of them.
  bench untold{{"a", "b"}, cfg};
  check_in(untold, {"a", "b"});
  untold.run_to(150);
  BOOST_TEST(untold.commits("b").empty());
  untold.run_to(300);
  BOOST_TEST(untold.commits("b").size() == 1u);
}
