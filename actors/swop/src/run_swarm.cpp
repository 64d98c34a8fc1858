// RUN_SWARM under the process resource manager: for each profile node one
// `swarm sl` process running the task's ML as its child, in a per-node view
// of the container's file system (path_map.hpp), with HPE's environment
// precedence (node_env.hpp); logs in <data-dir>/runs/<task>/sl<idx>.log.

#include <csignal>
#include <fstream>
#include <thread>


#include "swarm/swop/build_steps.hpp"
#include "swarm/swop/child_process.hpp"
#include "swarm/swop/node_env.hpp"
#include "swarm/swop/path_map.hpp"
#include "swarm/swop/run_plan.hpp"
#include "task_kinds.hpp"

namespace swarm::swop {

namespace fs = std::filesystem;
using membership::peer_state;

namespace {

// The build environment of the task's prerequisite, if it was a build.
expected<std::optional<build_env>> prereq_env(const executor_config& cfg,
                                              const config::task_def& task) {
  if (task.prereq == "ROOTTASK")
    return std::optional<build_env>{};
  std::ifstream in{done_dir(cfg) / dir_name(task.prereq)};
  std::string type, outcome;
  std::getline(in, type);
  std::getline(in, outcome);
  if (type != "MAKE_USER_CONTAINER")
    return std::optional<build_env>{};
  auto env = load_build_env(cfg.data_dir / "envs" / dir_name(outcome));
  if (!env)
    return env.error();
  return std::optional<build_env>{std::move(*env)};
}

struct running_node {
  uint32_t idx = 0;
  fs::path log;
  std::optional<child_process> child;
  bool done = false;
};

void stop_all(std::vector<running_node>& nodes, int grace_ms) {
  // Signal every group first, so they all wind down in parallel.
  for (auto& n : nodes)
    if (n.child && !n.child->poll())
      killpg(n.child->pid(), SIGTERM);
  for (auto& n : nodes)
    if (n.child)
      n.child->stop(grace_ms);
}

error node_failure(const running_node& n, int code) {
  auto why = first_error_line(n.log);
  return make_error(errc::invalid_argument,
                    "node " + std::to_string(n.idx) + ": the SL exited with status "
                      + std::to_string(code) + (why.empty() ? std::string{} : ": " + why)
                      + " (log " + n.log.string() + ")");
}

status supervise(const executor_config& cfg, std::vector<running_node>& nodes,
                 std::stop_token stop, const std::function<void(const progress&)>& report,
                 progress& result) {
  for (;;) {
    if (stop.stop_requested()) {
      stop_all(nodes, cfg.stop_grace_ms);
      return make_error(errc::invalid_argument, "stopped");
    }
    uint32_t done = 0;
    for (auto& n : nodes) {
      auto code = n.child->poll();
      if (code && *code != 0) {
        auto failure = node_failure(n, *code);
        stop_all(nodes, cfg.stop_grace_ms);
        return failure;
      }
      done += code ? 1 : 0;
    }
    if (done != result.nodes_done) {
      result.nodes_done = done;
      report(progress{result.run_id, peer_state::running,
                      std::to_string(done) + " of " + std::to_string(nodes.size())
                        + " nodes finished",
                      result.nodes, done});
    }
    if (done == nodes.size())
      return {};
    std::this_thread::sleep_for(std::chrono::milliseconds{200});
  }
}

} // namespace

status run_swarm(const executor_config& cfg, const job& j, std::stop_token stop,
                 const std::function<void(const progress&)>& report, progress& result) {
  const auto& body = std::get<config::run_swarm_body>(j.task.body);
  auto build = prereq_env(cfg, j.task);
  if (!build)
    return build.error();
  auto run_dir = cfg.data_dir / "runs" / dir_name(j.task.name);
  std::vector<node_plan> plans;
  for (const auto& node : cfg.profile.nodes) {
    auto plan = plan_node(cfg, body, node, *build ? &**build : nullptr, run_dir, process_env());
    if (!plan)
      return make_error(plan.error().code,
                        "node " + std::to_string(node.idx) + ": " + plan.error().message);
    plans.push_back(std::move(*plan));
  }
  result.nodes = static_cast<uint32_t>(plans.size());
  report(progress{j.run_id, peer_state::running, "starting " + std::to_string(plans.size())
                                                   + " SL/ML nodes",
                  result.nodes, 0});
  std::vector<running_node> nodes;
  for (const auto& plan : plans) {
    // A new training: the SL must not resume the round state of an earlier
    // run that was stopped before its final round.
    std::error_code ec;
    std::filesystem::remove_all(plan.sl_data_dir / "rounds", ec);
    {
      std::ofstream header{plan.log, std::ios::trunc};
      header << "swarm swop: task " << j.task.name << " run " << j.run_id << ": "
             << plan.describe() << '\n';
    }
    spawn_options opts;
    opts.argv = plan.argv;
    opts.env = plan.env;
    opts.workdir = plan.node_dir;
    opts.log_file = plan.log;
    // SIGTERM, not SIGKILL: the SL then stops its ML's process group too.
    opts.death_signal = SIGTERM;
    auto child = child_process::start(opts);
    if (!child) {
      stop_all(nodes, cfg.stop_grace_ms);
      return make_error(child.error().code, "node " + std::to_string(plan.idx)
                                              + ": cannot start the SL: "
                                              + child.error().message);
    }
    nodes.push_back(running_node{plan.idx, plan.log, std::move(*child), false});
  }
  auto outcome = supervise(cfg, nodes, stop, report, result);
  // Every child is reaped by now: nothing writes into the views any more.
  for (const auto& plan : plans)
    if (auto moved = write_back_view(plan.root, plan.mounts, body.working_dir); !moved)
      std::ofstream{plan.log, std::ios::app} << "swarm swop: " << moved.error().message << '\n';
  return outcome;
}

} // namespace swarm::swop
