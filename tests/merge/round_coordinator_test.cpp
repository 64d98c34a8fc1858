#define BOOST_TEST_MODULE merge.round_coordinator
#include <boost/test/unit_test.hpp>

// The round coordinator stepped by hand: commits, the weighted mean, the
// Paxos re-proposal, catch-up and refusals. Elections and terms are in
// round_election_test.cpp, the environment in round_config_test.cpp.

#include "round_fixture.hpp"

using namespace round_test;

namespace {

// Every node checks in for the open round with `m` and weight 1.
void all_check_in(bench& b, const model_ptr& m) {
  for (auto& [name, node] : b.nodes)
    node->check_in(info(), m, b.now);
  b.pump();
}

// Round 2 of nodes a, b and c with models 2, 4 and 6 (mean 4), the log
// cleared first so that it holds the round's messages only.
void round_two_check_ins(bench& b) {
  b.log.clear();
  b["a"].check_in(info(), model_of(2.0f), b.now);
  b["b"].check_in(info(), model_of(4.0f), b.now);
  b["c"].check_in(info(), model_of(6.0f), b.now);
  b.pump();
}

} // namespace

BOOST_AUTO_TEST_CASE(a_single_node_with_min_peers_one_commits_its_own_model) {
  round_coordinator a{"a", quick_config(1), 0};
  a.set_peers({}, 0);
  auto m = model_of(1.5f);
  a.check_in(info(), m, 0);
  auto ready = a.take_ready();
  BOOST_TEST(ready.messages.empty());
  BOOST_TEST_REQUIRE(ready.events.size() == 1u);
  const auto& ev = ready.events[0];
  BOOST_TEST(ev.kind == round_event::committed);
  BOOST_TEST(ev.round == 1u);
  BOOST_TEST(ev.leader == "a");
  BOOST_TEST(ev.led_by_me);
  BOOST_TEST(!ev.caught_up);
  BOOST_TEST(!ev.final);
  BOOST_TEST(ev.digest == digest(*m));
  BOOST_TEST(!a.waiting());
  // Train end: alone, the next round is the final one.
  auto last = model_of(2.0f);
  a.finish(train_end_mode::snapshot, info(), last, 10);
  ready = a.take_ready();
  BOOST_TEST_REQUIRE(ready.events.size() == 1u);
  BOOST_TEST(ready.events[0].final);
  BOOST_TEST(ready.events[0].digest == digest(*last));
  BOOST_TEST(a.training_over());
}

BOOST_AUTO_TEST_CASE(two_nodes_in_order_commit_once_with_the_weighted_mean) {
  bench b{{"a", "b"}, 2};
  auto ma = model_of(1.0f);
  auto mb = model_of(3.0f);
  b["a"].check_in(info(1.0), ma, 0);
  b.pump();
  BOOST_TEST(b.commits("a").empty());
  BOOST_TEST(b["a"].waiting());
  b["b"].check_in(info(3.0), mb, 0);
  b.pump();
  auto expected = mean_digest({{ma, 1.0}, {mb, 3.0}});
  for (const auto* name : {"a", "b"}) {
    auto commits = b.commits(name);
    BOOST_TEST_REQUIRE(commits.size() == 1u);
    BOOST_TEST(commits[0].round == 1u);
    BOOST_TEST(commits[0].term == 0u);
    BOOST_TEST(commits[0].leader == "a");
    BOOST_TEST(commits[0].digest == expected);
    BOOST_TEST(commits[0].led_by_me == (std::string{name} == "a"));
    BOOST_TEST(commits[0].participants.size() == 2u);
  }
  // (1 * 1 + 3 * 3) / 4
  BOOST_TEST(b["b"].committed_model()->values.front() == 2.5f);
}

