#pragma once

#include <memory>

#include <spdlog/logger.h>

#include "swarm/api/metrics.hpp"
#include "swarm/api/router.hpp"

namespace httplib {
class Server;
} // namespace httplib

namespace swarm::api::detail {

/// Everything the HTTP layer needs besides the routes; kept by the server.
struct http_context {
  /// The routes; read-only while serving.
  const router* routes = nullptr;
  /// Logger of component "swarm.API".
  std::shared_ptr<spdlog::logger> log;
  /// `swarm_api_requests_total{code}`, or null.
  family<counter>* requests = nullptr;
  /// Largest accepted request body, for the 413 message.
  size_t max_body_bytes = 0;
};

/// Routes every request of `http` through `ctx.routes`, turns httplib's own
/// failures (bad request line, body too large, unsupported method) into the
/// API's JSON errors, and logs each request at DEBUG. `ctx` must outlive
/// `http`.
void install_handlers(httplib::Server& http, const http_context& ctx);

} // namespace swarm::api::detail
