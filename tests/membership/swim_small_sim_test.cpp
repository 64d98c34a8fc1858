#define BOOST_TEST_MODULE membership.swim_small_sim
#include <boost/test/unit_test.hpp>

// Seeded simulations of the small swarms users run most: a sentinel, a
// second SN and two SLs, joining one after another through the sentinel.
// Every seed of a wide range runs (they are cheap); a failure names its
// seed.

#include <algorithm>
#include <numeric>
#include <vector>

#include "sim_support.hpp"

using namespace sim_test;

namespace {

/// Members join through the sentinel 300 ms apart; for every seed, runs
/// until all see each other, and requires it within `limit_ms` of the last
/// join. Returns the slowest convergence.
int64_t slowest_join(size_t members, uint64_t seeds, int64_t limit_ms) {
  int64_t slowest = 0;
  std::vector<uint64_t> all(seeds);
  std::iota(all.begin(), all.end(), uint64_t{1});
  for (auto seed : seeds_or_env(all)) {
    auto o = options(seed, members, false);
    o.join_spacing_ms = 300;
    o.seed_count = 1;
    swim_cluster c{o};
    c.run_until(static_cast<int64_t>(members - 1) * 300);
    auto start = c.now_ms();
    bool converged = c.run_until([&] { return c.converged(); }, start + limit_ms, 10);
    BOOST_TEST(converged, members << " members, " << replay(seed) << ": " << c.divergence());
    if (!converged)
      break;
    slowest = std::max(slowest, c.now_ms() - start);
  }
  return slowest;
}

} // namespace

BOOST_AUTO_TEST_CASE(four_members_joining_through_the_sentinel_all_see_each_other_within_2_s) {
  // The news that a newcomer is alive has few transmissions in a small
  // swarm; the acks and pings every member sends the newcomer itself used
  // to spend them all, so that one member learnt of it only at the next
  // push-pull, up to 30 s later (seeds 1143 and 2015; the SLs of a two-node
  // swarm then wait that long for their first round).
  auto slowest = slowest_join(4, 3000, 2'000);
  BOOST_TEST_MESSAGE("slowest convergence after the last join: " << slowest << " ms");
}

BOOST_AUTO_TEST_CASE(eight_and_thirty_two_members_see_each_newcomer_without_anti_entropy) {
  // memberlist's 4 copies of an update below 10 members (8 below 100) left
  // a member ignorant of the last newcomer until a push-pull in 138 of
  // 3000 seeds with 8 members and 21 of 1000 with 32. A floor of 12
  // copies still failed here (32 members, seed 207); config.hpp's
  // min_retransmits is 16.
  auto slowest8 = slowest_join(8, 3000, 2'000);
  auto slowest32 = slowest_join(32, 300, 3'000);
  BOOST_TEST_MESSAGE("slowest convergence after the last join: " << slowest8 << " ms (8), "
                                                                 << slowest32 << " ms (32)");
}
