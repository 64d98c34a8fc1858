// The contract routes of docs/task-api.md: CREATE CONTRACT, GET CONTRACT
// INFO / STATUS, PERFDATA, RESET CONTRACT, LIST CONTRACTS.

#include "swarm/membership/contract_ops.hpp"
#include "task_support.hpp"

namespace swarm::api::detail {

namespace {

using namespace membership;

response create(task_provider& provider, const request& req, task_route_options opts) {
  auto parsed = parse_object(req);
  if (auto* r = std::get_if<response>(&parsed))
    return std::move(*r);
  auto name = string_field(std::get<nlohmann::json>(parsed), "name", true);
  if (auto* r = std::get_if<response>(&name))
    return std::move(*r);
  auto change = [name = std::get<std::string>(std::move(name))](write_context& ctx) {
    auto x = create_contract(ctx.state, name, ctx.now_ms);
    if (!x)
      return refusal(x.error());
    if (auto failed = write(ctx, *x))
      return *failed;
    return response::json(contract_json(*find_contract(ctx.state, name)), 201);
  };
  return run_change(provider, std::move(change), opts.write_timeout);
}

response reset(task_provider& provider, const request& req, task_route_options opts) {
  auto change = [name = std::string{req.param("name")}](write_context& ctx) {
    auto x = reset_contract(ctx.state, name, ctx.now_ms);
    if (!x)
      return refusal(x.error());
    if (auto failed = write(ctx, *x))
      return *failed;
    return response::json(contract_json(*find_contract(ctx.state, name)));
  };
  return run_change(provider, std::move(change), opts.write_timeout);
}

// Registers GET `pattern`, answering `render(info)` for contract {name}.
template <class F>
status get_contract(router& routes, std::shared_ptr<task_provider> p, std::string_view pattern,
                    F render) {
  return routes.get(pattern, [p, render](const request& req) {
    auto state = p->state_snapshot();
    auto x = find_contract(*state, req.param("name"));
    return x ? response::json(render(*state, *x)) : refusal(x.error());
  });
}

} // namespace

status add_contract_routes(router& routes, std::shared_ptr<task_provider> p,
                           task_route_options opts) {
  auto st = routes.get("/v1/contracts", [p](const request&) {
    auto rows = nlohmann::json::array();
    for (const auto& x : list_contracts(*p->state_snapshot()))
      rows.push_back(contract_json(x));
    return response::json({{"contracts", std::move(rows)}});
  });
  if (st)
    st = get_contract(routes, p, "/v1/contracts/{name}",
                      [](const swarm_state&, const contract_info& x) { return contract_json(x); });
  if (st)
    st = get_contract(routes, p, "/v1/contracts/{name}/status",
                      [](const swarm_state&, const contract_info& x) {
                        return contract_status_json(x);
                      });
  if (st)
    st = get_contract(routes, p, "/v1/contracts/{name}/perfdata",
                      [](const swarm_state& s, const contract_info& x) {
                        return perfdata_json(x.record.name,
                                             *contract_perfdata(s, x.record.name));
                      });
  if (st)
    st = routes.add(http_method::post, "/v1/contracts",
                    [p, opts](const request& req) { return create(*p, req, opts); });
  if (st)
    st = routes.add(http_method::post, "/v1/contracts/{name}/reset",
                    [p, opts](const request& req) { return reset(*p, req, opts); });
  return st;
}

} // namespace swarm::api::detail
