#pragma once

#include <cstddef>
#include <filesystem>
#include <vector>

#include "swarm/common/error.hpp"

namespace swarm::ml::detail {

/// Reads the regular file at `path` into memory in one piece, refusing files
/// larger than `max_bytes` before allocating. Errors name the file.
expected<std::vector<std::byte>> read_file_bytes(const std::filesystem::path& path,
                                                 size_t max_bytes);

} // namespace swarm::ml::detail
