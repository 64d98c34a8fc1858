#pragma once

// The parts of round_cluster shared by its driver (round_cluster.cpp) and
// its oracle (round_cluster_oracle.cpp).

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "swarm/sim/round_cluster.hpp"

namespace swarm::sim {

/// One node slot: the coordinator of its current incarnation and a fake ML.
struct round_cluster::slot {
  size_t index = 0;
  std::string name;
  node_id endpoint = 0;
  // Bumped at every crash and restart: events of an older life are stale.
  uint64_t life = 0;
  uint32_t restarts = 0;
  bool running = false;
  // The ML gave up after a refusal (its model does not fit the swarm).
  bool quit = false;
  int64_t stalled_until = -1;
  // Messages that arrived while stalled, delivered when it resumes.
  std::vector<std::pair<std::string, merge::round_message>> held;
  std::unique_ptr<merge::round_coordinator> coord;
  // The last hard state the coordinator handed out: the node's disk, which
  // survives its crashes.
  std::optional<merge::round_hard_state> disk;
  // What the last `set_peers` said, to call it only on change.
  std::set<std::string> peers;
  membership::prng rng{0};

  // The fake ML: trains from `model` (the initial or last received one).
  merge::model_ptr model;
  // Its initial model (null for a late node).
  merge::model_ptr initial;
  uint64_t model_round = 0;
  uint32_t syncs = 0;
  uint32_t epochs = 0;
  bool training = false;
  bool waiting = false;
  bool finished = false;
  bool over = false;
  // A late or restarted ML must not start from a model older than the one
  // every running node had committed when it booted.
  bool needs_first_model = false;
  uint64_t latest_at_boot = 0;
};

/// Something scheduled on the cluster's clock.
struct round_cluster::sim_event {
  enum kind_t : uint8_t { tick, trained, membership, run_action } kind = tick;
  size_t slot = 0;
  uint64_t life = 0;
  size_t action_index = 0;
};

} // namespace swarm::sim
