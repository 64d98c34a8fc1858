#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "swarm/membership/prng.hpp"
#include "swarm/merge/round_coordinator.hpp"
#include "swarm/sim/event_queue.hpp"
#include "swarm/sim/network.hpp"

namespace swarm::sim {

/// Returns round timings scaled for simulation (seconds instead of HPE's
/// minutes), with `min_peers` check-ins per round.
merge::round_config sim_round_config(uint32_t min_peers);

/// A merge-round cluster: nodes, their faults and their fake MLs.
struct round_cluster_options {
  /// Drives every draw: network, training times, perturbations, ticks.
  uint64_t seed = 1;
  /// Number of node slots; node i is called "n<i>".
  size_t nodes = 3;
  /// Coordinator settings shared by all nodes (eligibility is per node).
  merge::round_config config = sim_round_config(2);
  /// Loss, delay and duplication.
  network_options network;
  /// Sync points of every ML; node i does `epochs + i % epoch_spread`.
  uint32_t epochs = 4;
  /// Spread of the epoch counts, so that some nodes finish first.
  uint32_t epoch_spread = 1;
  /// What a finished node checks in (checkinModelOnTrainEnd).
  merge::train_end_mode end_mode = merge::train_end_mode::snapshot;
  /// Range of one training period between sync points.
  int64_t train_min_ms = 100;
  /// Range of one training period between sync points.
  int64_t train_max_ms = 400;
  /// Nodes that train `slow_factor` times longer (stragglers).
  std::set<size_t> slow;
  /// How much longer slow nodes train.
  int64_t slow_factor = 8;
  /// Nodes with SL_MAKE_ME_ADMIN=false.
  std::set<size_t> ineligible;
  /// Nodes whose model has a different shape (tensor "w" is [3,5]).
  std::set<size_t> misshaped;
  /// Nodes that are down at time 0 and join when `start` is called.
  std::set<size_t> late;
  /// How long membership takes to report a change to `set_peers`.
  int64_t membership_delay_ms = 0;
  /// Range of the interval between two ticks of a node.
  int64_t tick_min_ms = 10;
  /// Range of the interval between two ticks of a node.
  int64_t tick_max_ms = 50;
  /// Network endpoints kept for restarted nodes (one per restart).
  size_t spare_endpoints = 8;
  /// Whether a restarted node keeps its name and starts from the hard
  /// state its coordinator last handed out, and its ML from that state's
  /// committed model (an SL restarted with its data directory). Otherwise
  /// it comes back with a fresh name and nothing (a lost data directory).
  bool durable = false;
};

/// What the harness does with a message a node is about to send.
enum class send_verdict : uint8_t {
  /// Hand it to the network.
  send,
  /// Drop it silently.
  drop,
  /// Crash the sender now: neither this message nor the rest of its batch
  /// leaves (the events of the batch did happen).
  crash,
};

/// Inspects each outgoing message: (slot of the sender, the message).
using send_filter = std::function<send_verdict(size_t, const merge::outgoing_message&)>;

/// A round as the cluster saw it first committed (by any node).
struct observed_commit {
  /// Digest of the merged model.
  sha256_digest digest{};
  /// The merged model.
  merge::model_ptr model;
  /// Who took part.
  std::vector<merge::participant> participants;
  /// The next round's electorate besides the participants.
  std::vector<std::string> electors;
  /// Leader and term that committed it.
  std::string leader;
  /// Leader and term that committed it.
  uint64_t term = 0;
  /// Whether it was the final model.
  bool final = false;
  /// Simulated time of the first commit event.
  int64_t at_ms = 0;
};

/// One event a coordinator emitted, with when and where.
struct observed_event {
  /// When it was taken from the coordinator.
  int64_t at_ms = 0;
  /// The node slot and its name at that time.
  size_t slot = 0;
  /// The node slot and its name at that time.
  std::string name;
  /// The event (its model pointer included).
  merge::round_event event;
};

/// N round coordinators on a seeded `network`, each driven by a fake ML
/// that trains by perturbing its model, checks in at each sync point and
/// finishes after its epochs. One seed replays the whole run. An oracle
/// checks the safety invariants on every step and collects violations:
/// one leader per (round, term); every committed model is the merge of its
/// participants' recorded check-ins and has `min_peers` participants; one
/// digest per round; a late or restarted node's first model is not older
/// than what every running node had committed when it booted. A restarted
/// node comes back with a fresh name ("n2~1"): its coordinator forgot its
/// votes and acceptances (see round_coordinator's class comment); with
/// `durable`, it keeps its name and its saved hard state instead.
class round_cluster {
public:
  /// Builds the cluster; nodes not in `late` start at time 0.
  explicit round_cluster(round_cluster_options opts);
  ~round_cluster();

  round_cluster(const round_cluster&) = delete;
  round_cluster& operator=(const round_cluster&) = delete;

  /// Returns the simulated time.
  int64_t now_ms() const noexcept {
    return now_ms_;
  }

  /// Returns the number of node slots.
  size_t size() const noexcept;

