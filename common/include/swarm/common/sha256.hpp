#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

#include "swarm/common/error.hpp"

namespace swarm {

/// A SHA-256 digest.
using sha256_digest = std::array<uint8_t, 32>;

/// Incremental SHA-256 (OpenSSL underneath, SHA-NI where the CPU has it).
class sha256 {
public:
  sha256();
  ~sha256();
  sha256(const sha256&) = delete;
  sha256& operator=(const sha256&) = delete;

  /// Feeds `bytes` into the digest.
  void update(std::span<const std::byte> bytes);

  /// Feeds `size` bytes at `data` into the digest.
  void update(const void* data, size_t size);

  /// Returns the digest; the object must not be updated afterwards.
  sha256_digest finish();

private:
  void* ctx_;
};

/// Returns the lower-case hex form of `digest`.
std::string to_hex(const sha256_digest& digest);

/// Returns the digest of `size` bytes at `data`.
sha256_digest sha256_of(const void* data, size_t size);

/// Returns the digest of the file at `path`, read in chunks.
expected<sha256_digest> sha256_of_file(const std::filesystem::path& path);

} // namespace swarm
