#define BOOST_TEST_MODULE merge.round_sim
#include <boost/test/unit_test.hpp>

// Seeded merge-round simulations without crashes: healthy clusters, the
// train-end modes, admin rights, stragglers, late joiners and a misshaped
// model. Every run checks the oracle's invariants (round_cluster.hpp) and
// the end state; faults are in round_faults_sim_test.cpp and
// round_network_sim_test.cpp. Each case runs its seeds, or $SWARM_SEED.

#include "round_sim_support.hpp"

using namespace round_sim;

namespace {

// A healthy cluster: every node takes part in every round, in term 0, and
// the first leader keeps the job (no election without a fault).
void check_healthy(size_t n, uint32_t min_peers, uint64_t seeds) {
  for_each_seed(seeds, [&](uint64_t seed) {
    round_cluster c{options(seed, n, min_peers)};
    if (!require_clean_end(c, seed))
      return;
    BOOST_TEST(rounds(c) >= 4u, replay(seed));
    std::set<std::string> leaders;
    for (const auto& [round, commit] : c.commits()) {
      BOOST_TEST(commit.participants.size() == n, replay(seed) << " round " << round);
      BOOST_TEST(commit.term == 0u, replay(seed) << " round " << round);
      leaders.insert(commit.leader);
    }
    BOOST_TEST(leaders.size() == 1u, replay(seed));
  });
}

// Counts the events of `kind` that node `name` emitted.
size_t count_events(const round_cluster& c, const std::string& name,
                    merge::round_event::kind_t kind, bool caught_up_only = false) {
  size_t n = 0;
  for (const auto& e : c.events())
    if (e.name == name && e.event.kind == kind && (!caught_up_only || e.event.caught_up))
      ++n;
  return n;
}

} // namespace

BOOST_AUTO_TEST_CASE(two_healthy_nodes_merge_every_round_and_end_with_one_final_model) {
  check_healthy(2, 2, 400);
}

BOOST_AUTO_TEST_CASE(three_healthy_nodes_merge_every_round_and_end_with_one_final_model) {
  check_healthy(3, 2, 400);
}

BOOST_AUTO_TEST_CASE(five_healthy_nodes_merge_every_round_and_end_with_one_final_model) {
  check_healthy(5, 3, 300);
}

BOOST_AUTO_TEST_CASE(finished_nodes_follow_the_rounds_in_every_train_end_mode) {
  using merge::train_end_mode;
  for (auto mode : {train_end_mode::inactive, train_end_mode::snapshot, train_end_mode::active}) {
    for_each_seed(200, [&](uint64_t seed) {
      auto o = options(seed, 4, 2);
      o.end_mode = mode;
      // Nodes do 3, 4 and 5 sync points: the early ones wait for the rest.
      o.epochs = 3;
      o.epoch_spread = 3;
      round_cluster c{o};
      if (!require_clean_end(c, seed))
        return;
      const auto& last = c.commits().rbegin()->second;
      BOOST_TEST(last.final);
      for (const auto& p : last.participants)
        BOOST_TEST(p.info.done, replay(seed) << ": " << p.name << " not done in the final round");
      if (mode != train_end_mode::inactive)
        return;
      for (const auto& [round, commit] : c.commits())
        for (const auto& p : commit.participants)
          if (p.info.done)
            BOOST_TEST(p.info.weight == 0.0, replay(seed) << " round " << round);
    });
  }
}

BOOST_AUTO_TEST_CASE(nodes_without_admin_rights_never_lead_even_when_the_leader_dies) {
  for_each_seed(300, [](uint64_t seed) {
    auto o = options(seed, 5, 2);
    // n0 would lead round 1; n2 would be next in line.
    o.ineligible = {0, 2};
    o.epochs = 6;
    round_cluster c{o};
    // Kill whoever leads once round 2 is done, so the terms rotate.
    c.run_until([&] { return c.latest_round() >= 2; }, 60'000);
    c.run_until([&] { return c.leader().has_value(); }, 60'000);
    if (auto l = c.leader())
      c.crash(*l);
    if (!require_clean_end(c, seed))
      return;
    for (const auto& [key, name] : c.leaders())
      BOOST_TEST((name != "n0" && name != "n2"), replay(seed) << ": " << name << " led");
    BOOST_TEST(count_events(c, "n0", merge::round_event::committed) > 0u, replay(seed));
  });
}

BOOST_AUTO_TEST_CASE(a_slow_node_skips_rounds_and_catches_up_from_the_latest_model) {
  size_t skipped = 0;
  for_each_seed(300, [&](uint64_t seed) {
    auto o = options(seed, 4, 2);
    o.slow = {3};
    round_cluster c{o};
    if (!require_clean_end(c, seed))
      return;
    skipped += count_events(c, "n3", merge::round_event::committed, true);
  });
  // The oracle checked every catch-up's digest; here: stragglers did occur.
  BOOST_TEST(skipped > 0u);
}

BOOST_AUTO_TEST_CASE(a_late_joiner_starts_from_the_latest_committed_model) {
  for_each_seed(300, [](uint64_t seed) {
    auto o = options(seed, 4, 2);
    o.late = {3};
    o.epochs = 6;
    round_cluster c{o};
    // Start it when every node has the same latest round (no commit on
    // its way), so that "the latest committed model" is well defined.
    auto settled = [&] {
      for (size_t i = 0; i < 3; ++i)
        if (c.node(i)->committed_round() != c.latest_round())
          return false;
      return c.latest_round() >= 2 + seed % 3;
    };
    BOOST_TEST_REQUIRE(c.run_until(settled, 60'000), replay(seed));
    auto latest = c.latest_round();
    c.start(3);
    if (!require_clean_end(c, seed))
      return;
    const observed_event* first = nullptr;
    for (const auto& e : c.events())
      if (e.name == "n3" && !first)
        first = &e;
    BOOST_TEST_REQUIRE(first != nullptr, replay(seed));
    BOOST_TEST(first->event.caught_up, replay(seed));
    BOOST_TEST(first->event.round == latest, replay(seed));
    BOOST_TEST(first->event.digest == c.commits().at(latest).digest, replay(seed));
  });
}

BOOST_AUTO_TEST_CASE(a_node_with_a_differently_shaped_model_is_refused_and_the_others_finish) {
  for_each_seed(300, [](uint64_t seed) {
    auto o = options(seed, 4, 2);
    o.misshaped = {3};
    round_cluster c{o};
    if (!require_clean_end(c, seed))
      return;
    BOOST_TEST(!c.running(3), replay(seed));
    size_t refusals = 0;
    for (const auto& e : c.events()) {
      if (e.event.kind != merge::round_event::refused)
        continue;
      ++refusals;
      BOOST_TEST(e.name == "n3");
      // The reason names the node and the tensor, so an operator can act.
      BOOST_TEST(e.event.reason.find("'n3'") != std::string::npos, e.event.reason);
      BOOST_TEST(e.event.reason.find("'w'") != std::string::npos, e.event.reason);
    }
    BOOST_TEST(refusals == 1u, replay(seed));
    for (const auto& [round, commit] : c.commits())
      for (const auto& p : commit.participants)
        BOOST_TEST(p.name != "n3", replay(seed) << " round " << round);
  });
}
