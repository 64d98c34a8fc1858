#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "swarm/membership/crdt_entry.hpp"

namespace swarm::membership {

/// Number of buckets a map's keys are hashed into for anti-entropy.
inline constexpr size_t crdt_summary_buckets = 64;

/// A compact fingerprint of one map for push-pull anti-entropy: keys are
/// hashed into buckets, and each bucket holds the XOR of a 64-bit hash of
/// every entry in it (tombstones included). Two replicas holding the same
/// entries in a bucket have the same fingerprint there; a difference points
/// at the few keys to exchange.
///
/// Why not a per-writer max-version vector: gossip delivers a writer's updates
/// out of order and drops some, so "I have writer W up to version 10" does not
/// imply having W's version 5, and a delta computed from it would miss it
/// forever. Bucket fingerprints compare contents, so they cannot miss.
struct crdt_summary {
  /// One fingerprint per bucket; 0 for an empty bucket.
  std::array<uint64_t, crdt_summary_buckets> buckets{};

  /// Equal fingerprints in every bucket.
  friend bool operator==(const crdt_summary&, const crdt_summary&) = default;
};

/// Returns the bucket that `key` falls into (FNV-1a, stable across builds).
size_t crdt_bucket_of(std::string_view key) noexcept;

/// Returns the 64-bit fingerprint of `x` (truncated SHA-256 of its wire form)
/// that is XORed into its bucket.
uint64_t crdt_fingerprint(const crdt_entry& x);

/// Returns the indexes of the buckets in which `a` and `b` differ, ascending.
std::vector<uint32_t> differing_buckets(const crdt_summary& a, const crdt_summary& b);

/// Appends `x` as 64 little-endian u64 fingerprints (512 bytes).
void encode_summary(byte_writer& out, const crdt_summary& x);

/// Reads a summary written by `encode_summary`; safe on untrusted input.
expected<crdt_summary> decode_summary(byte_reader& in, std::string_view context);

} // namespace swarm::membership
