#pragma once

// Oracles and helpers shared by the seeded cluster simulations. They watch
// the machines' outputs and compare them with the simulator's ground truth;
// they never reach into a machine's internals.

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "swarm/membership/timeouts.hpp"
#include "swarm/sim/seed.hpp"
#include "swarm/sim/swim_cluster.hpp"

namespace sim_test {

using namespace swarm::membership;
using namespace swarm::sim;

/// Counts members declared dead (or suspected) while they were running:
/// every such verdict is a false positive.
struct false_positive_watch {
  size_t false_deaths = 0;
  size_t false_suspicions = 0;
  size_t true_deaths = 0;
  std::string first_false_death;

  explicit false_positive_watch(swim_cluster& c) {
    c.on_event([this, &c](const observed_event& e) {
      auto subject = c.index_of(e.event.subject.name);
      bool running = c.status(subject) == member_status::up && !c.node(subject)->leaving();
      if (e.event.kind == event_kind::dead) {
        if (!running) {
          ++true_deaths;
          return;
        }
        if (false_deaths++ == 0) {
          std::ostringstream out;
          out << c.name_of(e.observer) << " declared " << e.event.subject.name
              << " (incarnation " << e.event.subject.incarnation << ") dead at "
              << e.at_ms << " ms";
          first_false_death = out.str();
        }
      } else if (e.event.kind == event_kind::suspect && running) {
        ++false_suspicions;
      }
    });
  }
};

/// Returns whether no running member sees member `i` as alive or suspect.
inline bool nobody_sees_live(const swim_cluster& c, size_t i) {
  for (size_t j = 0; j < c.size(); ++j) {
    const auto* node = c.node(j);
    if (node == nullptr || j == i || node->leaving())
      continue;
    const auto* m = node->find(c.name_of(i));
    if (m != nullptr && is_live(m->state))
      return false;
  }
  return true;
}

/// Returns whether every running member sees member `i` in state `s`.
inline bool everybody_sees(const swim_cluster& c, size_t i, member_state s) {
  for (size_t j = 0; j < c.size(); ++j) {
    const auto* node = c.node(j);
    if (node == nullptr || j == i)
      continue;
    const auto* m = node->find(c.name_of(i));
    if (m == nullptr || m->state != s)
      return false;
  }
  return true;
}

/// The replay hint printed with every simulation result.
inline std::string replay(uint64_t seed) {
  return "seed=" + std::to_string(seed) + " (replay: " + swarm::sim::seed_env_var + "="
         + std::to_string(seed) + ")";
}

/// A cluster of `n` members started as `warm` says, with the LAN profile.
inline cluster_options options(uint64_t seed, size_t n, bool warm) {
  cluster_options o;
  o.seed = seed;
  o.size = n;
  o.warm_start = warm;
  o.config = lan_defaults();
  o.network.delay_min_ms = 1;
  o.network.delay_max_ms = 5;
  return o;
}

/// Simulated seconds, for messages.
inline double seconds(int64_t ms) {
  return static_cast<double>(ms) / 1000.0;
}

/// Runs until the cluster converged or `limit_ms` passed; requires the
/// former, naming the seed and the first differences on failure.
inline int64_t require_convergence(swim_cluster& c, int64_t limit_ms, uint64_t seed) {
  auto start = c.now_ms();
  bool ok = c.run_until([&] { return c.converged(); }, start + limit_ms, 250);
  BOOST_REQUIRE_MESSAGE(ok, "no convergence within " << seconds(limit_ms) << " s, "
                                                      << replay(seed) << ": " << c.divergence());
  return c.now_ms() - start;
}

/// Crashes member `victim` and runs until nobody sees it live; requires
/// that this happens within SWIM's bound (timeouts.hpp,
/// detection_bound_ms with 10 missed periods: P(exceeded) ~ e^-10).
/// Returns the detection time.
inline int64_t require_detection(swim_cluster& c, size_t victim, const config& cfg,
                                 uint64_t seed) {
  auto n = c.node(victim)->live_count();
  auto bound_ms = detection_bound_ms(cfg, n, 10);
  auto crashed_at = c.now_ms();
  c.crash(victim);
  bool ok = c.run_until([&] { return nobody_sees_live(c, victim); }, crashed_at + bound_ms, 100);
  auto took = c.now_ms() - crashed_at;
  BOOST_TEST_MESSAGE("crash of " << c.name_of(victim) << " among " << n << " detected by all in "
                                 << seconds(took) << " s (bound " << seconds(bound_ms)
                                 << " s), " << replay(seed));
  BOOST_TEST(ok, "crash of " << c.name_of(victim) << " not detected by all within the bound of "
                             << seconds(bound_ms) << " s, " << replay(seed));
  return took;
}

} // namespace sim_test
