// WAIT FOR TASKRUNNER: polls the taskrunner until its task is COMPLETE or in
// ERROR, printing '#' per poll as HPE does, within the wait limit of the
// task's type.
#include <ostream>

#include "handlers.hpp"
#include "swarm/swci/table.hpp"

namespace swarm::swci::detail {

namespace {

using json = nlohmann::json;

std::string runner_path(std::string_view name, std::string_view tail = {}) {
  return "/v1/taskrunners/" + path_segment(name) + std::string{tail};
}

// The peers' own words on why the task failed, e.g. "peer 0 SWOP-1
// (3f2a...): FAILED: ml exited with status 1".
std::string failed_peers(session& s, const std::string& name, const json& info) {
  auto reply = s.call(http_verb::get, runner_path(name, "/peers"));
  if (!reply)
    return "; the peers could not be listed: " + reply.error().message;
  std::string out;
  auto run = info.value("run_id", json{});  // info is an object: checked by the caller
  for (const auto& peer : array_at(*reply, "peers")) {
    if (!peer.is_object())
      continue;
    auto state = string_at(peer, "state");
    bool failed = state == "FAILED";
    bool lost = state == "RUNNING" && peer.value("alive", json(true)) == json(false);
    if ((!failed && !lost) || (!run.is_null() && peer.value("run_id", json{}) != run))
      continue;
    out += "; peer " + to_cell(peer, "/index") + " " + to_cell(peer, "/name") + " ("
           + to_cell(peer, "/uuid") + "): " + (lost ? "no longer alive" : "FAILED");
    if (auto msg = string_at(peer, "message"); !msg.empty())
      out += ": " + msg;
  }
  return out;
}

std::chrono::minutes limit_for(const session& s, const json& info) {
  auto type = string_at(info, "task_type");
  bool run_swarm = type.empty() || type == "RUN_SWARM";
  return run_swarm ? s.options().run_task_max_wait : s.options().generic_task_max_wait;
}

// Ends the line of '#' marks before anything else is printed.
void end_marks(session& s, size_t& marks) {
  if (marks > 0)
    s.out() << '\n';
  marks = 0;
}

} // namespace

status wait_for_taskrunner(session& s, const std::string& name) {
  const auto start = s.time().now();
  json info;
  size_t marks = 0;
  std::string last_problem;
  for (;;) {
    auto reply = s.call(http_verb::get, runner_path(name));
    if (reply) {
      if (!reply->is_object())
        return make_error(errc::parse_error, "the SN's answer about taskrunner '" + name
                                               + "' is not a JSON object");
      info = std::move(*reply);
      auto state = string_at(info, "state");
      if (state == "COMPLETE") {
        end_marks(s, marks);
        s.out() << "Taskrunner " << name << ": task " << to_cell(info, "/task")
                << " COMPLETE (" << to_cell(info, "/peers/complete") << " peers complete)\n";
        return status::ok();
      }
      if (state == "ERROR") {
        end_marks(s, marks);
        auto message = string_at(info, "message");
        return make_error(errc::invalid_argument,
                          "task " + to_cell(info, "/task") + " on taskrunner '" + name
                            + "' ended in ERROR" + (message.empty() ? "" : ": " + message)
                            + failed_peers(s, name, info));
      }
      if (state == "IDLE") {
        end_marks(s, marks);
        return make_error(errc::invalid_argument,
                          "taskrunner '" + name + "' is IDLE: no task is assigned to it");
      }
      s.out() << '#' << std::flush;
      ++marks;
    } else if (reply.error().code == errc::io_error) {
      // The SN may be restarting: keep polling until the limit.
      if (reply.error().message != last_problem) {
        end_marks(s, marks);
        s.out() << "WAIT FOR TASKRUNNER " << name << ": " << reply.error().message
                << "; still waiting\n";
        last_problem = reply.error().message;
      }
    } else {
      end_marks(s, marks);
      return reply.error();
    }
    auto limit = limit_for(s, info);
    if (s.time().now() - start >= limit) {
      end_marks(s, marks);
      return make_error(errc::invalid_argument,
                        "gave up waiting for taskrunner '" + name + "' after "
                          + std::to_string(limit.count()) + " minutes (state "
                          + to_cell(info, "/state") + ")");
    }
    s.time().sleep_for(s.options().taskrunner_poll_interval);
  }
}

} // namespace swarm::swci::detail
