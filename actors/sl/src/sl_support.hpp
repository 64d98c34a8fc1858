#pragma once
// What the SL's source files share: its logger and Status values.

#include <memory>
#include <string>

#include <spdlog/spdlog.h>

#include "swarm/common/log.hpp"
#include "swarm/mlsl/frame.hpp"

namespace swarm::sl {

/// The "swarm.SL" logger.
inline std::shared_ptr<spdlog::logger> sl_logger() {
  static auto result = log::get("swarm.SL");
  return result;
}

/// Returns a Status of `code` with `message`.
inline mlsl::Status status_of(mlsl::Status::Code code, const std::string& message) {
  mlsl::Status result;
  result.set_code(code);
  result.set_message(message);
  return result;
}

} // namespace swarm::sl