BOOST_AUTO_TEST_CASE(the_expected_leader_gets_models_with_the_check_ins_and_asks_for_none) {
  // Models go to the leader alone (as in swarms above share_models_max_peers).
  auto cfg = quick_config(3);
  cfg.share_models_max_peers = 0;
  bench b{{"a", "b", "c"}, cfg};
  all_check_in(b, model_of(1.0f));
  BOOST_TEST_REQUIRE(b.commits("a").size() == 1u);
  // Round 2: "a" (first by name among round 1's participants) is the
  // term-0 candidate, so b and c send it their models with the check-in.
  round_two_check_ins(b);
  size_t requests = 0;
  size_t models_to_a = 0;
  size_t models_elsewhere = 0;
  for (const auto& e : b.log) {
    requests += std::holds_alternative<model_request_msg>(e.msg) ? 1 : 0;
    if (const auto* m = std::get_if<checkin_msg>(&e.msg); m != nullptr && m->model != nullptr)
      (e.to == "a" ? models_to_a : models_elsewhere) += 1;
  }
  BOOST_TEST(requests == 0u);
  BOOST_TEST(models_to_a == 2u);
  BOOST_TEST(models_elsewhere == 0u);
  for (const auto* name : {"a", "b", "c"}) {
    auto commits = b.commits(name);
    BOOST_TEST_REQUIRE(commits.size() == 2u);
    BOOST_TEST(commits[1].leader == "a");
    BOOST_TEST(commits[1].participants.size() == 3u);
  }
  BOOST_TEST(b["c"].committed_model()->values.front() == 4.0f);
}

BOOST_AUTO_TEST_CASE(in_a_small_swarm_acceptors_rebuild_the_merged_model_from_shared_ones) {
  bench b{{"a", "b", "c"}, 3};
  all_check_in(b, model_of(1.0f));
  round_two_check_ins(b);
  size_t shared = 0;
  size_t proposals = 0;
  for (const auto& e : b.log) {
    if (const auto* m = std::get_if<checkin_msg>(&e.msg); m != nullptr && m->model != nullptr)
      ++shared;
    if (const auto* m = std::get_if<proposal_msg>(&e.msg)) {
      ++proposals;
      BOOST_TEST(!m->model, "a proposal carried the merged model");
    }
  }
  // Every node to both others, and a digest-only proposal to each acceptor.
  BOOST_TEST(shared == 6u);
  BOOST_TEST(proposals == 2u);
  for (const auto* name : {"a", "b", "c"}) {
    BOOST_TEST_REQUIRE(b.commits(name).size() == 2u);
    BOOST_TEST(b[name].committed_model()->values.front() == 4.0f);
  }
}

BOOST_AUTO_TEST_CASE(an_acceptor_that_lacks_a_shared_model_gets_the_merged_one_on_request) {
  bench b{{"a", "b", "c"}, 3};
  all_check_in(b, model_of(1.0f));
  // b's model never reaches c: c cannot rebuild the merge and asks "a".
  b.pass = [](const envelope& e) {
    const auto* m = std::get_if<checkin_msg>(&e.msg);
    return !(e.from == "b" && e.to == "c" && m != nullptr && m->model != nullptr);
  };
  round_two_check_ins(b);
  // c waits for the model a moment (it may be on its way); at its next
  // tick it asks.
  BOOST_TEST(b.commits("c").size() == 1u);
  b.run_to(b.now + 10);
  size_t requests = 0;
  bool full_to_c = false;
  for (const auto& e : b.log) {
    requests += std::holds_alternative<proposal_request_msg>(e.msg) && e.from == "c" ? 1 : 0;
    if (const auto* m = std::get_if<proposal_msg>(&e.msg); m != nullptr && e.to == "c")
      full_to_c = full_to_c || m->model != nullptr;
  }
  BOOST_TEST(requests == 1u);
  BOOST_TEST(full_to_c);
  BOOST_TEST_REQUIRE(b.commits("c").size() == 2u);
  BOOST_TEST(b["c"].committed_model()->values.front() == 4.0f);
  BOOST_TEST(b.commits("c")[1].digest == b.commits("a")[1].digest);
}

BOOST_AUTO_TEST_CASE(a_proposal_that_overtakes_a_check_in_is_accepted_when_the_model_arrives) {
  bench b{{"a", "b", "c"}, 3};
  all_check_in(b, model_of(1.0f));
  // b's model reaches c only after a's proposal did (two connections).
  std::vector<envelope> held;
  b.pass = [&held](const envelope& e) {
    const auto* m = std::get_if<checkin_msg>(&e.msg);
    if (e.from == "b" && e.to == "c" && m != nullptr && m->model != nullptr) {
      held.push_back(e);
      return false;
    }
    return true;
  };
  round_two_check_ins(b);
  BOOST_TEST_REQUIRE(held.size() == 1u);
  BOOST_TEST(b.commits("c").size() == 1u);
  b.pass = [](const envelope&) { return true; };
  b.wire.push_back(held.front());
  b.pump();
  BOOST_TEST_REQUIRE(b.commits("c").size() == 2u);
  BOOST_TEST(b.commits("c")[1].digest == b.commits("a")[1].digest);
  // Without a request, and without the merged model on the wire.
  for (const auto& e : b.log) {
    BOOST_TEST(!std::holds_alternative<proposal_request_msg>(e.msg));
    if (const auto* m = std::get_if<proposal_msg>(&e.msg))
      BOOST_TEST(!m->model, "a proposal carried the merged model");
  }
}

