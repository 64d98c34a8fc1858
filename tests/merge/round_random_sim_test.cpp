#define BOOST_TEST_MODULE merge.round_random_sim
#include <boost/test/unit_test.hpp>

// Seeded merge-round simulations with everything drawn from the seed: 3 to
// 7 nodes, min_peers, epochs, train-end mode, loss, delay, duplication,
// membership delay, a straggler, a node without admin rights, and a
// schedule of partitions, stalls, crashes and restarts. Safety must hold
// in every run. Liveness must hold unless the electorate (fixed by the last
// commit) has no live quorum (a majority, or the half that holds the tie)
// or fewer than min_peers nodes run:
// then no round can ever commit again (see round_coordinator); such runs
// are counted, not failed.

#include <algorithm>
#include <numeric>

#include "round_sim_support.hpp"

using namespace round_sim;

namespace {

round_cluster_options draw_options(uint64_t seed, membership::prng& r) {
  auto n = static_cast<size_t>(3 + r.below(5));
  auto min_peers = std::max<uint32_t>(2, 1 + static_cast<uint32_t>(r.below(std::min<size_t>(n, 4))));
  auto o = options(seed, n, min_peers);
  o.epochs = 3 + static_cast<uint32_t>(r.below(6));
  o.epoch_spread = 1 + static_cast<uint32_t>(r.below(3));
  o.end_mode = static_cast<merge::train_end_mode>(1 + r.below(3));
  o.network.loss_probability = r.uniform() * 0.25;
  o.network.delay_max_ms = 5 + r.between(0, 60);
  o.network.duplicate_probability = r.uniform() * 0.2;
  o.membership_delay_ms = r.between(0, 500);
  o.tick_max_ms = 20 + r.between(0, 100);
  if (r.chance(0.3))
    o.slow = {r.below(n)};
  if (r.chance(0.3))
    o.ineligible = {r.below(n)};
  return o;
}

size_t running_count(const round_cluster& c) {
  size_t n = 0;
  for (size_t i = 0; i < c.size(); ++i)
    n += c.running(i) ? 1 : 0;
  return n;
}

// Crashes `victim` if the electorate keeps a live quorum and min_peers
// nodes keep running; restarts it (fresh name) most of the time.
void crash_and_maybe_restart(round_cluster& c, size_t victim, uint32_t min_peers,
                             membership::prng& r) {
  if (!c.running(victim) || !keeps_a_quorum(c, victim)
      || running_count(c) <= min_peers)
    return;
  auto dead = c.name_of(victim);
  c.crash(victim);
  c.run_for(r.between(0, 3'000));
  if (!c.commits().rbegin()->second.final && r.chance(0.7))
    c.restart(victim);
  c.run_until(
    [&] {
      const auto& last = c.commits().rbegin()->second;
      return last.final || std::none_of(last.participants.begin(), last.participants.end(),
                                        [&](const auto& p) { return p.name == dead; });
    },
    c.now_ms() + 120'000);
}

void run_faults(round_cluster& c, const round_cluster_options& o, membership::prng& r) {
  auto over = [&] { return c.commits().empty() || c.commits().rbegin()->second.final; };
  for (int k = 0; k < 5 && !over(); ++k) {
    auto victim = static_cast<size_t>(r.below(o.nodes));
    switch (r.below(4)) {
      case 0: {
        std::vector<size_t> all(o.nodes);
        std::iota(all.begin(), all.end(), size_t{0});
        membership::shuffle(all.begin(), all.end(), r);
        auto cut = static_cast<long>(1 + r.below(o.nodes - 1));
        c.partition({{all.begin(), all.begin() + cut}, {all.begin() + cut, all.end()}});
        c.run_for(r.between(200, 4'000));
        c.heal();
        break;
      }
      case 1:
        if (c.running(victim))
          c.stall(victim, r.between(200, 4'000));
        break;
      case 2:
        crash_and_maybe_restart(c, victim, o.config.min_peers, r);
        break;
      default:
        break;
    }
    c.run_for(r.between(0, 2'000));
  }
}

// Whether no round can commit any more by design: the next electorate
// lacks a live quorum, or fewer than min_peers nodes run.
bool stuck_by_design(const round_cluster& c, uint32_t min_peers) {
  return !keeps_a_quorum(c) || running_count(c) < min_peers;
}

} // namespace

BOOST_AUTO_TEST_CASE(random_fault_schedules_never_break_safety_and_end_unless_the_electorate_died) {
  size_t by_design = 0;
  for_each_seed(2'000, [&](uint64_t seed) {
    // Seed 1639 once missed its final round (a finished node cut off while
    // it committed never asked for it); it stays in the range on purpose.
    membership::prng r{seed * 7'777 + 424'242};
    auto o = draw_options(seed, r);
    round_cluster c{o};
    c.run_until([&] { return c.latest_round() >= 1; }, 60'000);
    run_faults(c, o, r);
    if (!c.run_to_end(900'000) && stuck_by_design(c, o.config.min_peers)) {
      ++by_design;
      BOOST_TEST_MESSAGE(replay(seed) << ": stuck by design: " << c.summary());
      require_no_violation(c, seed);
      return;
    }
    require_clean_end(c, seed, 900'000);
  });
  BOOST_TEST_MESSAGE(by_design << " runs lost the electorate's quorum for good");
}
