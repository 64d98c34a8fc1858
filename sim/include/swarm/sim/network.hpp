#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "swarm/membership/prng.hpp"
#include "swarm/sim/event_queue.hpp"

namespace swarm::sim {

/// Index of a simulated endpoint.
using node_id = uint32_t;

/// Fault model of the simulated network; every draw comes from the seed.
struct network_options {
  /// Probability that a message is lost.
  double loss_probability = 0.0;
  /// Shortest one-way delay.
  int64_t delay_min_ms = 1;
  /// Longest one-way delay (uniform in between).
  int64_t delay_max_ms = 5;
  /// Probability that a message arrives twice (each copy with its own delay).
  double duplicate_probability = 0.0;
};

/// What happened to messages so far.
struct network_stats {
  /// Messages handed to `send`.
  uint64_t sent = 0;
  /// Messages handed to receivers (copies included).
  uint64_t delivered = 0;
  /// Messages dropped by random loss.
  uint64_t lost = 0;
  /// Extra copies scheduled.
  uint64_t duplicated = 0;
  /// Messages dropped by a partition (at sending or at arrival).
  uint64_t cut = 0;
  /// Messages that arrived at a stopped endpoint.
  uint64_t to_down = 0;
};

/// A seeded, single-threaded network between endpoints: per-message loss,
/// delay and duplication, symmetric partitions, and endpoints that are down.
/// Generic over the payload so any protocol core can run on it.
template <class Payload>
class network {
public:
  /// A message arriving at `to`.
  struct delivery {
    /// Sender.
    node_id from;
    /// Receiver.
    node_id to;
    /// The message.
    Payload payload;
  };

  /// Creates a network of `nodes` endpoints, all up and connected.
  network(uint64_t seed, network_options opts, size_t nodes)
    : rng_(seed), opts_(opts), group_(nodes, 0), up_(nodes, true) {
    assert(opts.delay_min_ms >= 0 && opts.delay_min_ms <= opts.delay_max_ms);
  }

  /// Replaces the fault model (e.g. to start or stop loss).
  void set_options(network_options opts) {
    assert(opts.delay_min_ms >= 0 && opts.delay_min_ms <= opts.delay_max_ms);
    opts_ = opts;
  }

  /// Returns the fault model.
  const network_options& options() const noexcept {
    return opts_;
  }

  /// Sends `payload` at `now_ms`, subject to loss, partitions and delay.
  void send(int64_t now_ms, node_id from, node_id to, Payload payload) {
    assert(from < up_.size() && to < up_.size());
    ++stats_.sent;
    if (!reachable(from, to)) {
      ++stats_.cut;
      return;
    }
    if (rng_.chance(opts_.loss_probability)) {
      ++stats_.lost;
      return;
    }
    if (rng_.chance(opts_.duplicate_probability)) {
      ++stats_.duplicated;
      queue_.push(now_ms + delay(), delivery{from, to, payload});
    }
    queue_.push(now_ms + delay(), delivery{from, to, std::move(payload)});
  }

  /// Returns whether messages are in flight.
  bool has_pending() const noexcept {
    return !queue_.empty();
  }

  /// Returns when the next message arrives; requires `has_pending()`.
  int64_t next_at_ms() const noexcept {
    return queue_.next_at_ms();
  }

  /// Takes the next message in flight; nullopt when it is dropped on arrival
  /// (receiver down, or a partition started while it was in flight).
  std::optional<delivery> pop() {
    auto [at_ms, d] = queue_.pop();
    (void) at_ms;
    if (!up_[d.to]) {
      ++stats_.to_down;
      return std::nullopt;
    }
    if (!reachable(d.from, d.to)) {
      ++stats_.cut;
      return std::nullopt;
    }
    ++stats_.delivered;
    return std::optional<delivery>{std::move(d)};
  }

  /// Marks an endpoint as stopped or running.
  void set_up(node_id x, bool up) {
    assert(x < up_.size());
    up_[x] = up;
  }

  /// Returns whether an endpoint runs.
  bool up(node_id x) const {
    return up_[x];
  }

  /// Splits the endpoints: those in `groups[i]` can reach only each other;
  /// endpoints in no group form one more group. Symmetric.
  void partition(const std::vector<std::vector<node_id>>& groups) {
    std::fill(group_.begin(), group_.end(), 0u);
    for (size_t g = 0; g < groups.size(); ++g)
      for (auto x : groups[g])
        group_[x] = static_cast<uint32_t>(g + 1);
  }

  /// Reconnects every endpoint.
  void heal() {
    std::fill(group_.begin(), group_.end(), 0u);
  }

  /// Returns whether `a` and `b` are on the same side of any partition.
  bool reachable(node_id a, node_id b) const {
    return group_[a] == group_[b];
  }

  /// Returns the counters.
  const network_stats& stats() const noexcept {
    return stats_;
  }

private:
  int64_t delay() {
    return rng_.between(opts_.delay_min_ms, opts_.delay_max_ms);
  }

  membership::prng rng_;
  network_options opts_;
  std::vector<uint32_t> group_;
  std::vector<bool> up_;
  event_queue<delivery> queue_;
  network_stats stats_;
};

} // namespace swarm::sim
