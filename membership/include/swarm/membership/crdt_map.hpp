#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "swarm/common/error.hpp"
#include "swarm/common/sha256.hpp"
#include "swarm/membership/crdt_entry.hpp"
#include "swarm/membership/crdt_summary.hpp"

namespace swarm::membership {

/// A last-writer-wins map of opaque byte values: a state-based CRDT. Each key
/// holds one `crdt_entry`; `merge` keeps whichever entry `supersedes` the
/// other, a total order, so merging is commutative, associative and idempotent
/// and replicas that saw the same entries hold the same map, whatever the
/// order, duplication or repetition of delivery. Deletes are tombstones, kept
/// so that an older put arriving late cannot resurrect the key.
class crdt_map {
public:
  /// All entries, tombstones included, sorted by key.
  using container = std::map<std::string, crdt_entry, std::less<>>;

  /// Iterates the live (non-tombstone) entries in key order.
  class live_iterator {
  public:
    /// Standard iterator traits.
    using iterator_category = std::forward_iterator_tag;
    /// Standard iterator traits.
    using value_type = crdt_entry;
    /// Standard iterator traits.
    using difference_type = std::ptrdiff_t;
    /// Standard iterator traits.
    using pointer = const crdt_entry*;
    /// Standard iterator traits.
    using reference = const crdt_entry&;

    /// A singular iterator.
    live_iterator() = default;

    /// Points at the first live entry in [pos, end).
    live_iterator(container::const_iterator pos, container::const_iterator end)
      : pos_(pos), end_(end) {
      skip_tombstones();
    }

    /// Returns the entry.
    reference operator*() const {
      return pos_->second;
    }

    /// Accesses the entry.
    pointer operator->() const {
      return &pos_->second;
    }

    /// Advances to the next live entry.
    live_iterator& operator++() {
      ++pos_;
      skip_tombstones();
      return *this;
    }

    /// Advances to the next live entry, returning the old position.
    live_iterator operator++(int) {
      auto old = *this;
      ++*this;
      return old;
    }

    /// Same position.
    friend bool operator==(const live_iterator& a, const live_iterator& b) {
      return a.pos_ == b.pos_;
    }

  private:
    void skip_tombstones() {
      while (pos_ != end_ && pos_->second.tombstone)
        ++pos_;
    }

    container::const_iterator pos_;
    container::const_iterator end_;
  };

  /// A range over the live entries, for range-for.
  struct live_range {
    /// First live entry.
    live_iterator first;
    /// Past the end.
    live_iterator last;

    /// Returns `first`.
    live_iterator begin() const {
      return first;
    }

    /// Returns `last`.
    live_iterator end() const {
      return last;
    }
  };

  /// Writes `value` under `key` as `writer`, stamped above every version this
  /// replica has seen and at least `min_version` (see `hlc_floor`). Returns
  /// the new entry, which the caller disseminates. Fails on keys or values
  /// over the limits, a nil writer, or a version beyond `crdt_max_version`.
  expected<crdt_entry> put(std::string key, byte_buffer value, const node_uuid& writer,
                           uint64_t min_version = 0);

  /// Deletes `key` by writing a tombstone, stamped like `put`. Works for keys
  /// never seen here, so a delete can overtake the put it cancels.
  expected<crdt_entry> erase(std::string key, const node_uuid& writer,
                             uint64_t min_version = 0);

  /// Returns the live value under `key`, or null if absent or deleted.
  const byte_buffer* get(std::string_view key) const;

  /// Returns the entry under `key` (a tombstone too), or null.
  const crdt_entry* find(std::string_view key) const;

  /// Merges a remote (or replayed) entry; returns whether the map changed,
  /// i.e. whether the entry is news worth passing on. Requires
  /// `check_entry(x)` to succeed. Advances the clock past `x.version` even if
  /// `x` loses, so later local writes win over it.
  bool merge(const crdt_entry& x);

  /// Returns the live entries, in key order.
  live_range live() const {
    return {{entries_.begin(), entries_.end()}, {entries_.end(), entries_.end()}};
  }

  /// Returns every entry, tombstones included, in key order.
  const container& entries() const noexcept {
    return entries_;
  }

  /// Returns the number of live entries.
  size_t size() const noexcept {
    return live_count_;
  }

  /// Returns the highest version seen (written, merged or observed).
  uint64_t clock() const noexcept {
    return clock_;
  }

  /// Raises the clock to at least `version` (capped at `crdt_max_version`).
  void observe(uint64_t version) noexcept;

  /// Returns the anti-entropy fingerprint of this map (kept up to date on
  /// every change, so asking costs nothing).
  const crdt_summary& summary() const noexcept {
    return summary_;
  }

  /// Returns the entries (tombstones included) whose keys fall into
  /// `buckets`: what to send a peer whose summary differs there.
  std::vector<crdt_entry> entries_in_buckets(std::span<const uint32_t> buckets) const;

  /// Returns the entries in every bucket where `remote` differs from this
  /// map's summary; the reply to a peer's summary in push-pull.
  std::vector<crdt_entry> entries_differing_from(const crdt_summary& remote) const;

  /// Returns a SHA-256 over all entries in key order: equal on two replicas
  /// exactly when they hold the same entries.
  sha256_digest digest() const;

private:
  expected<crdt_entry> write(crdt_entry x, uint64_t min_version);

  container entries_;
  crdt_summary summary_;
  uint64_t clock_ = 0;
  size_t live_count_ = 0;
};

} // namespace swarm::membership
