#pragma once

// Helpers shared by the seeded merge-round simulations: seeds, the replay
// hint, and the end-of-run checks every scenario makes.

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <numeric>
#include <set>
#include <string>
#include <vector>

#include "swarm/sim/round_cluster.hpp"
#include "swarm/sim/seed.hpp"

namespace round_sim {

using namespace swarm;
using namespace swarm::sim;

/// The replay hint printed with every failure.
inline std::string replay(uint64_t seed) {
  return "seed=" + std::to_string(seed) + " (replay: " + seed_env_var + "="
         + std::to_string(seed) + ")";
}

/// Runs `body` for seeds 1..count, or only for $SWARM_SEED.
inline void for_each_seed(uint64_t count, const std::function<void(uint64_t)>& body) {
  std::vector<uint64_t> seeds(count);
  std::iota(seeds.begin(), seeds.end(), uint64_t{1});
  for (auto seed : seeds_or_env(seeds))
    body(seed);
}

/// Options for `n` nodes with `min_peers`, the rest at their defaults.
inline round_cluster_options options(uint64_t seed, size_t n, uint32_t min_peers) {
  round_cluster_options o;
  o.seed = seed;
  o.nodes = n;
  o.config = sim_round_config(min_peers);
  return o;
}

/// Fails the test (naming the seed) for every invariant violation so far.
/// Returns whether there was none.
inline bool require_no_violation(const round_cluster& c, uint64_t seed) {
  for (const auto& v : c.violations())
    BOOST_ERROR(replay(seed) << ": " << v << "\n  state: " << c.summary());
  BOOST_TEST(c.violations().empty());
  return c.violations().empty();
}

/// Runs to the end of training within `limit_ms` of simulated time (no
/// node may hang), then checks every invariant. Returns whether all held.
inline bool require_clean_end(round_cluster& c, uint64_t seed, int64_t limit_ms = 300'000) {
  bool ended = c.run_to_end(limit_ms);
  BOOST_TEST(ended, replay(seed) << ": training did not end within " << limit_ms
                                 << " ms of simulated time\n  state: " << c.summary());
  if (!ended) {
    require_no_violation(c, seed);
    return false;
  }
  c.check_end();
  return require_no_violation(c, seed);
}

/// Returns the electorate fixed by the latest round that a running node
/// knows committed (its participants and electors): the set the live nodes
/// need a majority of. A round committed only by a node that died before
/// anyone heard of it binds nobody (the others are still in it, with the
/// previous electorate). Empty before any live node committed.
inline std::set<std::string> live_electorate(const round_cluster& c) {
  uint64_t known = 0;
  for (size_t i = 0; i < c.size(); ++i)
    if (c.running(i) && c.node(i) != nullptr)
      known = std::max(known, c.node(i)->committed_round());
  std::set<std::string> result;
  auto i = c.commits().find(known);
  if (i == c.commits().end())
    return result;
  for (const auto& p : i->second.participants)
    result.insert(p.name);
  result.insert(i->second.electors.begin(), i->second.electors.end());
  return result;
}

/// Returns how many of `electorate` run, not counting slot `except`.
inline size_t alive_in(const round_cluster& c, const std::set<std::string>& electorate,
                       size_t except = SIZE_MAX) {
  size_t alive = 0;
  for (size_t i = 0; i < c.size(); ++i)
    if (i != except && c.running(i) && electorate.contains(c.name_of(i)))
      ++alive;
  return alive;
}

/// Returns whether crashing slot `victim` leaves a live majority of the
/// live electorate. Scenarios crash only then: with fewer, no round can
/// ever commit again (by design, see round_coordinator; restarted nodes
/// come back under fresh names).
inline bool crash_keeps_a_majority(const round_cluster& c, size_t victim) {
  auto electorate = live_electorate(c);
  if (electorate.empty())
    return true;
  return 2 * alive_in(c, electorate, victim) > electorate.size();
}

/// Returns how many rounds any node committed.
inline size_t rounds(const round_cluster& c) {
  return c.commits().size();
}

} // namespace round_sim
