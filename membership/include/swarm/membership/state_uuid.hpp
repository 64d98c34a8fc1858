#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>

#include "swarm/common/error.hpp"

namespace swarm::membership {

/// A node's 128-bit identity (RFC 4122), the writer of replicated entries.
/// Ordered bytewise, which breaks ties between writes of equal version.
struct node_uuid {
  /// The 16 bytes in network order; all zero is the nil uuid ("no node").
  std::array<uint8_t, 16> bytes{};

  /// Returns whether this is the nil uuid.
  bool is_nil() const noexcept;

  /// Returns the canonical lower-case form "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx".
  std::string to_string() const;

  /// Compares bytewise.
  friend auto operator<=>(const node_uuid&, const node_uuid&) = default;
};

/// Prints the canonical form of `x` (for logs and test diagnostics).
std::ostream& operator<<(std::ostream& out, const node_uuid& x);

/// Builds a random (version 4) uuid from 16 random bytes, setting the version
/// and variant bits. Taking the bytes keeps this module free of a random
/// source: production passes bytes from the OS, tests pass fixed ones.
node_uuid make_uuid_v4(std::span<const std::byte, 16> random_bytes);

/// Parses the canonical 36-character form (either letter case).
expected<node_uuid> parse_uuid(std::string_view text);

} // namespace swarm::membership
