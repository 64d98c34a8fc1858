#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "swarm/common/error.hpp"

namespace swarm::wire {

/// Why a message from the wire was rejected. Every rejection of this module
/// carries one, so callers (logs, metrics, tests) tell the cases apart
/// without parsing free text: the error message starts with its phrase.
enum class reject_reason : uint8_t {
  /// Larger than the receiver's limit; detected before parsing.
  oversized,
  /// Not a protobuf message of the expected type (including invalid UTF-8
  /// in a string field, which protobuf refuses in proto3).
  malformed,
  /// An envelope version this build does not read (unset, or newer).
  unsupported_version,
  /// No body set: an empty message, or one a newer sender added.
  empty_body,
  /// A string, byte field or repeated field exceeds its named limit.
  over_limit,
  /// A value outside its range: an unknown enum value, an empty required
  /// name, a control character in a name.
  invalid_value,
};

/// Returns the fixed phrase that starts every message of `x`, e.g.
/// "oversized message". No phrase is a prefix of another.
std::string_view to_string(reject_reason x);

/// Prints the phrase of `x`.
std::ostream& operator<<(std::ostream& out, reject_reason x);

/// Builds an error whose message is "<phrase>: <detail>".
swarm::error make_error(reject_reason x, std::string detail);

/// Returns the reason `err` carries, or nothing if it did not come from
/// this module.
std::optional<reject_reason> reject_reason_of(const swarm::error& err);

} // namespace swarm::wire
