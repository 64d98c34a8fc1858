#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "swarm/common/error.hpp"
#include "swarm/membership/state_bytes.hpp"
#include "swarm/membership/state_uuid.hpp"

namespace swarm::membership {

/// Longest key a replicated map accepts (task names, "<runner>/<peer uuid>").
inline constexpr size_t crdt_max_key_bytes = 1024;

/// Largest value a replicated map accepts; round records of big contracts
/// are the largest values foreseen, far below this.
inline constexpr size_t crdt_max_value_bytes = 1 << 20;

/// Largest version accepted from anyone. Far above any real clock (a hybrid
/// clock reaches 2^62 in the year 2^62 / 2^16 ms = 70,000 AD), and it keeps
/// `version + 1` from overflowing, so a bogus peer cannot wedge the clocks.
inline constexpr uint64_t crdt_max_version = uint64_t{1} << 62;

/// Returns a hybrid-logical-clock floor for local writes: wall-clock
/// milliseconds in the upper 48 bits. Passing it to `crdt_map::put` makes a
/// node that restarted from an old snapshot still write above its own earlier,
/// unsaved writes (the Lamport counter alone would restart low).
constexpr uint64_t hlc_floor(uint64_t now_ms) noexcept {
  return now_ms << 16;
}

/// One key of a replicated map: its latest value (or a tombstone) stamped with
/// the version and writer that produced it.
struct crdt_entry {
  /// The key, unique within its map.
  std::string key;
  /// The serialized value; empty for a tombstone.
  byte_buffer value;
  /// Lamport (or hybrid) time of the write, 1 or more.
  uint64_t version = 0;
  /// The node that wrote it.
  node_uuid writer;
  /// Whether this entry records a delete.
  bool tombstone = false;

  /// Equal keys, stamps, flags and values.
  friend bool operator==(const crdt_entry&, const crdt_entry&) = default;
};

/// Returns whether `a` wins over `b` for the same key: higher version, then
/// higher writer, then tombstone over value, then larger value bytes. The
/// order is total over entry contents, so every replica picks the same winner
/// even in the corner case of one writer reusing a version after a crash.
bool supersedes(const crdt_entry& a, const crdt_entry& b) noexcept;

/// Checks the limits every entry must meet before entering a map: key length
/// 1..crdt_max_key_bytes, value size, version 1..crdt_max_version, non-nil
/// writer, and an empty value on tombstones.
status check_entry(const crdt_entry& x);

/// Appends the wire form of `x`: varint version, 16-byte writer, flags byte
/// (bit 0 = tombstone), key string, value blob.
void encode_entry(byte_writer& out, const crdt_entry& x);

/// Reads one entry written by `encode_entry` and checks it (`check_entry`).
/// Safe on untrusted input; `context` prefixes errors.
expected<crdt_entry> decode_entry(byte_reader& in, std::string_view context);

/// Smallest wire form of an entry (version, writer, flags, a 1-byte key, an
/// empty value); bounds untrusted entry counts.
inline constexpr size_t crdt_min_entry_bytes = 1 + 16 + 1 + 2 + 1;

} // namespace swarm::membership