BOOST_AUTO_TEST_CASE(an_acceptor_hands_its_accepted_proposal_to_the_next_leader) {
  // Every acceptor of three nodes could commit on accepting: this is the
  // commit message's path, as larger swarms take it.
  auto cfg = quick_config(2);
  cfg.learn_on_accept = false;
  bench b{{"a", "b", "c"}, cfg};
  all_check_in(b, model_of(1.0f));
  // Round 2: a's proposal reaches only c, and no acceptance reaches a.
  b.pass = [](const envelope& e) {
    if (e.from == "a" && e.to == "b" && std::holds_alternative<proposal_msg>(e.msg))
      return false;
    return !(e.to == "a" && std::holds_alternative<accepted_msg>(e.msg));
  };
  b["a"].check_in(info(1.0), model_of(2.0f), b.now);
  b["b"].check_in(info(1.0), model_of(4.0f), b.now);
  b["c"].check_in(info(1.0), model_of(8.0f), b.now);
  b.pump();
  std::vector<proposal_msg> proposals;
  for (const auto& p : b.sent<proposal_msg>("a"))
    if (p.round == 2)
      proposals.push_back(p);
  BOOST_TEST_REQUIRE(proposals.size() == 2u);
  auto proposed = proposals.back().digest;
  BOOST_TEST(b.commits("a").size() == 1u);
  // a dies. b leads term 1 (the next after a) and learns the value from
  // c's vote, since b itself never saw it.
  b.nodes.erase("a");
  b.pass = [](const envelope& e) { return e.to != "a"; };
  b.run_to(b.now + 300);
  auto votes = b.sent<vote_msg>("c");
  BOOST_TEST_REQUIRE(!votes.empty());
  BOOST_TEST(votes.front().granted);
  BOOST_TEST(votes.front().accepted_digest == proposed);
  auto reproposals = b.sent<proposal_msg>("b");
  BOOST_TEST_REQUIRE(!reproposals.empty());
  BOOST_TEST(reproposals.front().term == 1u);
  BOOST_TEST(reproposals.front().digest == proposed);
  for (const auto* name : {"b", "c"}) {
    auto commits = b.commits(name);
    BOOST_TEST_REQUIRE(commits.size() == 2u);
    BOOST_TEST(commits[1].digest == proposed);
    BOOST_TEST(commits[1].leader == "b");
    BOOST_TEST(commits[1].participants.size() == 3u);
  }
}

BOOST_AUTO_TEST_CASE(a_node_that_is_behind_catches_up_to_the_latest_model) {
  bench b{{"a", "b", "c"}, 2};
  b.pass = [](const envelope& e) { return e.from != "c" && e.to != "c"; };
  for (int round = 0; round < 2; ++round) {
    b["a"].check_in(info(), model_of(1.0f + static_cast<float>(round)), b.now);
    b["b"].check_in(info(), model_of(5.0f), b.now);
    // c never answers: a waits the full-quorum time, then merges a and b.
    b.run_to(b.now + 100);
  }
  BOOST_TEST_REQUIRE(b["a"].committed_round() == 2u);
  BOOST_TEST(b.commits("c").empty());
  b.pass = [](const envelope&) { return true; };
  b["c"].check_in(info(), model_of(9.0f), b.now);
  b.pump();
  auto commits = b.commits("c");
  BOOST_TEST_REQUIRE(commits.size() == 1u);
  BOOST_TEST(commits[0].round == 2u);
  BOOST_TEST(commits[0].caught_up);
  BOOST_TEST(commits[0].digest == b["a"].committed_digest());
  BOOST_TEST(!b["c"].waiting());
  BOOST_TEST(b["c"].stats().catch_ups == 1u);
}