  /// Returns the coordinator of slot `i`, or null while it is down.
  const merge::round_coordinator* node(size_t i) const;

  /// Returns the current name of slot `i`.
  const std::string& name_of(size_t i) const;

  /// Returns whether slot `i` runs (started, not crashed, not quit).
  bool running(size_t i) const;

  /// Returns the slot that leads its open round, if any.
  std::optional<size_t> leader() const;

  /// Runs until simulated time `t_ms`.
  void run_until(int64_t t_ms);

  /// Runs for `ms` of simulated time.
  void run_for(int64_t ms);

  /// Runs until `done()` holds (checked after every step) or until
  /// `limit_ms`; returns whether it held.
  bool run_until(const std::function<bool()>& done, int64_t limit_ms);

  /// Runs until every running node's training is over (final model
  /// applied by its ML) or until `limit_ms`; returns whether it ended.
  bool run_to_end(int64_t limit_ms);

  /// Starts a late node (it has no model until it catches up).
  void start(size_t i);

  /// Crashes slot `i`: its coordinator and ML state are lost.
  void crash(size_t i);

  /// Restarts a crashed slot: with a fresh coordinator, a fresh name and an
  /// ML without a model, or (`durable`) from its saved hard state.
  void restart(size_t i);

  /// Splits the slots into groups that reach only each other.
  void partition(const std::vector<std::vector<size_t>>& groups);

  /// Reconnects everyone.
  void heal();

  /// Suspends slot `i` (no ticks, no training, messages held) for `ms`.
  void stall(size_t i, int64_t ms);

  /// Replaces the network's fault model.
  void set_network(network_options opts);

  /// Runs `action` at simulated time `t_ms`.
  void at(int64_t t_ms, std::function<void()> action);

  /// Installs the filter every outgoing message passes.
  void on_send(send_filter filter);

  /// Returns the last round committed anywhere (0: none).
  uint64_t latest_round() const;

  /// Returns the rounds as first committed, by round.
  const std::map<uint64_t, observed_commit>& commits() const noexcept {
    return commits_;
  }

  /// Returns every event every coordinator emitted, in order.
  const std::vector<observed_event>& events() const noexcept {
    return events_;
  }

  /// Returns the leader of each (round, term) that got past collecting.
  const std::map<std::pair<uint64_t, uint64_t>, std::string>& leaders() const noexcept {
    return leaders_;
  }

  /// Checks the end state: every running node's training is over, with the
  /// same final digest in coordinator and ML. Adds violations.
  void check_end();

  /// Returns the invariant violations seen so far (empty: all held).
  const std::vector<std::string>& violations() const noexcept {
    return violations_;
  }

  /// Returns a one-line state of every slot, for failure messages.
  std::string summary() const;

  /// Returns the network's counters.
  const network_stats& net_stats() const;

private:
  struct slot;
  struct sim_event;

  bool step_once(int64_t limit_ms);
  void deliver(size_t i, const std::string& from, const merge::round_message& msg);
  void tick(size_t i);
  void trained(size_t i);
  void after_step(size_t i);
  void on_event(size_t i, const merge::round_event& ev);
  void ml_apply(size_t i, const merge::round_event& ev);
  void schedule_training(size_t i);
  void update_membership();
  void membership_changed();
  void boot(size_t i, bool fresh_name);
  void resume(size_t i);
  void violation(std::string text);
  void record_leadership(size_t i);
  void check_commit(size_t i, const merge::round_event& ev);
  std::optional<sha256_digest> expected_digest(const merge::round_event& ev, std::string& why);

  round_cluster_options opts_;
  int64_t now_ms_ = 0;
  membership::prng rng_;
  std::unique_ptr<network<merge::round_message>> net_;
  std::unique_ptr<event_queue<sim_event>> queue_;
  std::vector<std::unique_ptr<slot>> slots_;
  std::vector<std::function<void()>> actions_;
  std::map<node_id, size_t> endpoint_slot_;
  std::map<std::string, node_id> name_endpoint_;
  std::vector<std::string> endpoint_name_;
  node_id next_endpoint_ = 0;
  send_filter filter_;
  // The partition by slot, re-applied when a slot gets a new endpoint.
  std::vector<std::vector<size_t>> groups_;
  // Oracle state.
  std::map<uint64_t, observed_commit> commits_;
  std::vector<observed_event> events_;
  std::map<std::pair<uint64_t, uint64_t>, std::string> leaders_;
  // (round, term) pairs already reported with two leaders.
  std::set<std::pair<uint64_t, uint64_t>> reported_;
  // (name, round) -> what that node checked in for the round (more than
  // once if it restarted with its name).
  using recorded_checkins = std::vector<std::pair<merge::checkin_info, merge::model_ptr>>;
  std::map<std::pair<std::string, uint64_t>, recorded_checkins> checkins_;
  // name -> what the node handed `finish`.
  std::map<std::string, recorded_checkins> finishes_;
  std::vector<std::string> violations_;
};

} // namespace swarm::sim
