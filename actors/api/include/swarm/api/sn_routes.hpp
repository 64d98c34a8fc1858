#pragma once

#include <memory>

#include "swarm/api/provider.hpp"
#include "swarm/api/round_routes.hpp"
#include "swarm/api/router.hpp"

namespace swarm::api {

/// Adds the SN's routes to `routes`, answering from `provider`:
///
/// - `GET /v1/health`: `health_info` as JSON (200, or 503 while starting);
/// - `GET /v1/nodes`: the node registry, `{"nodes": [...]}` (see `node_view`);
/// - `GET /metrics`: Prometheus text, `prometheus_content_type`;
/// - the routes of `add_task_routes` (tasks, taskrunners, contracts) if
///   `provider` also implements `task_provider`, and those of
///   `add_round_routes` (`/v1/contracts...`) if it implements
///   `round_provider`, as the SN's does, so the launcher wires every SN
///   route with this one call.
///
/// Fails only if one of these routes is already registered.
status add_sn_routes(router& routes, std::shared_ptr<api_provider> provider);

} // namespace swarm::api
