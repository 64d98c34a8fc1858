#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "swarm/common/error.hpp"
#include "swarm/common/sha256.hpp"
#include "swarm/membership/state_bytes.hpp"

namespace swarm::membership {

/// Longest contract, leader, merge method or participant name a round
/// record accepts.
inline constexpr size_t round_record_max_text_bytes = 255;

/// Most participants one round record holds.
inline constexpr size_t round_record_max_participants = 1024;

/// What one SL node brought to a merge round.
struct round_participant {
  /// SL node name.
  std::string name;
  /// Merge weight (from `nodeWeightage` and sample counts); finite, >= 0.
  double weight = 0.0;
  /// Training samples behind its parameters.
  uint64_t samples = 0;
  /// Its training loss at the sync point (NaN if it reported none).
  float loss = 0.0f;
  /// Its validation metric at the sync point (NaN if it reported none).
  float metric = 0.0f;
  /// Epochs it has finished.
  uint32_t epochs_done = 0;
  /// Epochs it trains in all (`totalEpochs`).
  uint32_t total_epochs = 0;
  /// Whether it has finished its epochs.
  bool done = false;

  /// Field-wise equality (bit patterns aside: NaN losses compare unequal).
  friend bool operator==(const round_participant&, const round_participant&) = default;
};

/// One committed merge round of a training contract, written by the
/// round's leader and stored under `key()`. Each record carries the hash of
/// its predecessor, so a contract's rounds form a tamper-evident chain.
struct round_record {
  /// The map that holds round records.
  static constexpr std::string_view map_name = "rounds";

  /// Encoding version written by `encode`.
  static constexpr uint8_t format_version = 1;

  /// Training contract name; non-empty, at most 255 bytes.
  std::string contract;
  /// Round number, from 1.
  uint64_t round = 0;
  /// Election term of the leader that committed the round.
  uint64_t term = 0;
  /// The leader's node name.
  std::string leader;
  /// How the parameters were merged, e.g. "mean".
  std::string merge_method;
  /// Who took part; non-empty, names unique, at most 1024.
  std::vector<round_participant> participants;
  /// Digest of the merged model.
  sha256_digest merged_digest{};
  /// `record_hash` of round `round - 1`'s record; all zero for round 1.
  sha256_digest prev_hash{};
  /// Whether this is the last round of the contract's training.
  bool final = false;
  /// When the leader committed it, in milliseconds since the Unix epoch.
  uint64_t committed_ms = 0;

  /// Returns the key this record is stored under: the contract, "/", and
  /// the round as 20 zero-padded decimal digits, so keys sort by round.
  std::string key() const;

  /// Checks the rules `decode` enforces (non-empty names within limits,
  /// round >= 1, finite non-negative weights, 1..1024 participants with
  /// unique names). Writers call it before `put`, since peers reject a
  /// gossip batch holding an invalid record as a whole.
  status check() const;

  /// Appends the encoding: version byte, then the fields in declaration
  /// order (strings varint-prefixed, integers varints, floats and doubles
  /// their IEEE bits little-endian, digests 32 raw bytes, bools one byte).
  void encode(byte_writer& out) const;

  /// Decodes untrusted bytes; rejects truncation, trailing bytes, bools
  /// other than 0 or 1, and whatever `check` rejects. Accepts a newer format
  /// version's extra trailing fields.
  static expected<round_record> decode(std::span<const std::byte> bytes);

  /// Field-wise equality.
  friend bool operator==(const round_record&, const round_record&) = default;
};

/// Returns the SHA-256 of `x`'s encoding: the link the next round's
/// `prev_hash` carries. A later format version must keep hashing the
/// fields of this one the same way, or mixed-version chains break.
sha256_digest record_hash(const round_record& x);

/// Verifies the hash chain of `ordered`: records sorted by contract, then by
/// strictly ascending round (as `key()` order gives within one contract).
/// Round 1 must have an all-zero `prev_hash`, and each record whose
/// predecessor round is present must carry that record's `record_hash`;
/// gaps (rounds not received yet) are not errors. Fails with
/// `checksum_mismatch` naming the contract and round of the first bad link,
/// or `invalid_argument` if the input is out of order.
status check_chain(std::span<const round_record> ordered);

} // namespace swarm::membership
