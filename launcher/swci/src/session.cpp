#include "swarm/swci/session.hpp"

#include <charconv>

#include "handlers.hpp"

namespace swarm::swci {

session::session(session_options options, client_factory factory, clock& time,
                 std::ostream& out)
  : options_(std::move(options)),
    factory_(std::move(factory)),
    time_(time),
    out_(out),
    dir_(options_.usr_dir, options_.start_dir) {
  // nop
}

status session::execute(std::string_view line) {
  auto cmd = parse_command(line);
  if (!cmd)
    return cmd.error();
  return run(*cmd);
}

status session::run(const parsed_command& cmd) {
  using enum command_id;
  switch (cmd.id) {
    case create_context_ip:
    case create_context_service:
    case get_context_info:
    case get_context_env:
    case get_context_version:
    case list_contexts:
    case list_context_env:
    case set_context_env:
    case switch_context:
      return detail::run_context_command(*this, cmd);
    case create_contract:
    case get_contract_info:
    case get_contract_status:
    case list_contracts:
    case perfdata:
    case reset_contract:
      return detail::run_contract_command(*this, cmd);
    case append_task_body:
    case create_task_from:
    case create_task:
    case delete_task:
    case finalize_task:
    case get_task_body:
    case get_task_info:
    case list_tasks:
      return detail::run_task_command(*this, cmd);
    case wait_for_taskrunner:
      return detail::wait_for_taskrunner(*this, cmd.args[0]);
    case assign_task_all:
    case assign_task_peers:
    case assign_task_target:
    case create_taskrunner:
    case get_taskrunner_info:
    case get_taskrunner_peer_status:
    case get_taskrunner_status:
    case list_taskrunners:
    case list_taskrunner_peers:
    case reset_taskrunner:
      return detail::run_taskrunner_command(*this, cmd);
    default:
      return detail::run_misc_command(*this, cmd);
  }
}

expected<std::shared_ptr<sn_client>> session::client_for(const endpoint& api) {
  auto key = api.to_string();
  if (auto i = clients_.find(key); i != clients_.end())
    return i->second;
  auto client = factory_(api);
  if (!client)
    return client.error();
  clients_.emplace(key, *client);
  return *client;
}

expected<nlohmann::json> session::call(http_verb verb, const std::string& path,
                                       const nlohmann::json* body) {
  const auto* ctx = contexts_.current();
  if (ctx == nullptr)
    return make_error(errc::invalid_argument,
                      "no current context: CREATE CONTEXT <name> WITH IP <ip>, then "
                      "SWITCH CONTEXT <name>");
  auto client = client_for(ctx->api);
  if (!client)
    return client.error();
  auto reply = (*client)->send(verb, path, body);
  if (!reply)
    return reply.error();
  if (auto st = to_status(*reply); !st)
    return st.error();
  return std::move(reply->body);
}

namespace detail {

expected<uint64_t> parse_count(std::string_view text, std::string_view what) {
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size())
    return make_error(errc::invalid_argument, std::string{what} + " must be a whole number, not '"
                                                + std::string{text} + "'");
  return value;
}

} // namespace detail

} // namespace swarm::swci
