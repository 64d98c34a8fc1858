#pragma once

// The on-disk format of round_store's files, shared by its writer
// (round_store.cpp) and its reader (round_store_load.cpp).

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>

#include "swarm/common/error.hpp"
#include "swarm/common/sha256.hpp"

namespace swarm::sl::store_format {

constexpr uint32_t record_magic = 0x53575253; // "SWRS"
constexpr uint32_t model_magic = 0x53574d56;  // "SWMV"
constexpr uint32_t format_version = 1;

// Precedes a record's payload (a SavedRoundState).
struct record_header {
  uint32_t magic = record_magic;
  uint32_t version = format_version;
  uint64_t sequence = 0;
  uint32_t length = 0;
  uint32_t reserved = 0;
  sha256_digest checksum{};
};

// Precedes a model slot's values.
struct model_header {
  uint32_t magic = model_magic;
  uint32_t version = format_version;
  uint64_t count = 0;
  sha256_digest digest{};
};

inline error io_error(const std::filesystem::path& path, const std::string& what) {
  return make_error(errc::io_error, what + " " + path.string() + ": " + std::strerror(errno));
}

} // namespace swarm::sl::store_format
