#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "swarm/membership/messages.hpp"

namespace swarm::membership {

/// Updates waiting to be piggybacked, each sent a limited number of times.
///
/// At most one update per member is queued: a newer claim about a member
/// supersedes (invalidates) the older one, whatever its kind, because the
/// receiver's rules only ever need the latest. Updates are taken least-sent
/// first and, among equals, newest first, so fresh news spreads fastest and
/// no update starves.
class broadcast_queue {
public:
  /// Queues `x`, replacing any queued update about the same member. It is
  /// sent `limit_factor` times as often as the transmit limit says.
  void push(update x, uint32_t limit_factor = 1);

  /// Appends to `out` the updates that fit into `budget_bytes` (each costs
  /// its embedded size) and counts one transmission for each; updates sent
  /// `transmit_limit` times (times their factor) are dropped. Skips the
  /// news that `recipient` is alive: it knows, and a newcomer, whose
  /// join has every member ping and ack it at once, would otherwise use up
  /// the few transmissions of its own news. Returns the bytes used.
  size_t take(size_t budget_bytes, uint32_t transmit_limit, std::vector<update>& out,
              std::string_view recipient = {});

  /// Returns the queued update about `node`, if any.
  const update* find(const std::string& node) const;

  /// Returns the number of queued updates.
  size_t size() const noexcept {
    return entries_.size();
  }

  /// Returns whether nothing is queued.
  bool empty() const noexcept {
    return entries_.empty();
  }

  /// Drops every queued update.
  void clear() noexcept;

private:
  struct key {
    uint32_t transmits;
    uint64_t id;
    bool operator<(const key& other) const noexcept {
      if (transmits != other.transmits)
        return transmits < other.transmits;
      return id > other.id; // newest first
    }
  };

  struct entry {
    update msg;
    size_t bytes;
    uint32_t limit_factor;
  };

  std::map<key, entry> entries_;
  std::unordered_map<std::string, key> by_node_;
  uint64_t next_id_ = 0;
};

} // namespace swarm::membership