BOOST_AUTO_TEST_CASE(a_model_of_another_shape_is_refused_naming_the_node_and_the_tensor) {
  bench b{{"a", "b", "c"}, 2};
  all_check_in(b, model_of(1.0f));
  b["a"].check_in(info(), model_of(2.0f), b.now);
  b["b"].check_in(info(), model_of(3.0f), b.now);
  b["c"].check_in(info(), model_of(4.0f, 5), b.now);
  b.pump();
  std::vector<round_event> refusals;
  for (const auto& ev : b.events["c"])
    if (ev.kind == round_event::refused)
      refusals.push_back(ev);
  BOOST_TEST_REQUIRE(refusals.size() == 1u);
  BOOST_TEST(refusals[0].round == 2u);
  BOOST_TEST(refusals[0].leader == "a");
  BOOST_TEST(refusals[0].reason.find("'c'") != std::string::npos, refusals[0].reason);
  BOOST_TEST(refusals[0].reason.find("'w'") != std::string::npos, refusals[0].reason);
  BOOST_TEST(b["a"].stats().refusals_sent == 1u);
  // The others go on without it.
  auto commits = b.commits("b");
  BOOST_TEST_REQUIRE(commits.size() == 2u);
  BOOST_TEST(commits[1].participants.size() == 2u);
  BOOST_TEST(commits[1].digest == mean_digest({{model_of(2.0f), 1.0}, {model_of(3.0f), 1.0}}));
}

BOOST_AUTO_TEST_CASE(a_model_counts_once_min_peers_nodes_hold_it_even_if_a_participant_died) {
  bench b{{"a", "b", "c", "d"}, 3};
  all_check_in(b, model_of(1.0f));
  // c sends its model and dies; d is slow and checks in later. The value
  // is fixed now (every later leader must re-propose it), so waiting for
  // c's acceptance would block the training for good.
  b.pass = [](const envelope& e) {
    return e.to != "c" || std::holds_alternative<model_request_msg>(e.msg);
  };
  for (const auto* name : {"a", "b", "c"})
    b[name].check_in(info(), model_of(2.0f), b.now);
  b.run_to(b.now + 300);
  auto commits = b.commits("a");
  BOOST_TEST_REQUIRE(commits.size() == 2u);
  BOOST_TEST(commits[1].participants.size() == 3u);
  BOOST_TEST(b.commits("d").size() == 2u);
}

BOOST_AUTO_TEST_CASE(an_acceptor_that_makes_a_quorum_with_the_leader_commits_as_it_accepts) {
  // Every commit message is lost: b learns round 1 from its own acceptance
  // (with a's, implied by the proposal, a quorum of {a, b} and min_peers).
  auto lost_commits = [](const envelope& e) { return !std::holds_alternative<commit_msg>(e.msg); };
  bench b{{"a", "b"}, 2};
  b.pass = lost_commits;
  check_in(b, {"a", "b"});
  auto commits = b.commits("b");
  BOOST_TEST_REQUIRE(commits.size() == 1u);
  BOOST_TEST(commits[0].leader == "a");
  BOOST_TEST(!commits[0].led_by_me);
  BOOST_TEST(commits[0].digest == b["a"].committed_digest());
  BOOST_TEST(b.sent<commit_msg>("a").size() == 1u);
  // Four nodes: a and b are half, and b holds the tie (a is the default
  // leader from round 2 on), so b learns round 2 alone; c and d, each half
  // with a only without the tie, wait for the commit message.
  bench four{{"a", "b", "c", "d"}, 2};
  check_in(four, {"a", "b", "c", "d"});
  four.pass = lost_commits;
  check_in(four, {"a", "b", "c", "d"});
  BOOST_TEST(four.commits("b").size() == 2u);
  BOOST_TEST(four.commits("c").size() == 1u);
  BOOST_TEST(four.commits("d").size() == 1u);
  // Without the shortcut, b waits for the commit message too.
  auto cfg = quick_config(2);
  cfg.learn_on_accept = false;
  bench waits{{"a", "b"}, cfg};
  waits.pass = lost_commits;
  check_in(waits, {"a", "b"});
  BOOST_TEST(waits.commits("b").empty());
  BOOST_TEST(waits.commits("a").size() == 1u);
}
