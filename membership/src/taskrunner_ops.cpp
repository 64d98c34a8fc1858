#include "swarm/membership/taskrunner_ops.hpp"

#include <algorithm>

#include "swarm/membership/task_ops.hpp"

namespace swarm::membership {

namespace {

constexpr std::string_view root_task = "ROOTTASK";

std::string runner_name(std::string_view name) {
  return "taskrunner " + quote_name(name);
}

uint64_t next_run_id(const taskrunner_record& x, uint64_t now_ms) {
  return std::max(x.run_id + 1, now_ms);
}

// Checks that `task` may run: finalized, and its prerequisite too.
op_result<task_record> runnable_task(const swarm_state& state, std::string_view name) {
  auto task = find_task(state, name);
  if (!task)
    return task;
  if (!task->finalized)
    return op_fail(op_errc::conflict, "task " + quote_name(name) + " is not finalized");
  if (task->prereq == root_task)
    return task;
  auto prereq = state.map_of<task_record>().get(task->prereq);
  if (!prereq)
    return op_fail(op_errc::conflict, "prerequisite " + quote_name(task->prereq)
                                        + " of task " + quote_name(name)
                                        + " does not exist");
  if (!prereq->finalized)
    return op_fail(op_errc::conflict, "prerequisite " + quote_name(task->prereq)
                                        + " of task " + quote_name(name)
                                        + " is not finalized");
  return task;
}

status check_request(const assign_request& req) {
  int modes = (req.peers > 0 ? 1 : 0) + (req.all_peers ? 1 : 0) + (req.target.empty() ? 0 : 1);
  if (modes != 1)
    return make_error(errc::invalid_argument,
                      "assign task " + quote_name(req.task) + " to "
                        + runner_name(req.taskrunner)
                        + ": give exactly one of a peer count of at least 1, all peers, "
                          "or a target SWOP");
  return status::ok();
}

// TARGET: adds the SWOP to the current run of the same task, or starts a
// run for it alone.
taskrunner_record target_run(taskrunner_record r, const task_record& task,
                             const std::string& target, uint64_t now_ms) {
  if (r.task != task.name) {
    r.run_id = next_run_id(r, now_ms);
    r.task = task.name;
    r.task_type = task.type;
    r.all_peers = true;
    r.peers_wanted = 1;
    r.targets = {target};
    r.assigned_ms = now_ms;
  } else if (std::ranges::find(r.targets, target) == r.targets.end()) {
    r.targets.push_back(target);
  }
  r.targeted_ms = now_ms;
  return r;
}

} // namespace

op_result<taskrunner_record> find_taskrunner(const swarm_state& state, std::string_view name) {
  if (!is_valid_object_name(name))
    return op_fail(op_errc::invalid, "invalid taskrunner name " + quote_name(name)
                                       + ": use 1 to 160 characters of A-Z a-z 0-9 . _ -");
  if (auto x = state.map_of<taskrunner_record>().get(name))
    return std::move(*x);
  if (name == default_taskrunner) {
    taskrunner_record x;
    x.name = std::string{name};
    return x;
  }
  return op_fail(op_errc::not_found, runner_name(name) + " does not exist");
}

std::vector<taskrunner_record> list_taskrunners(const swarm_state& state) {
  std::vector<taskrunner_record> result;
  auto runners = state.map_of<taskrunner_record>();
  runners.for_each([&](const taskrunner_record& x) { result.push_back(x); });
  if (!runners.contains(default_taskrunner)) {
    result.push_back(*find_taskrunner(state, default_taskrunner));
    std::ranges::sort(result, {}, &taskrunner_record::name);
  }
  return result;
}

op_result<taskrunner_record> create_taskrunner(const swarm_state& state, std::string_view name,
                                               uint64_t now_ms) {
  auto found = find_taskrunner(state, name);
  if (found)
    return op_fail(op_errc::conflict, runner_name(name) + " already exists");
  if (found.error().code != op_errc::not_found)
    return found;
  taskrunner_record x;
  x.name = std::string{name};
  x.created_ms = now_ms;
  return x;
}

op_result<taskrunner_record> assign_task(const swarm_state& state, const assign_request& req,
                                         uint64_t now_ms, const swop_liveness& alive) {
  if (auto st = check_request(req); !st)
    return op_fail(op_errc::invalid, st.error().message);
  auto runner = find_taskrunner(state, req.taskrunner);
  if (!runner)
    return runner;
  auto task = runnable_task(state, req.task);
  if (!task)
    return task.error();
  auto peers = peers_of(state, req.taskrunner);
  auto status = derive_status(
    *runner, peers, swop_view{alive, liveness_as_of(state, runner->assigned_ms), now_ms});
  if (!req.target.empty()) {
    auto enrolled = std::ranges::any_of(peers, [&](const auto& p) { return p.swop_uuid == req.target; });
    if (!enrolled)
      return op_fail(op_errc::not_found, "SWOP " + quote_name(req.target)
                                           + " is not enrolled in "
                                           + runner_name(req.taskrunner));
    if (status.state == runner_state::running && runner->task != req.task)
      return op_fail(op_errc::conflict, runner_name(req.taskrunner) + " is RUNNING task "
                                          + quote_name(runner->task));
    return target_run(std::move(*runner), *task, req.target, now_ms);
  }
  if (status.state == runner_state::running)
    return op_fail(op_errc::conflict, runner_name(req.taskrunner) + " is RUNNING task "
                                        + quote_name(runner->task));
  auto r = std::move(*runner);
  r.run_id = next_run_id(r, now_ms);
  r.task = task->name;
  r.task_type = task->type;
  r.all_peers = req.all_peers;
  r.peers_wanted = req.peers;
  r.targets.clear();
  r.assigned_ms = now_ms;
  r.targeted_ms = 0;
  if (req.all_peers) {
    auto n = std::ranges::count_if(peers, [&](const auto& p) { return !alive || alive(p.swop_uuid); });
    if (n == 0)
      return op_fail(op_errc::conflict, "no SWOP is enrolled in " + runner_name(req.taskrunner));
    r.peers_wanted = static_cast<uint32_t>(n);
  }
  return r;
}

op_result<taskrunner_record> reset_taskrunner(const swarm_state& state, std::string_view name,
                                              uint64_t now_ms) {
  auto runner = find_taskrunner(state, name);
  if (!runner)
    return runner;
  auto r = std::move(*runner);
  r.run_id = next_run_id(r, now_ms);
  r.task.clear();
  r.task_type.clear();
  r.peers_wanted = 0;
  r.all_peers = false;
  r.targets.clear();
  r.assigned_ms = 0;
  r.targeted_ms = 0;
  return r;
}

} // namespace swarm::membership
