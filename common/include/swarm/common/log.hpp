#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

#include "swarm/common/error.hpp"

/// Logging in HPE Swarm Learning's line format:
/// `YYYY-mm-dd HH:MM:SS,mmm : <component> : <LEVEL> : <message>`.
namespace swarm::log {

/// Environment variable that sets the level when no flag does.
inline constexpr const char* level_env_var = "SWARM_LOG_LEVEL";

/// The spdlog pattern that produces HPE's line format (`%*` is our level).
inline constexpr const char* line_pattern = "%Y-%m-%d %H:%M:%S,%e : %n : %* : %v";

/// Parses a level name (DEBUG, INFO, WARNING, WARN, ERROR, CRITICAL, TRACE,
/// OFF; any case).
expected<spdlog::level::level_enum> parse_level(std::string_view name);

/// Returns HPE's upper-case name for `level` ("WARNING", not "warn").
std::string_view level_name(spdlog::level::level_enum level);

/// Sets the level of every logger: `flag_value` if given, else
/// `$SWARM_LOG_LEVEL`, else INFO. Returns an error for an unknown name.
status init(std::optional<std::string_view> flag_value = std::nullopt);

/// Returns the logger for `component` (e.g. "swarm.SN"), creating it on
/// first use with HPE's line format on stdout.
std::shared_ptr<spdlog::logger> get(std::string_view component);

/// Returns a logger that writes HPE-format lines into `sink`; for tests.
std::shared_ptr<spdlog::logger> make(std::string_view component, spdlog::sink_ptr sink);

} // namespace swarm::log
