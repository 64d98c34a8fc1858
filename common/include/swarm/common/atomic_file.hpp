#pragma once

#include <filesystem>
#include <functional>
#include <span>

#include "swarm/common/error.hpp"

namespace swarm {

/// Appends bytes to a file being written; returns false on a write error.
using byte_sink = std::function<bool(const void* data, size_t size)>;

/// Writes a file so that readers see either the old content or the complete
/// new content, never a mix: the bytes go to a temporary file in the same
/// directory, which is fsynced, renamed over `path`, and the directory fsynced.
/// `write` receives a sink and returns false to abort. On any failure the
/// temporary file is removed and `path` is left untouched. New files get
/// permissions `mode` (e.g. 0600 for keys).
status write_file_atomically(const std::filesystem::path& path,
                             const std::function<bool(const byte_sink&)>& write,
                             unsigned mode = 0644);

/// Convenience overload for a buffer already in memory.
status write_file_atomically(const std::filesystem::path& path,
                             std::span<const std::byte> bytes,
                             unsigned mode = 0644);

} // namespace swarm
