// CREATE/SWITCH/LIST/GET/SET CONTEXT: contexts live in the SWCI's memory
// only, as in HPE; only GET CONTEXT VERSION talks to an SN.
#include <ostream>

#include "handlers.hpp"
#include "swarm/common/version.hpp"
#include "swarm/swci/table.hpp"

namespace swarm::swci::detail {

namespace {

using json = nlohmann::json;

status create_context(session& s, const parsed_command& cmd) {
  context ctx;
  ctx.name = cmd.args[0];
  if (cmd.id == command_id::create_context_ip) {
    ctx.api.host = cmd.args[1];
    if (!cmd.args[2].empty()) {
      auto port = parse_port(cmd.args[2]);
      if (!port)
        return port.error();
      ctx.api.port = *port;
    }
  } else {
    auto api = parse_service(cmd.args[1]);
    if (!api)
      return api.error();
    ctx.api = *api;
    ctx.service = true;
  }
  auto where = ctx.api.to_string();
  if (auto st = s.contexts().create(std::move(ctx)); !st)
    return st;
  s.out() << "Context " << cmd.args[0] << " created: SN API at " << where << '\n';
  return status::ok();
}

json context_json(const context& ctx, const std::string& current) {
  return {{"name", ctx.name},
          {"api", ctx.api.to_string()},
          {"kind", ctx.service ? "SERVICE" : "IP"},
          {"current", ctx.name == current ? "*" : ""},
          {"variables", ctx.env.size()}};
}

status context_info(session& s, const std::string& name) {
  auto wanted = name.empty() ? s.contexts().current_name() : name;
  if (wanted.empty())
    return make_error(errc::invalid_argument, "no current context; name one");
  auto ctx = s.contexts().find(wanted);
  if (!ctx)
    return ctx.error();
  print_fields(s.out(), context_json(**ctx, s.contexts().current_name()),
               {{"Name", "/name"}, {"SN API", "/api"}, {"Given as", "/kind"},
                {"Variables", "/variables"}});
  return status::ok();
}

status context_version(session& s) {
  s.out() << "SWCI version: " << swarm::version << " (HPE Swarm Learning "
          << swarm::hpe_compat_version << " compatible)\n";
  if (s.contexts().current() == nullptr)
    return status::ok();
  auto health = s.call(http_verb::get, "/v1/health");
  if (!health)
    return health.error();
  s.out() << "SN version: " << to_cell(*health, "/version") << " (" << to_cell(*health, "/name")
          << ", " << to_cell(*health, "/role") << ")\n";
  return status::ok();
}

status context_env(session& s, const parsed_command& cmd) {
  auto ctx = s.contexts().find(cmd.args[0]);
  if (!ctx)
    return ctx.error();
  auto& env = (*ctx)->env;
  if (cmd.id == command_id::set_context_env) {
    env[cmd.args[1]] = cmd.args[2];
    s.out() << "Context " << cmd.args[0] << ": " << cmd.args[1] << " set\n";
    return status::ok();
  }
  if (cmd.id == command_id::get_context_env) {
    auto i = env.find(cmd.args[1]);
    if (i == env.end())
      return make_error(errc::invalid_argument,
                        "context '" + cmd.args[0] + "' has no variable '" + cmd.args[1] + "'");
    s.out() << i->second << '\n';
    return status::ok();
  }
  auto rows = json::array();
  for (const auto& [key, value] : env)
    rows.push_back({{"name", key}, {"value", value}});
  print_table(s.out(), rows, {{"NAME", "/name"}, {"VALUE", "/value"}});
  return status::ok();
}

} // namespace

status run_context_command(session& s, const parsed_command& cmd) {
  switch (cmd.id) {
    case command_id::create_context_ip:
    case command_id::create_context_service:
      return create_context(s, cmd);
    case command_id::get_context_info:
      return context_info(s, cmd.args[0]);
    case command_id::get_context_version:
      return context_version(s);
    case command_id::switch_context:
      if (auto st = s.contexts().switch_to(cmd.args[0]); !st)
        return st;
      s.out() << "Switched to context " << cmd.args[0] << '\n';
      return status::ok();
    case command_id::list_contexts: {
      auto rows = json::array();
      for (const auto* ctx : s.contexts().all())
        rows.push_back(context_json(*ctx, s.contexts().current_name()));
      print_table(s.out(), rows,
                  {{"CURRENT", "/current"}, {"NAME", "/name"}, {"SN API", "/api"},
                   {"GIVEN AS", "/kind"}});
      return status::ok();
    }
    default:
      return context_env(s, cmd);
  }
}

} // namespace swarm::swci::detail
