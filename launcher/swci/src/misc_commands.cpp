// The commands that are not about tasks, taskrunners, contracts or
// contexts: the directory, the script's flow, LIST NODES, waits and HELP.
#include <charconv>
#include <cmath>
#include <ostream>

#include "handlers.hpp"
#include "swarm/swci/suggest.hpp"
#include "swarm/swci/table.hpp"

namespace swarm::swci::detail {

namespace {

using json = nlohmann::json;

status sleep_command(session& s, const std::string& text) {
  double seconds = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec != std::errc{} || end != text.data() + text.size() || !(seconds >= 0)
      || seconds > 86400.0 * 365)
    return make_error(errc::invalid_argument, "SLEEP needs seconds, not '" + text + "'");
  s.time().sleep_for(std::chrono::milliseconds{std::llround(seconds * 1000)});
  return status::ok();
}

status list_nodes(session& s) {
  auto reply = s.call(http_verb::get, "/v1/nodes");
  if (!reply)
    return reply.error();
  print_table(s.out(), array_at(*reply, "nodes"),
              {{"TYPE", "/type"}, {"HOST", "/host"}, {"P2P PORT", "/ports/p2p"},
               {"API PORT", "/ports/api"}, {"FS PORT", "/ports/fs"}, {"NAME", "/name"},
               {"UUID", "/uuid"}, {"PARENT UUID", "/parent_uuid"}, {"STATUS", "/status"},
               {"LAST SEEN", "/last_seen_ms"}});
  return status::ok();
}

status ls_command(session& s, const std::string& path) {
  auto names = s.dir().list(path);
  if (!names)
    return names.error();
  for (const auto& name : *names)
    s.out() << name << '\n';
  return status::ok();
}

status wait_for_ip(session& s, const parsed_command& cmd) {
  endpoint api{cmd.args[0], default_api_port};
  if (!cmd.args[1].empty()) {
    auto port = parse_port(cmd.args[1]);
    if (!port)
      return port.error();
    api.port = *port;
  }
  return wait_for_sn(s, api, cmd.args[2]);
}

status help_command(session& s, const std::string& topic) {
  auto text = help_text(topic);
  if (!text)
    return text.error();
  s.out() << *text;
  return status::ok();
}

} // namespace

status run_misc_command(session& s, const parsed_command& cmd) {
  switch (cmd.id) {
    case command_id::cd:
      return s.dir().change_to(cmd.args[0]);
    case command_id::ls:
      return ls_command(s, cmd.args[0]);
    case command_id::pwd:
      s.out() << s.dir().current().string() << '\n';
      return status::ok();
    case command_id::exit_on_failure:
      s.set_exit_on_failure(cmd.args[0] != "OFF");
      return status::ok();
    case command_id::exit:
      s.request_exit();
      return status::ok();
    case command_id::list_nodes:
      return list_nodes(s);
    case command_id::sleep:
      return sleep_command(s, cmd.args[0]);
    case command_id::wait_for_ip:
      return wait_for_ip(s, cmd);
    case command_id::wait_for_service: {
      auto api = parse_service(cmd.args[0]);
      if (!api)
        return api.error();
      return wait_for_sn(s, *api, cmd.args[1]);
    }
    case command_id::help:
      return help_command(s, cmd.args[0]);
    default:
      return make_error(errc::invalid_argument, "command not implemented");
  }
}

} // namespace swarm::swci::detail
