#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "swarm/common/error.hpp"
#include "swarm/ml/tensor.hpp"

namespace swarm::ml {

/// The free-form string map a safetensors header may carry under
/// "__metadata__" (e.g. {"format": "pt"}).
using safetensors_metadata = std::map<std::string, std::string>;

/// Largest JSON header we accept, as the reference implementation (100 MB).
inline constexpr size_t safetensors_max_header_bytes = 100'000'000;

/// Everything a safetensors file holds, with tensors owned.
struct safetensors_contents {
  /// The tensors, sorted by name.
  std::vector<tensor> tensors;
  /// The "__metadata__" map; empty when the file has none.
  safetensors_metadata metadata;
};

/// Serializes `tensors` and `metadata` to a safetensors image in memory, laid
/// out exactly as the reference implementation does for F32 tensors: an
/// 8-byte little-endian header length, a compact JSON header ("__metadata__"
/// first, then tensors sorted by name with dtype, shape and data_offsets)
/// padded with spaces to a multiple of 8 bytes, then the raw little-endian
/// data in the same order. Errors on duplicate, empty or reserved names,
/// names that are not UTF-8, negative dimensions, or null data.
expected<std::vector<std::byte>>
serialize_safetensors(std::span<const tensor_view> tensors,
                      const safetensors_metadata& metadata = {});

/// Writes `tensors` and `metadata` (see `serialize_safetensors`) to `path`
/// atomically: readers, and a crash at any point, leave either the old file
/// or the complete new one. Tensor data streams from the views to the file,
/// without an intermediate copy.
status save_safetensors(const std::filesystem::path& path,
                        std::span<const tensor_view> tensors,
                        const safetensors_metadata& metadata = {});

/// Parses a safetensors image held in memory, validating everything: header
/// length against the input size, the header as a JSON object with no
/// duplicate keys, dtype F32 only, shapes, offsets that tile the data section
/// exactly (contiguous from 0, no overlap, no gap, no trailing bytes), and
/// metadata values that are strings. `name` prefixes every error message.
/// Never throws; safe on any input.
expected<safetensors_contents> parse_safetensors(std::span<const std::byte> bytes,
                                                 std::string_view name = "<memory>");

/// Reads and parses the safetensors file at `path`, metadata included.
expected<safetensors_contents> read_safetensors(const std::filesystem::path& path);

/// Reads the tensors of the safetensors file at `path`, sorted by name.
expected<std::vector<tensor>> load_safetensors(const std::filesystem::path& path);

/// Copies `source` into the buffers of `targets` after checking that both
/// hold the same set of names with identical shapes; on any mismatch nothing
/// is written and the error names the tensor (and both shapes). `origin`
/// names the source in messages.
status copy_into(std::span<const tensor> source, std::span<tensor_view> targets,
                 std::string_view origin = "source");

/// Overwrites the buffers of `targets` in place with the tensors of the
/// safetensors file at `path` (see `copy_into`): every name must match one
/// tensor of the file with exactly the same shape, and vice versa.
status load_into(const std::filesystem::path& path, std::span<tensor_view> targets);

} // namespace swarm::ml
