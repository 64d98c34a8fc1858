#pragma once

// Helpers shared by the task, taskrunner and contract routes (private to
// the api module): request bodies, refusals, writes through the node
// thread, and the JSON shapes of docs/task-api.md.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "swarm/api/task_provider.hpp"
#include "swarm/api/task_routes.hpp"
#include "swarm/membership/contract_ops.hpp"
#include "swarm/membership/object_ops.hpp"
#include "swarm/membership/state_task_record.hpp"
#include "swarm/membership/taskrunner_status.hpp"

namespace swarm::api::detail {

/// A request body parsed as a JSON object, or the 400 to answer.
using json_body = std::variant<nlohmann::json, response>;

/// Parses `req.body` as a JSON object; an empty body is `{}`.
json_body parse_object(const request& req);

/// Reads string field `key` of `body`: its value, `fallback` if absent and
/// not `required`, or a 400 response.
std::variant<std::string, response> string_field(const nlohmann::json& body,
                                                 std::string_view key, bool required,
                                                 std::string fallback = {});

/// Returns the response for a refused operation: 400, 404 or 409.
response refusal(const membership::op_error& x);

/// Runs `change` through `provider` and waits up to `timeout`; 503 if the
/// node did not answer in time.
response run_change(task_provider& provider, state_change change,
                    std::chrono::milliseconds timeout);

/// Writes `record` in `ctx`, or answers 500 if the state refused it.
template <class T>
std::optional<response> write(write_context& ctx, const T& record) {
  if (auto st = ctx.put(record); !st)
    return response::error(500, "cannot write " + record.key().substr(0, 64) + ": "
                                  + st.error().message);
  return std::nullopt;
}

/// Returns the task summary of docs/task-api.md, with "body" if `with_body`.
nlohmann::json task_json(const membership::task_record& x, bool with_body);

/// Returns the taskrunner info of docs/task-api.md.
nlohmann::json runner_json(const membership::swarm_state& state,
                           const membership::taskrunner_record& x);

/// Returns `{"peers": [...]}` of taskrunner `name`, in index order.
nlohmann::json peers_json(const membership::swarm_state& state, std::string_view name);

/// Returns the contract info of docs/task-api.md.
nlohmann::json contract_json(const membership::contract_info& x);

/// Returns the contract status of docs/task-api.md.
nlohmann::json contract_status_json(const membership::contract_info& x);

/// Returns the perfdata of docs/task-api.md.
nlohmann::json perfdata_json(std::string_view name,
                             const std::vector<membership::perf_row>& rows);

/// Adds the `/v1/tasks` routes.
status add_task_object_routes(router& routes, std::shared_ptr<task_provider> provider,
                              task_route_options opts);

/// Adds the `/v1/taskrunners` routes.
status add_taskrunner_routes(router& routes, std::shared_ptr<task_provider> provider,
                             task_route_options opts);

/// Adds the `/v1/contracts` routes but `/rounds`.
status add_contract_routes(router& routes, std::shared_ptr<task_provider> provider,
                           task_route_options opts);

} // namespace swarm::api::detail
