#include "swarm/api/sn_routes.hpp"

#include "swarm/api/metrics.hpp"
#include "swarm/api/task_routes.hpp"

namespace swarm::api {

status add_sn_routes(router& routes, std::shared_ptr<api_provider> provider) {
  auto st = routes.get("/v1/health", [provider](const request&) {
    auto info = provider->health();
    return response::json(to_json(info), info.ready ? 200 : 503);
  });
  if (!st)
    return st;
  st = routes.get("/v1/nodes",
                  [provider](const request&) { return response::json(to_json(provider->nodes())); });
  if (!st)
    return st;
  st = routes.get("/metrics", [provider](const request&) {
    return response::text(provider->metrics_text(), std::string(prometheus_content_type));
  });
  if (!st)
    return st;
  // The SN's provider serves tasks too; its contract list then comes from
  // the task routes, which know contract records besides round records.
  auto tasks = std::dynamic_pointer_cast<task_provider>(provider);
  if (tasks)
    if (st = add_task_routes(routes, tasks); !st)
      return st;
  if (auto rounds = std::dynamic_pointer_cast<round_provider>(provider))
    return add_round_routes(routes, std::move(rounds), tasks == nullptr);
  return status::ok();
}

} // namespace swarm::api
