#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "context.hpp"
#include "swarm/common/error.hpp"

namespace swarm::config::detail {

/// Parses `text` as exactly one YAML document whose top level is a mapping.
/// Reports a syntax error, an empty input, extra documents, a size over
/// `max_document_bytes` or a non-mapping top level to `ctx` and returns
/// nothing then. Never throws.
std::optional<field> load_document(context& ctx, std::string_view text);

/// Reads the file at `path`, refusing more than `max_document_bytes`.
expected<std::string> read_document(const std::filesystem::path& path);

} // namespace swarm::config::detail
