#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "swarm/common/error.hpp"
#include "swarm/membership/state_bytes.hpp"

namespace swarm::membership {

/// The training contract SL nodes use by default.
inline constexpr std::string_view default_contract = "defaultbb.cqdb.sml.hpe";

/// A training contract created by CREATE CONTRACT (permanent: never
/// deleted) and reset by RESET CONTRACT. Round records of the contract
/// committed before `reset_ms` no longer count.
struct contract_record {
  /// The map that holds contracts.
  static constexpr std::string_view map_name = "contracts";

  /// Encoding version written by `encode`.
  static constexpr uint8_t format_version = 1;

  /// Contract name (`is_valid_object_name`).
  std::string name;
  /// When it was created, ms since the Unix epoch.
  uint64_t created_ms = 0;
  /// How many times it was reset.
  uint64_t resets = 0;
  /// When it was last reset, ms since the Unix epoch; 0 if never.
  uint64_t reset_ms = 0;

  /// Returns the key: the name.
  std::string key() const {
    return name;
  }

  /// Checks the limits `decode` enforces.
  status check() const;

  /// Appends the encoding (version byte, then the fields in order).
  void encode(byte_writer& out) const;

  /// Decodes untrusted bytes.
  static expected<contract_record> decode(std::span<const std::byte> bytes);

  /// Field-wise equality.
  friend bool operator==(const contract_record&, const contract_record&) = default;
};

} // namespace swarm::membership
