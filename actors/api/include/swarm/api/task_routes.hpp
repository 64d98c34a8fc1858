#pragma once

#include <chrono>
#include <memory>

#include "swarm/api/router.hpp"
#include "swarm/api/task_provider.hpp"

namespace swarm::api {

/// Tunables of the task routes.
struct task_route_options {
  /// How long a write waits for the node's thread before answering 503.
  std::chrono::milliseconds write_timeout{5000};
};

/// Adds the routes of docs/task-api.md to `routes`, answering from
/// `provider`: tasks (`/v1/tasks...`), taskrunners (`/v1/taskrunners...`)
/// and contracts (`GET /v1/contracts` listing contract records, the
/// default contract and contracts known only from round records; `POST
/// /v1/contracts`; `/v1/contracts/{name}`, `/status`, `/perfdata`,
/// `/reset`). `GET /v1/contracts/{name}/rounds` stays with
/// `add_round_routes`. Fails only if a route is already registered.
status add_task_routes(router& routes, std::shared_ptr<task_provider> provider,
                       task_route_options opts = {});

} // namespace swarm::api
