// Taskrunner commands (docs/task-api.md, "Taskrunners"), except WAIT FOR
// TASKRUNNER, which has its own file.
#include <algorithm>
#include <ostream>

#include "handlers.hpp"
#include "swarm/swci/table.hpp"
#include "taskrunner_views.hpp"

namespace swarm::swci::detail {

namespace {

using json = nlohmann::json;

std::string runner_path(std::string_view name, std::string_view tail = {}) {
  return "/v1/taskrunners/" + path_segment(name) + std::string{tail};
}

status assign(session& s, const parsed_command& cmd) {
  json body = {{"task", cmd.args[0]}};
  std::string how;
  if (cmd.id == command_id::assign_task_all) {
    body["all"] = true;
    how = "all peers";
  } else if (cmd.id == command_id::assign_task_target) {
    body["target"] = cmd.args[2];
    how = "target " + cmd.args[2];
  } else {
    auto peers = parse_count(cmd.args[2], "the number of peers");
    if (!peers)
      return peers.error();
    if (*peers == 0)
      return make_error(errc::invalid_argument, "a task needs at least 1 peer (or ALL PEERS)");
    body["peers"] = *peers;
    how = std::to_string(*peers) + " peers";
  }
  auto reply = s.call(http_verb::post, runner_path(cmd.args[1], "/assign"), &body);
  if (!reply)
    return reply.error();
  s.out() << "Task " << cmd.args[0] << " assigned to " << cmd.args[1] << " with " << how
          << " (run " << to_cell(*reply, "/run_id") << ")\n";
  return status::ok();
}

// A peer by its 0-based index (digits) or its SWOP uid.
status peer_status(session& s, const std::string& runner, const std::string& which) {
  auto reply = s.call(http_verb::get, runner_path(runner, "/peers"));
  if (!reply)
    return reply.error();
  auto peers = array_at(*reply, "peers");
  auto index = parse_count(which, "index");
  for (const auto& peer : peers) {
    bool hit = index ? peer.is_object() && peer.value("index", json{}) == json(*index)
                     : string_at(peer, "uuid") == which;
    if (hit) {
      print_peer(s.out(), peer);
      return status::ok();
    }
  }
  return make_error(errc::invalid_argument,
                    "taskrunner '" + runner + "' has no peer '" + which + "'");
}

status show_runner(session& s, const parsed_command& cmd) {
  auto reply = s.call(http_verb::get, runner_path(cmd.args[0]));
  if (!reply)
    return reply.error();
  if (cmd.id == command_id::get_taskrunner_status)
    print_runner_status(s.out(), *reply);
  else
    print_runner_info(s.out(), *reply);
  return status::ok();
}

} // namespace

status run_taskrunner_command(session& s, const parsed_command& cmd) {
  switch (cmd.id) {
    case command_id::assign_task_all:
    case command_id::assign_task_peers:
    case command_id::assign_task_target:
      return assign(s, cmd);
    case command_id::create_taskrunner: {
      json body = {{"name", cmd.args[0]}};
      auto reply = s.call(http_verb::post, "/v1/taskrunners", &body);
      if (!reply)
        return reply.error();
      s.out() << "Taskrunner " << cmd.args[0] << " created\n";
      return status::ok();
    }
    case command_id::reset_taskrunner: {
      auto reply = s.call(http_verb::post, runner_path(cmd.args[0], "/reset"));
      if (!reply)
        return reply.error();
      s.out() << "Taskrunner " << cmd.args[0] << " reset: " << to_cell(*reply, "/state") << '\n';
      return status::ok();
    }
    case command_id::get_taskrunner_peer_status:
      return peer_status(s, cmd.args[0], cmd.args[1]);
    case command_id::list_taskrunners: {
      auto reply = s.call(http_verb::get, "/v1/taskrunners");
      if (!reply)
        return reply.error();
      print_runner_table(s.out(), array_at(*reply, "taskrunners"));
      return status::ok();
    }
    case command_id::list_taskrunner_peers: {
      auto reply = s.call(http_verb::get, runner_path(cmd.args[0], "/peers"));
      if (!reply)
        return reply.error();
      print_peer_table(s.out(), array_at(*reply, "peers"));
      return status::ok();
    }
    default:
      return show_runner(s, cmd);
  }
}

} // namespace swarm::swci::detail
