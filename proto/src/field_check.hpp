#pragma once

// Field-level checks shared by the envelope and SWIM checks. Each names the
// field by its path ("swim.updates[3].node") so a rejection says exactly
// what was wrong.

#include <cstddef>
#include <string>
#include <string_view>

#include "swarm/common/error.hpp"

namespace swarm::wire::detail {

/// Fails with `over_limit` if `value` is longer than `max_bytes`.
status check_size(std::string_view path, std::string_view value, size_t max_bytes);

/// Fails with `over_limit` if a repeated field holds more than `max_count`.
status check_count(std::string_view path, size_t count, size_t max_count);

/// Checks an identifier that reaches logs and maps (node names, addresses):
/// at most `max_bytes`, printable ASCII without spaces, and non-empty
/// unless `may_be_empty`. Rejecting control characters keeps a peer from
/// forging log lines.
status check_token(std::string_view path, std::string_view value, size_t max_bytes,
                   bool may_be_empty);

/// Like `check_token`, but spaces are allowed (free text such as reasons).
status check_text(std::string_view path, std::string_view value, size_t max_bytes);

/// Fails with `invalid_value` unless `value <= max_value`.
status check_enum(std::string_view path, uint64_t value, uint64_t max_value);

/// Returns "<path>[<index>]".
std::string indexed(std::string_view path, size_t index);

} // namespace swarm::wire::detail
