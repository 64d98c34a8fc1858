#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>
#include <vector>

#include "swarm/common/error.hpp"

namespace swarm::ml {

/// The two kinds of IDX file MNIST uses, named by their magic number
/// (0x0000 08 NN: unsigned bytes, NN dimensions).
enum class idx_kind : uint32_t {
  /// `idx1-ubyte`: one dimension, a vector of labels.
  labels = 2049,
  /// `idx3-ubyte`: three dimensions, count x rows x cols pixels.
  images = 2051,
};

/// Largest payload (bytes after the header) an IDX file may declare. A header
/// is only 16 bytes, so without a cap a corrupt or hostile one could make us
/// allocate gigabytes before noticing the file is short.
inline constexpr size_t idx_max_payload_bytes = size_t{1} << 30;

/// Largest expansion ratio of a deflate stream (a 258-byte match costs at
/// least two bits, plus block overhead). A gzip file whose header declares
/// more than this many times its compressed size is rejected before the
/// payload is allocated.
inline constexpr size_t idx_max_gzip_ratio = 1032;

/// The decoded content of one IDX file of unsigned bytes.
struct idx_data {
  /// What the magic number declared.
  idx_kind kind = idx_kind::labels;
  /// Dimensions from the header, outermost first: `{count}` for labels,
  /// `{count, rows, cols}` for images.
  std::vector<uint32_t> dims;
  /// The payload: the product of `dims` bytes, row-major.
  std::vector<uint8_t> values;

  /// Returns the number of items (the outermost dimension).
  size_t count() const {
    return dims.empty() ? 0 : dims.front();
  }
};

/// Returns the number of dimensions a file of `kind` has.
constexpr size_t idx_rank(idx_kind kind) {
  return kind == idx_kind::images ? 3 : 1;
}

/// Returns the size of the header of a file of `kind`: the magic number plus
/// one big-endian 32-bit integer per dimension.
constexpr size_t idx_header_size(idx_kind kind) {
  return 4 + 4 * idx_rank(kind);
}

/// Parses an IDX file held in memory. Gzip input is recognized by its magic
/// bytes (1f 8b) and decompressed, including concatenated members; anything
/// else is taken as a raw IDX file. Checks the magic number against `kind`,
/// that the payload is exactly as long as the header declares (no more, no
/// less) and that the gzip stream is intact (CRC and length trailer).
/// `name` prefixes every error message. Never throws; safe on any input.
expected<idx_data> parse_idx(std::span<const std::byte> bytes, idx_kind kind,
                             std::string_view name = "<memory>");

/// Reads and parses the IDX file at `path` (gzip or raw, see `parse_idx`).
/// Errors name the file.
expected<idx_data> read_idx(const std::filesystem::path& path, idx_kind kind);

} // namespace swarm::ml
