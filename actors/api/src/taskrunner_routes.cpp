// The taskrunner routes of docs/task-api.md: CREATE TASKRUNNER, ASSIGN
// TASK, RESET TASKRUNNER, LIST TASKRUNNERS, GET TASKRUNNER INFO / STATUS,
// LIST TASKRUNNER PEERS.

#include "swarm/membership/taskrunner_ops.hpp"
#include "task_support.hpp"

namespace swarm::api::detail {

namespace {

using namespace membership;

// Parses the body of POST /v1/taskrunners/{name}/assign.
std::variant<assign_request, response> assign_of(const request& req) {
  auto parsed = parse_object(req);
  if (auto* r = std::get_if<response>(&parsed))
    return std::move(*r);
  const auto& body = std::get<nlohmann::json>(parsed);
  assign_request x;
  x.taskrunner = std::string{req.param("name")};
  auto task = string_field(body, "task", true);
  auto target = string_field(body, "target", false);
  if (auto* r = std::get_if<response>(&task))
    return std::move(*r);
  if (auto* r = std::get_if<response>(&target))
    return std::move(*r);
  x.task = std::get<std::string>(std::move(task));
  x.target = std::get<std::string>(std::move(target));
  if (auto i = body.find("peers"); i != body.end() && !i->is_null()) {
    if (!i->is_number_unsigned() || i->get<uint64_t>() == 0 || i->get<uint64_t>() > 1'000'000)
      return response::error(400, "field 'peers' must be a number from 1 to 1000000");
    x.peers = static_cast<uint32_t>(i->get<uint64_t>());
  }
  if (auto i = body.find("all"); i != body.end() && !i->is_null()) {
    if (!i->is_boolean())
      return response::error(400, "field 'all' must be true or false");
    x.all_peers = i->get<bool>();
  }
  return x;
}

response create(task_provider& provider, const request& req, task_route_options opts) {
  auto parsed = parse_object(req);
  if (auto* r = std::get_if<response>(&parsed))
    return std::move(*r);
  auto name = string_field(std::get<nlohmann::json>(parsed), "name", true);
  if (auto* r = std::get_if<response>(&name))
    return std::move(*r);
  auto change = [name = std::get<std::string>(std::move(name))](write_context& ctx) {
    auto x = create_taskrunner(ctx.state, name, ctx.now_ms);
    if (!x)
      return refusal(x.error());
    if (auto failed = write(ctx, *x))
      return *failed;
    return response::json(runner_json(ctx.state, *x), 201);
  };
  return run_change(provider, std::move(change), opts.write_timeout);
}

response assign(task_provider& provider, const request& req, task_route_options opts) {
  auto parsed = assign_of(req);
  if (auto* r = std::get_if<response>(&parsed))
    return std::move(*r);
  auto change = [x = std::get<assign_request>(std::move(parsed))](write_context& ctx) {
    auto runner = assign_task(ctx.state, x, ctx.now_ms, liveness_in(ctx.state, ctx.now_ms));
    if (!runner)
      return refusal(runner.error());
    if (auto failed = write(ctx, *runner))
      return *failed;
    return response::json(runner_json(ctx.state, *runner));
  };
  return run_change(provider, std::move(change), opts.write_timeout);
}

response reset(task_provider& provider, const request& req, task_route_options opts) {
  auto change = [name = std::string{req.param("name")}](write_context& ctx) {
    auto runner = reset_taskrunner(ctx.state, name, ctx.now_ms);
    if (!runner)
      return refusal(runner.error());
    if (auto failed = write(ctx, *runner))
      return *failed;
    return response::json(runner_json(ctx.state, *runner));
  };
  return run_change(provider, std::move(change), opts.write_timeout);
}

} // namespace

status add_taskrunner_routes(router& routes, std::shared_ptr<task_provider> p,
                             task_route_options opts) {
  auto st = routes.get("/v1/taskrunners", [p](const request&) {
    auto state = p->state_snapshot();
    auto rows = nlohmann::json::array();
    for (const auto& x : list_taskrunners(*state))
      rows.push_back(runner_json(*state, x));
    return response::json({{"taskrunners", std::move(rows)}});
  });
  if (st)
    st = routes.get("/v1/taskrunners/{name}", [p](const request& req) {
      auto state = p->state_snapshot();
      auto x = find_taskrunner(*state, req.param("name"));
      return x ? response::json(runner_json(*state, *x)) : refusal(x.error());
    });
  if (st)
    st = routes.get("/v1/taskrunners/{name}/peers", [p](const request& req) {
      auto state = p->state_snapshot();
      auto x = find_taskrunner(*state, req.param("name"));
      return x ? response::json(peers_json(*state, x->name)) : refusal(x.error());
    });
  if (st)
    st = routes.add(http_method::post, "/v1/taskrunners",
                    [p, opts](const request& req) { return create(*p, req, opts); });
  if (st)
    st = routes.add(http_method::post, "/v1/taskrunners/{name}/assign",
                    [p, opts](const request& req) { return assign(*p, req, opts); });
  if (st)
    st = routes.add(http_method::post, "/v1/taskrunners/{name}/reset",
                    [p, opts](const request& req) { return reset(*p, req, opts); });
  return st;
}

} // namespace swarm::api::detail
