#pragma once

// Field checks and readers shared by the task, taskrunner and contract
// records (private to the membership module).

#include <cstdint>
#include <string>
#include <string_view>

#include "swarm/common/error.hpp"
#include "swarm/membership/state_bytes.hpp"

namespace swarm::membership::detail {

/// Returns the first 64 bytes of `name`: names in messages may come from the
/// network, so they are shortened.
inline std::string shown(std::string_view name) {
  return std::string{name.substr(0, 64)};
}

/// Checks that `name` is a valid object name; `what` is "task", "taskrunner"...
status check_name(std::string_view what, std::string_view name);

/// Checks that `text` holds at most `max` bytes and no line break (texts are
/// shown on one line and some end up in YAML).
status check_text(std::string_view where, std::string_view what, std::string_view text,
                  size_t max);

/// Reads one byte that must be 0 or 1.
bool read_bool(byte_reader& in, std::string_view what);

/// Reads a varint that must fit 32 bits.
uint32_t read_u32(byte_reader& in, std::string_view what);

/// Reads the version byte, failing on version 0.
uint8_t read_version(byte_reader& in);

/// Finishes a decode: trailing bytes (unless a newer version wrote them),
/// then `check_result`, then the reader's verdict with `context`.
status finish_decode(byte_reader& in, uint8_t version, uint8_t known_version,
                     const status& check_result, std::string_view context);

} // namespace swarm::membership::detail
