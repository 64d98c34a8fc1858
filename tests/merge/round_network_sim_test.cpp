#define BOOST_TEST_MODULE merge.round_network_sim
#include <boost/test/unit_test.hpp>

// Seeded merge-round simulations on a bad network: loss, delay and
// duplication, and partitions with min_peers above and below half. Every
// run checks the oracle's invariants (round_cluster.hpp) and the end state.

#include <algorithm>
#include <map>

#include "round_sim_support.hpp"

using namespace round_sim;

namespace {

// Splits the nodes at random into a side of `big` nodes and the rest.
std::pair<std::vector<size_t>, std::vector<size_t>> split(size_t n, size_t big, uint64_t seed) {
  std::vector<size_t> all(n);
  std::iota(all.begin(), all.end(), size_t{0});
  membership::prng rng{seed * 31 + 7};
  membership::shuffle(all.begin(), all.end(), rng);
  return {{all.begin(), all.begin() + static_cast<long>(big)},
          {all.begin() + static_cast<long>(big), all.end()}};
}

// Returns each node's committed round.
std::map<size_t, uint64_t> committed(const round_cluster& c) {
  std::map<size_t, uint64_t> result;
  for (size_t i = 0; i < c.size(); ++i)
    if (c.node(i) != nullptr)
      result[i] = c.node(i)->committed_round();
  return result;
}

// Partitions 5 nodes 3:2 once round 1 committed (its electorate is "every
// node seen", see round_coordinator), runs 6 s, checks that only the
// majority side made progress, heals, and runs to the end.
void partition_run(uint64_t seed, uint32_t min_peers) {
  auto o = options(seed, 5, min_peers);
  o.epochs = 10;
  o.membership_delay_ms = static_cast<int64_t>(seed % 3) * 150;
  round_cluster c{o};
  c.run_until([&] { return c.latest_round() >= 1 + seed % 3; }, 60'000);
  auto [major, minor] = split(5, 3, seed);
  c.partition({major, minor});
  auto before = committed(c);
  auto latest = c.latest_round();
  c.run_for(6'000);
  auto after = committed(c);
  for (auto i : minor)
    BOOST_TEST(after[i] <= std::max(before[i], latest),
               replay(seed) << ": " << c.name_of(i) << " on the minority side committed round "
                            << after[i]);
  BOOST_TEST(c.latest_round() > latest, replay(seed) << ": the majority side made no progress");
  c.heal();
  require_clean_end(c, seed);
}

} // namespace

BOOST_AUTO_TEST_CASE(loss_delay_and_duplication_slow_the_rounds_down_but_break_nothing) {
  for_each_seed(500, [](uint64_t seed) {
    auto o = options(seed, 3 + seed % 3, 2 + static_cast<uint32_t>(seed % 2));
    o.network.loss_probability = 0.05 + 0.15 * static_cast<double>(seed % 4) / 3.0;
    o.network.delay_min_ms = 1;
    o.network.delay_max_ms = 20 + static_cast<int64_t>(seed % 5) * 20;
    o.network.duplicate_probability = 0.1;
    round_cluster c{o};
    require_clean_end(c, seed, 600'000);
  });
}

BOOST_AUTO_TEST_CASE(with_min_peers_above_half_the_minority_waits_and_catches_up_after_healing) {
  for_each_seed(300, [](uint64_t seed) { partition_run(seed, 3); });
}

BOOST_AUTO_TEST_CASE(with_min_peers_below_half_the_electorate_majority_still_stops_the_minority) {
  // min_peers 2 would let each side of a 3:2 split merge on its own; the
  // rule that a majority of the previous round's participants must vote
  // and accept is what keeps a round from being committed twice.
  for_each_seed(300, [](uint64_t seed) { partition_run(seed, 2); });
}

BOOST_AUTO_TEST_CASE(a_partition_before_the_first_commit_is_safe_when_min_peers_exceeds_half) {
  // Round 1 has no previous round: its electorate is every node seen. A
  // side of 2 out of 5 may see only itself, so only min_peers 3 stops it.
  for_each_seed(300, [](uint64_t seed) {
    auto o = options(seed, 5, 3);
    o.membership_delay_ms = 0;
    round_cluster c{o};
    auto [major, minor] = split(5, 3, seed);
    c.partition({major, minor});
    c.run_for(3'000);
    for (auto i : minor)
      BOOST_TEST(c.node(i)->committed_round() == 0u, replay(seed));
    c.heal();
    require_clean_end(c, seed);
  });
}

BOOST_AUTO_TEST_CASE(loss_partitions_stalls_crashes_and_restarts_together_keep_every_invariant) {
  for_each_seed(500, [](uint64_t seed) {
    auto o = options(seed, 5, 2 + static_cast<uint32_t>(seed % 2));
    o.epochs = 10;
    o.network.loss_probability = 0.1;
    o.network.delay_max_ms = 30;
    o.network.duplicate_probability = 0.05;
    o.membership_delay_ms = 100;
    o.ineligible = {seed % 5};
    round_cluster c{o};
    c.run_until([&] { return c.latest_round() >= 1; }, 60'000);
    membership::prng rng{seed ^ 0xc4a05};
    auto over = [&] { return c.commits().rbegin()->second.final; };
    for (int k = 0; k < 4 && !over(); ++k) {
      auto victim = static_cast<size_t>(rng.below(5));
      switch (rng.below(3)) {
        case 0: {
          auto [major, minor] = split(5, 3, rng.next());
          c.partition({major, minor});
          c.run_for(rng.between(500, 3'000));
          c.heal();
          break;
        }
        case 1:
          c.stall(victim, rng.between(500, 3'000));
          break;
        default: {
          // After partitions, few nodes may have taken part in the last
          // round: a crash there could kill the electorate's majority.
          if (!keeps_a_quorum(c, victim))
            break;
          auto dead = c.name_of(victim);
          c.crash(victim);
          c.run_for(rng.between(200, 2'000));
          if (!over())
            c.restart(victim);
          // As in round_faults_sim_test: one dead name in the electorate
          // at a time, or a majority of it could be dead for good.
          c.run_until(
            [&] {
              const auto& last = c.commits().rbegin()->second;
              return last.final || std::none_of(last.participants.begin(),
                                                last.participants.end(),
                                                [&](const auto& p) { return p.name == dead; });
            },
            c.now_ms() + 120'000);
        }
      }
      c.run_for(rng.between(0, 2'000));
    }
    require_clean_end(c, seed, 600'000);
  });
}
