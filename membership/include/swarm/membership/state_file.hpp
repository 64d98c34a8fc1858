#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>

#include "swarm/common/error.hpp"
#include "swarm/membership/state_bytes.hpp"
#include "swarm/membership/state_swarm.hpp"

namespace swarm::membership {

/// Name of the state snapshot inside `--data-dir`.
inline constexpr std::string_view state_file_name = "state.bin";

/// The first 8 bytes of a state file.
inline constexpr std::array<char, 8> state_file_magic{'S', 'W', 'R', 'M', 'S', 'T', 'A', 'T'};

/// The format version `encode_state` writes and `parse_state` reads.
inline constexpr uint32_t state_file_version = 1;

/// Largest state file `load_state` reads.
inline constexpr uint64_t state_file_max_bytes = uint64_t{1} << 30;

/// Serializes `x` as a state file image:
///   magic (8 bytes) | u32 version | u64 body size | body | SHA-256 (32 bytes)
/// all little-endian, the digest covering everything before it. The body is a
/// varint map count, then per map: name, varint clock, varint entry count and
/// the entries (`encode_entry`) in key order.
byte_buffer encode_state(const swarm_state& x);

/// Parses a state file image held in memory. Checks the magic, version, size
/// and checksum before looking at the body, then every map name, key order
/// and record value. On any error nothing is returned, so a state is never
/// half-loaded. `name` (the file) prefixes every error. Safe on any input.
expected<swarm_state> parse_state(std::span<const std::byte> bytes,
                                  std::string_view name = "<memory>");

/// Writes `x` to `dir`/state.bin atomically (the old snapshot stays intact if
/// anything fails), creating `dir` if needed. The file is private (0600).
status save_state(const std::filesystem::path& dir, const swarm_state& x);

/// Loads `dir`/state.bin. Returns an empty state if the file does not exist
/// (a first start); an error naming the file if it cannot be read or is
/// corrupt, in which case the caller should refuse to start rather than
/// silently begin from scratch.
expected<swarm_state> load_state(const std::filesystem::path& dir);

} // namespace swarm::membership
