#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "swarm/common/error.hpp"

namespace swarm::ml::detail {

/// Returns whether `bytes` starts with the gzip magic bytes 1f 8b.
bool is_gzip(std::span<const std::byte> bytes);

/// Decompresses a gzip stream held in memory, piece by piece, so callers can
/// decode a header before deciding how much memory the payload deserves.
/// Concatenated gzip members decode as one stream (as gzip(1) does); any
/// other data after the last member is an error.
class idx_gzip_reader {
public:
  /// Prepares to decompress `input`; `name` prefixes error messages.
  idx_gzip_reader(std::span<const std::byte> input, std::string_view name);
  ~idx_gzip_reader();
  idx_gzip_reader(const idx_gzip_reader&) = delete;
  idx_gzip_reader& operator=(const idx_gzip_reader&) = delete;

  /// Decompresses up to `size` bytes into `dst` and returns how many it
  /// produced: fewer than `size` only at the end of the data, either the
  /// real end or a cut-off stream (see `cut_off`). Corrupt data is an error.
  expected<size_t> read(void* dst, size_t size);

  /// Returns whether the compressed input ran out before the gzip trailer,
  /// i.e. the file is truncated.
  bool cut_off() const noexcept {
    return cut_off_;
  }

  /// Checks that nothing follows what was read so far: the stream must end
  /// cleanly with its CRC and length trailer verified, and decode to no
  /// further bytes. `declared` is only used in the message.
  status expect_end(size_t declared);

private:
  status on_stream_end();

  struct state;
  std::unique_ptr<state> st_;
  std::span<const std::byte> input_;
  size_t fed_ = 0;
  std::string name_;
  bool done_ = false;
  bool cut_off_ = false;
};

} // namespace swarm::ml::detail
