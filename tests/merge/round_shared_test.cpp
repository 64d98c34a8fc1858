#define BOOST_TEST_MODULE merge.round_shared
#include <boost/test/unit_test.hpp>

// Small swarms (round_shared.cpp): acceptors that merge the shared models
// before the proposal arrives, and the tentative value an SL hands its ML
// before the commit (round_config::announce_tentative).

#include "round_fixture.hpp"

using namespace round_test;

namespace {

// Round 1 with every node at `x`, then round 2 with a at 2, b at 4 (and c
// at 6), weight 1 each.
void two_rounds(bench& b) {
  for (auto& [name, node] : b.nodes)
    node->check_in(info(), model_of(1.0f), b.now);
  b.pump();
  float x = 2.0f;
  for (auto& [name, node] : b.nodes) {
    node->check_in(info(), model_of(x), b.now);
    x += 2.0f;
  }
  b.pump();
}

std::vector<round_event> of_kind(const bench& b, const std::string& name,
                                 round_event::kind_t kind) {
  std::vector<round_event> out;
  if (auto i = b.events.find(name); i != b.events.end())
    for (const auto& ev : i->second)
      if (ev.kind == kind)
        out.push_back(ev);
  return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(an_acceptor_merges_while_the_leader_does_and_accepts_from_that_merge) {
  bench b{{"a", "b"}, 2};
  two_rounds(b);
  for (const auto* name : {"a", "b"}) {
    BOOST_TEST_REQUIRE(b.commits(name).size() == 2u);
    BOOST_TEST(b[name].committed_model()->values.front() == 3.0f);
  }
  // "a" leads; "b" merged both models before a's proposal came and
  // answered it from that merge (once per round: rounds 1 and 2).
  BOOST_TEST(b.commits("b")[1].leader == "a");
  BOOST_TEST(b["b"].stats().speculative_merges == 2u);
  BOOST_TEST(b["b"].stats().speculation_hits == 2u);
  BOOST_TEST(b["a"].stats().speculative_merges == 0u);
  BOOST_TEST(b.commits("b")[1].digest == b.commits("a")[1].digest);
}

BOOST_AUTO_TEST_CASE(an_acceptor_hands_out_each_speculative_merge_once_for_its_driver_to_store) {
  // The SL writes it to disk while it waits, so that accepting the
  // proposal saves a record only: the handed model is the one committed.
  bench b{{"a", "b"}, 2};
  two_rounds(b);
  BOOST_TEST(!b.speculated.contains("a"));
  BOOST_TEST_REQUIRE(b.speculated["b"].size() == 2u);
  for (size_t i = 0; i < 2; ++i) {
    const auto& s = b.speculated["b"][i];
    BOOST_TEST(s.digest == b.commits("b")[i].digest);
    BOOST_TEST_REQUIRE(s.model != nullptr);
    BOOST_TEST(digest(*s.model) == s.digest);
  }
}

BOOST_AUTO_TEST_CASE(peers_found_after_checking_in_get_the_models_and_ask_for_nothing) {
  // At the first sync the SLs often check in before they find each other:
  // the check-in a node sends a peer it finds later carries its model as a
  // check-in would, so the leader need not ask for it and the acceptor can
  // merge the proposal itself instead of asking for the merged model.
  auto cfg = quick_config(2);
  bench b{{"a"}, cfg};
  b.nodes["b"] = std::make_unique<round_coordinator>("b", cfg, b.now);
  for (const auto* name : {"a", "b"})
    b[name].check_in(info(), model_of(name[0] == 'a' ? 1.0f : 3.0f), b.now);
  b.pump();
  b["a"].set_peers({"b"}, b.now);
  b["b"].set_peers({"a"}, b.now);
  b.pump();
  for (const auto* name : {"a", "b"}) {
    BOOST_TEST_REQUIRE(b.commits(name).size() == 1u);
    BOOST_TEST(b[name].committed_model()->values.front() == 2.0f);
    BOOST_TEST(b.sent<model_request_msg>(name).empty());
    BOOST_TEST(b.sent<proposal_request_msg>(name).empty());
  }
  BOOST_TEST(b["b"].stats().speculation_hits == 1u);
}

BOOST_AUTO_TEST_CASE(a_speculative_merge_of_other_models_than_the_leaders_is_not_used) {
  auto cfg = quick_config(2);
  bench b{{"a", "b", "c"}, cfg};
  for (auto& [name, node] : b.nodes)
    node->check_in(info(), model_of(1.0f), b.now);
  b.pump();
  BOOST_TEST_REQUIRE(b.commits("c").size() == 1u);
  // c's check-in never reaches the leader "a", which merges a and b after
  // its full-quorum wait; b and c saw all three check-ins and merged all
  // three ahead, which the proposal does not match.
  b.pass = [](const envelope& e) {
    return !(e.from == "c" && e.to == "a" && std::holds_alternative<checkin_msg>(e.msg));
  };
  b["a"].check_in(info(), model_of(2.0f), b.now);
  b["b"].check_in(info(), model_of(4.0f), b.now);
  b["c"].check_in(info(), model_of(6.0f), b.now);
  b.pump();
  b.run_to(b.now + 1'000);
  for (const auto* name : {"a", "b"}) {
    BOOST_TEST_REQUIRE(b.commits(name).size() >= 2u);
    BOOST_TEST(b.commits(name)[1].participants.size() == 2u);
    BOOST_TEST(b[name].committed_model()->values.front() == 3.0f);
  }
  BOOST_TEST(b["b"].stats().speculative_merges == 2u);
  // Round 1's merge was used; round 2's was not (the proposal had two
  // participants), and b merged the proposal's models anew.
  BOOST_TEST(b["b"].stats().speculation_hits == 1u);
  BOOST_TEST(b.commits("b")[1].digest == b.commits("a")[1].digest);
}

BOOST_AUTO_TEST_CASE(with_announce_tentative_the_value_is_reported_before_its_commit) {
  auto cfg = quick_config(2);
  cfg.announce_tentative = true;
  // Else b commits as it accepts, with nothing tentative in between.
  cfg.learn_on_accept = false;
  bench b{{"a", "b"}, cfg};
  two_rounds(b);
  for (const auto* name : {"a", "b"}) {
    const auto& evs = b.events.at(name);
    auto tentative = of_kind(b, name, round_event::tentative);
    auto committed = of_kind(b, name, round_event::committed);
    BOOST_TEST_REQUIRE(tentative.size() == 2u, name);
    BOOST_TEST_REQUIRE(committed.size() == 2u, name);
    for (size_t r = 0; r < 2; ++r) {
      BOOST_TEST(tentative[r].round == committed[r].round);
      BOOST_TEST(tentative[r].digest == committed[r].digest);
      BOOST_TEST(tentative[r].model->values == committed[r].model->values);
    }
    // Each round's tentative event comes before its commit.
    BOOST_TEST(evs[0].kind == round_event::tentative);
    BOOST_TEST(evs[1].kind == round_event::committed);
  }
}

BOOST_AUTO_TEST_CASE(without_announce_tentative_only_commits_are_reported) {
  bench b{{"a", "b"}, 2};
  two_rounds(b);
  for (const auto* name : {"a", "b"}) {
    BOOST_TEST(of_kind(b, name, round_event::tentative).empty());
    BOOST_TEST(of_kind(b, name, round_event::committed).size() == 2u);
  }
}

BOOST_AUTO_TEST_CASE(a_node_alone_commits_at_once_and_reports_nothing_tentative) {
  auto cfg = quick_config(1);
  cfg.announce_tentative = true;
  bench b{{"a"}, cfg};
  b["a"].check_in(info(), model_of(1.0f), b.now);
  b.pump();
  BOOST_TEST(of_kind(b, "a", round_event::tentative).empty());
  BOOST_TEST(of_kind(b, "a", round_event::committed).size() == 1u);
}
