#include "swarm/common/log.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <mutex>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace swarm::log {

namespace {

/// Formats `%*` as HPE's upper-case level name.
class level_flag : public spdlog::custom_flag_formatter {
public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    auto name = level_name(msg.level);
    dest.append(name.data(), name.data() + name.size());
  }

  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<level_flag>();
  }
};

std::unique_ptr<spdlog::formatter> make_formatter() {
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<level_flag>('*').set_pattern(line_pattern);
  return formatter;
}

std::mutex creation_mutex;

} // namespace

expected<spdlog::level::level_enum> parse_level(std::string_view name) {
  std::string upper(name);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return std::toupper(c); });
  using spdlog::level::level_enum;
  if (upper == "TRACE")
    return level_enum::trace;
  if (upper == "DEBUG")
    return level_enum::debug;
  if (upper == "INFO")
    return level_enum::info;
  if (upper == "WARNING" || upper == "WARN")
    return level_enum::warn;
  if (upper == "ERROR")
    return level_enum::err;
  if (upper == "CRITICAL")
    return level_enum::critical;
  if (upper == "OFF")
    return level_enum::off;
  return make_error(errc::invalid_argument,
                    "unknown log level '" + std::string(name)
                      + "' (expected DEBUG, INFO, WARNING, ERROR, CRITICAL, "
                        "TRACE or OFF)");
}

std::string_view level_name(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
      return "TRACE";
    case spdlog::level::debug:
      return "DEBUG";
    case spdlog::level::info:
      return "INFO";
    case spdlog::level::warn:
      return "WARNING";
    case spdlog::level::err:
      return "ERROR";
    case spdlog::level::critical:
      return "CRITICAL";
    default:
      return "OFF";
  }
}

status init(std::optional<std::string_view> flag_value) {
  std::string_view name = "INFO";
  std::string source = "default";
  if (flag_value) {
    name = *flag_value;
    source = "--log-level";
  } else if (const char* env = std::getenv(level_env_var); env && *env) {
    name = env;
    source = level_env_var;
  }
  auto level = parse_level(name);
  if (!level)
    return make_error(errc::invalid_argument,
                      source + ": " + level.error().message);
  spdlog::set_level(*level);
  return status::ok();
}

std::shared_ptr<spdlog::logger> make(std::string_view component,
                                     spdlog::sink_ptr sink) {
  auto logger = std::make_shared<spdlog::logger>(std::string(component),
                                                 std::move(sink));
  logger->set_formatter(make_formatter());
  logger->set_level(spdlog::get_level());
  return logger;
}

std::shared_ptr<spdlog::logger> get(std::string_view component) {
  std::lock_guard<std::mutex> guard{creation_mutex};
  auto name = std::string(component);
  if (auto existing = spdlog::get(name))
    return existing;
  auto logger = make(name, std::make_shared<spdlog::sinks::stdout_sink_mt>());
  // flush_on: logs must not be lost when a child process is killed.
  logger->flush_on(spdlog::level::trace);
  spdlog::register_logger(logger);
  return logger;
}

} // namespace swarm::log
