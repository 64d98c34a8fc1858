#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "swarm/membership/config.hpp"
#include "swarm/membership/events.hpp"
#include "swarm/membership/messages.hpp"
#include "swarm/membership/swim.hpp"
#include "swarm/sim/event_queue.hpp"
#include "swarm/sim/network.hpp"

namespace swarm::sim {

/// How a simulated SWIM cluster is built.
struct cluster_options {
  /// Seeds every random choice of the run: network and machines.
  uint64_t seed = 1;
  /// Number of members.
  size_t size = 10;
  /// Protocol tunables of every member.
  membership::config config = membership::lan_defaults();
  /// Fault model.
  network_options network;
  /// Start every member with a full view at time 0 instead of joining one by
  /// one; the shared snapshot keeps memory O(n) for thousands of members.
  bool warm_start = false;
  /// Member i starts at i * join_spacing_ms when joining.
  int64_t join_spacing_ms = 10;
  /// Seeds given to a joiner: member 0 (the sentinel) first, then random
  /// members that started earlier.
  size_t seed_count = 3;
  /// Estimated transport overhead per message (headers, TLS record), added
  /// to every message in `peak_bytes_per_second()`.
  size_t framing_bytes = 0;
};

/// One member's view change, as the driver saw it.
struct observed_event {
  /// Simulated time.
  int64_t at_ms;
  /// The member whose view changed.
  size_t observer;
  /// The change.
  membership::membership_event event;
};

/// Messages and estimated bytes (membership::encoded_size) sent.
struct traffic {
  /// Messages.
  uint64_t messages = 0;
  /// Estimated encoded bytes.
  uint64_t bytes = 0;
};

/// Lifecycle of a simulated member.
enum class member_status : uint8_t {
  /// Not started yet (joins are staggered).
  pending,
  /// Running.
  up,
  /// Stopped by `crash`.
  crashed,
  /// Stopped after a graceful leave.
  left,
};

/// Number of message types (alternatives of membership::message_body).
inline constexpr size_t message_type_count = std::variant_size_v<membership::message_body>;

/// N SWIM machines on a seeded network and clock. Time advances only in
/// `run_*`; every member is ticked exactly at its next deadline.
class swim_cluster {
public:
  /// Builds the cluster; members start as `opts` says once time runs.
  explicit swim_cluster(cluster_options opts);

  /// Destroys every machine.
  ~swim_cluster();

  // -- time -------------------------------------------------------------------

  /// Returns the simulated time.
  int64_t now_ms() const noexcept {
    return now_ms_;
  }

  /// Runs every event up to and including `t_ms`.
  void run_until(int64_t t_ms);

  /// Runs for `duration_ms`.
  void run_for(int64_t duration_ms) {
    run_until(now_ms_ + duration_ms);
  }

  /// Runs in steps of `step_ms` until `done()` holds or `deadline_ms`
  /// passes; returns whether `done()` held.
  bool run_until(const std::function<bool()>& done, int64_t deadline_ms, int64_t step_ms = 100);

  // -- faults -----------------------------------------------------------------

  /// Stops member `i` at once (its in-flight messages still arrive).
  void crash(size_t i);

  /// Starts member `i` afresh with a higher incarnation; it joins through
  /// the sentinel, then random other members.
  void restart(size_t i);

  /// Member `i` leaves gracefully and stops once its updates are sent or
  /// after `linger_ms`.
  void leave(size_t i, int64_t linger_ms = 5000);

  /// Changes member `i`'s metadata (disseminated as an alive update).
  void update_meta(size_t i, std::string meta);

  /// Splits members into groups that cannot reach each other.
  void partition(const std::vector<std::vector<size_t>>& groups);

  /// Reconnects everyone.
  void heal();

  /// Replaces the network's fault model.
  void set_network(network_options opts);

  // -- observation ------------------------------------------------------------

  /// Returns the number of members.
  size_t size() const noexcept {
    return names_.size();
  }

  /// Returns the lifecycle state of member `i`.
  member_status status(size_t i) const {
    return status_[i];
  }

  /// Returns member `i`'s machine, or null when it is not running.
  const membership::swim* node(size_t i) const {
    return nodes_[i].get();
  }

  /// Returns member `i`'s name.
  const std::string& name_of(size_t i) const {
    return names_[i];
  }

  /// Returns the member index of `name`; requires a known name.
  size_t index_of(const std::string& name) const;

  /// Calls `f` for every view change of every member until
  /// `stop_observing` gets the returned handle.
  size_t on_event(std::function<void(const observed_event&)> f) {
    observers_.push_back(std::move(f));
    return observers_.size() - 1;
  }

  /// Stops calling the observer registered under `handle`.
  void stop_observing(size_t handle) {
    observers_.at(handle) = nullptr;
  }

  /// Returns whether every running member has joined and sees exactly the
  /// running members as alive at their current incarnations, and no other
  /// member as live.
  bool converged() const;

  /// Explains why `converged()` is false (first few differences).
  std::string divergence() const;

  /// Returns the traffic member `i` sent.
  const traffic& sent_by(size_t i) const {
    return sent_[i];
  }

  /// Returns the traffic per message type (index of membership::message_body).
  const std::array<traffic, message_type_count>& sent_by_type() const noexcept {
    return by_type_;
  }

  /// Returns the most bytes any member sent within one simulated second
  /// since the last `reset_peak()`, each message counted with
  /// `framing_bytes`; push-pull exchanges are excluded (bulk transfers on
  /// their own period, visible in `sent_by_type`).
  uint64_t peak_bytes_per_second() const noexcept {
    return peak_bytes_;
  }

  /// Starts a new peak measurement.
  void reset_peak();

  /// Returns the network's counters.
  const network_stats& net_stats() const noexcept {
    return net_.stats();
  }

private:
  struct wake {
    size_t node;
    bool start;
  };

  void start(size_t i, std::vector<std::string> seeds, uint64_t incarnation,
             std::shared_ptr<const membership::member_snapshot> known);
  std::vector<std::string> seeds_for(size_t i, size_t started_before);
  void deliver_next();
  void wake_next();
  void flush(size_t i);
  void account(size_t i, const membership::message& msg);
  void schedule(size_t i);
  bool view_matches(size_t i, std::string* why) const;

  cluster_options opts_;
  membership::prng rng_;
  network<membership::message> net_;
  event_queue<wake> wakes_;
  int64_t now_ms_ = 0;
  std::vector<std::string> names_;
  std::vector<std::string> addresses_;
  std::unordered_map<std::string, size_t> by_address_;
  std::unordered_map<std::string, size_t> by_name_;
  std::vector<std::unique_ptr<membership::swim>> nodes_;
  std::vector<member_status> status_;
  std::vector<uint64_t> last_incarnation_;
  std::vector<int64_t> scheduled_ms_;
  std::vector<int64_t> leave_by_ms_;
  std::shared_ptr<const membership::member_snapshot> snapshot_;
  std::vector<std::function<void(const observed_event&)>> observers_;
  std::vector<traffic> sent_;
  std::array<traffic, message_type_count> by_type_{};
  std::vector<uint64_t> second_bytes_;
  int64_t current_second_ = 0;
  uint64_t peak_bytes_ = 0;
};

} // namespace swarm::sim
