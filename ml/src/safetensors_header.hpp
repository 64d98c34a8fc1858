#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "swarm/common/error.hpp"
#include "swarm/ml/safetensors.hpp"

namespace swarm::ml::detail {

/// One tensor as the JSON header of a safetensors file describes it.
struct safetensors_entry {
  std::string name;
  std::vector<int64_t> shape;
  /// Byte range in the data section; its length already matches the shape.
  uint64_t begin = 0;
  uint64_t end = 0;
};

/// The decoded JSON header of a safetensors file.
struct safetensors_header {
  std::vector<safetensors_entry> entries;
  safetensors_metadata metadata;
};

/// Decodes the JSON header `text` (spaces after the object allowed) and
/// checks every entry on its own: F32 only, non-negative integer shapes,
/// offsets whose span matches the shape. How the entries fit together in the
/// data section is for the caller to check. `name` prefixes error messages.
expected<safetensors_header> parse_safetensors_header(std::string_view text,
                                                      std::string_view name);

/// Formats a shape as "[784, 512]".
std::string shape_string(const std::vector<int64_t>& shape);

} // namespace swarm::ml::detail
