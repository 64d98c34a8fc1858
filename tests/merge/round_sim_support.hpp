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

/// The latest round that a running node knows committed: it fixes the
/// electorate the live nodes need a quorum of. A round committed only by a
/// node that died before anyone heard of it binds nobody (the others are
/// still in it, with the previous electorate). Null before any live node
/// committed.
inline const observed_commit* latest_known_commit(const round_cluster& c) {
  uint64_t known = 0;
  for (size_t i = 0; i < c.size(); ++i)
    if (c.running(i) && c.node(i) != nullptr)
      known = std::max(known, c.node(i)->committed_round());
  auto i = c.commits().find(known);
  return i == c.commits().end() ? nullptr : &i->second;
}

/// The electorate that commit `x` fixes: its participants and electors.
inline std::set<std::string> electorate_of(const observed_commit& x) {
  std::set<std::string> result;
  for (const auto& p : x.participants)
    result.insert(p.name);
  result.insert(x.electors.begin(), x.electors.end());
  return result;
}

/// Returns how many running slots other than `except` are in `electorate`.
inline size_t alive_in(const round_cluster& c, const std::set<std::string>& electorate,
                       size_t except = SIZE_MAX) {
  size_t alive = 0;
  for (size_t i = 0; i < c.size(); ++i)
    if (i != except && c.running(i) && electorate.contains(c.name_of(i)))
      ++alive;
  return alive;
}

/// Returns whether the running slots other than `except` are a quorum of
/// the next round's electorate, by the rule the coordinators use: a
/// majority, or exactly half of an even electorate that holds its tie (its
/// first member by name other than the default leader, the first eligible
/// participant by name). Written out here from the rule, not taken from the
/// coordinator, so that the simulation checks it. Scenarios crash a node
/// only if the others keep a quorum: with less, no round can ever commit
/// again (by design, see round_coordinator; restarted nodes come back under
/// fresh names).
inline bool keeps_a_quorum(const round_cluster& c, size_t except = SIZE_MAX) {
  const auto* x = latest_known_commit(c);
  if (x == nullptr)
    return true;
  auto electorate = electorate_of(*x);
  auto alive = alive_in(c, electorate, except);
  if (2 * alive != electorate.size())
    return 2 * alive > electorate.size();
  std::optional<std::string> leader;
  for (const auto& p : x->participants)
    if (p.info.eligible && (!leader || p.name < *leader))
      leader = p.name;
  for (const auto& name : electorate) {
    if (leader && name == *leader)
      continue;
    for (size_t i = 0; i < c.size(); ++i)
      if (i != except && c.running(i) && c.name_of(i) == name)
        return true;
    return false;
  }
  return false;
}

/// Returns how many rounds any node committed.
inline size_t rounds(const round_cluster& c) {
  return c.commits().size();
}

} // namespace round_sim
