#include "swarm/merge/round_config.hpp"

#include <charconv>
#include <cmath>

namespace swarm::merge {

namespace {

expected<int64_t> seconds_to_ms(const char* name, const std::string& text) {
  double seconds = 0.0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(seconds)
      || seconds < 0.0 || seconds > 86'400.0)
    return make_error(errc::invalid_config,
                      std::string{name} + ": expected seconds between 0 and 86400, got '" + text
                        + "'");
  return static_cast<int64_t>(std::llround(seconds * 1000.0));
}

expected<bool> flag(const char* name, const std::string& text) {
  if (text == "True" || text == "true" || text == "TRUE" || text == "1")
    return true;
  if (text == "False" || text == "false" || text == "FALSE" || text == "0")
    return false;
  return make_error(errc::invalid_config,
                    std::string{name} + ": expected True or False, got '" + text + "'");
}

} // namespace

status apply_environment(round_config& cfg,
                         const std::function<std::optional<std::string>(const char*)>& getenv) {
  if (auto x = getenv("SL_WAIT_FOR_FULL_QUORUM_SECONDS")) {
    auto ms = seconds_to_ms("SL_WAIT_FOR_FULL_QUORUM_SECONDS", *x);
    if (!ms)
      return ms.error();
    cfg.full_quorum_wait_ms = *ms;
  }
  if (auto x = getenv("SL_LEADER_FAILURE_BASE_TIMEOUT")) {
    auto ms = seconds_to_ms("SL_LEADER_FAILURE_BASE_TIMEOUT", *x);
    if (!ms)
      return ms.error();
    if (*ms < 100)
      return make_error(errc::invalid_config,
                        "SL_LEADER_FAILURE_BASE_TIMEOUT: at least 0.1 seconds, got '" + *x + "'");
    cfg.leader_timeout_ms = *ms;
    // A leader must speak several times within the timeout.
    cfg.heartbeat_interval_ms = std::max<int64_t>(20, *ms / 5);
  }
  if (auto x = getenv("SL_STALL_WARNING_SECONDS")) {
    auto ms = seconds_to_ms("SL_STALL_WARNING_SECONDS", *x);
    if (!ms)
      return ms.error();
    cfg.stall_warning_after_ms = *ms;
  }
  for (auto [name, out] : {std::pair{"SL_MAKE_ME_ADMIN", &cfg.eligible},
                            std::pair{"SL_FSYNC_ROUND_STATE", &cfg.fsync_round_state}}) {
    if (auto x = getenv(name)) {
      auto on = flag(name, *x);
      if (!on)
        return on.error();
      *out = *on;
    }
  }
  return {};
}

} // namespace swarm::merge
