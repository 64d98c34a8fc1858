// The task routes of docs/task-api.md: CREATE TASK [FROM], APPEND TASK
// BODY, FINALIZE TASK, DELETE TASK, LIST TASKS, GET TASK INFO / BODY.

#include "swarm/api/task_routes.hpp"

#include "swarm/membership/task_ops.hpp"
#include "task_support.hpp"

namespace swarm::api {

namespace detail {

namespace {

using namespace membership;

// Builds the header (and body) of POST /v1/tasks from its JSON fields.
std::variant<task_record, response> task_of_fields(const nlohmann::json& body) {
  task_record x;
  for (auto [key, field] : {std::pair{"name", &x.name}, std::pair{"type", &x.type},
                            std::pair{"author", &x.author}, std::pair{"prereq", &x.prereq},
                            std::pair{"outcome", &x.outcome}}) {
    auto value = string_field(body, key, true);
    if (auto* r = std::get_if<response>(&value))
      return std::move(*r);
    *field = std::get<std::string>(std::move(value));
  }
  if (auto i = body.find("body"); i != body.end() && !i->is_null()) {
    if (!i->is_array())
      return response::error(400, "field 'body' must be an array of strings");
    for (const auto& line : *i) {
      if (!line.is_string())
        return response::error(400, "field 'body' must be an array of strings");
      x.body.push_back(line.get<std::string>());
    }
  }
  return x;
}

// Parses POST /v1/tasks: either {"yaml", "source"} or the fields.
std::variant<task_record, response> task_of_request(const request& req) {
  auto parsed = parse_object(req);
  if (auto* r = std::get_if<response>(&parsed))
    return std::move(*r);
  const auto& body = std::get<nlohmann::json>(parsed);
  if (!body.contains("yaml"))
    return task_of_fields(body);
  auto yaml = string_field(body, "yaml", true);
  auto source = string_field(body, "source", false, "task.yaml");
  if (auto* r = std::get_if<response>(&yaml))
    return std::move(*r);
  if (auto* r = std::get_if<response>(&source))
    return std::move(*r);
  // Splitting parses YAML: done here, off the node's thread.
  auto x = split_task_file(std::get<std::string>(yaml), std::get<std::string>(source));
  if (!x)
    return refusal(x.error());
  return std::move(*x);
}

response create(task_provider& provider, const request& req, task_route_options opts) {
  auto parsed = task_of_request(req);
  if (auto* r = std::get_if<response>(&parsed))
    return std::move(*r);
  auto change = [x = std::get<task_record>(std::move(parsed))](write_context& ctx) {
    auto task = create_task(ctx.state, x, ctx.now_ms);
    if (!task)
      return refusal(task.error());
    if (auto failed = write(ctx, *task))
      return *failed;
    return response::json(task_json(*task, true), 201);
  };
  return run_change(provider, std::move(change), opts.write_timeout);
}

response set_line(task_provider& provider, const request& req, task_route_options opts) {
  auto parsed = parse_object(req);
  if (auto* r = std::get_if<response>(&parsed))
    return std::move(*r);
  const auto& body = std::get<nlohmann::json>(parsed);
  auto index = body.find("index");
  if (index == body.end() || !index->is_number_unsigned())
    return response::error(400, "field 'index' must be a line number from 1");
  auto line = string_field(body, "line", true);
  if (auto* r = std::get_if<response>(&line))
    return std::move(*r);
  auto change = [name = std::string{req.param("name")}, i = index->get<uint64_t>(),
                 text = std::get<std::string>(std::move(line))](write_context& ctx) {
    auto task = set_task_body_line(ctx.state, name, i, text);
    if (!task)
      return refusal(task.error());
    if (auto failed = write(ctx, *task))
      return *failed;
    return response::json(task_json(*task, true));
  };
  return run_change(provider, std::move(change), opts.write_timeout);
}

response finalize(task_provider& provider, const request& req, task_route_options opts) {
  auto change = [name = std::string{req.param("name")}](write_context& ctx) {
    auto before = find_task(ctx.state, name);
    auto task = finalize_task(ctx.state, name);
    if (!task)
      return refusal(task.error());
    // Finalizing twice changes nothing and writes nothing.
    if (before && !before->finalized)
      if (auto failed = write(ctx, *task))
        return *failed;
    return response::json(task_json(*task, true));
  };
  return run_change(provider, std::move(change), opts.write_timeout);
}

response remove(task_provider& provider, const request& req, task_route_options opts) {
  auto change = [name = std::string{req.param("name")}](write_context& ctx) {
    auto key = delete_task(ctx.state, name);
    if (!key)
      return refusal(key.error());
    if (auto st = ctx.erase<task_record>(*key); !st)
      return response::error(500, "cannot delete task: " + st.error().message);
    return response::json({{"name", name}, {"deleted", true}});
  };
  return run_change(provider, std::move(change), opts.write_timeout);
}

} // namespace

status add_task_object_routes(router& routes, std::shared_ptr<task_provider> p,
                              task_route_options opts) {
  auto st = routes.get("/v1/tasks", [p](const request&) {
    auto rows = nlohmann::json::array();
    for (const auto& x : list_tasks(*p->state_snapshot()))
      rows.push_back(task_json(x, false));
    return response::json({{"tasks", std::move(rows)}});
  });
  if (st)
    st = routes.get("/v1/tasks/{name}", [p](const request& req) {
      auto x = find_task(*p->state_snapshot(), req.param("name"));
      return x ? response::json(task_json(*x, true)) : refusal(x.error());
    });
  if (st)
    st = routes.add(http_method::post, "/v1/tasks",
                    [p, opts](const request& req) { return create(*p, req, opts); });
  if (st)
    st = routes.add(http_method::post, "/v1/tasks/{name}/body",
                    [p, opts](const request& req) { return set_line(*p, req, opts); });
  if (st)
    st = routes.add(http_method::post, "/v1/tasks/{name}/finalize",
                    [p, opts](const request& req) { return finalize(*p, req, opts); });
  if (st)
    st = routes.add(http_method::del, "/v1/tasks/{name}",
                    [p, opts](const request& req) { return remove(*p, req, opts); });
  return st;
}

} // namespace detail

status add_task_routes(router& routes, std::shared_ptr<task_provider> provider,
                       task_route_options opts) {
  auto st = detail::add_task_object_routes(routes, provider, opts);
  if (st)
    st = detail::add_taskrunner_routes(routes, provider, opts);
  if (st)
    st = detail::add_contract_routes(routes, provider, opts);
  return st;
}

} // namespace swarm::api
