// The SWOP's executor: a worker thread that runs one job at a time, and
// the dispatch of a job by task type (task_executor.hpp).

#include "swarm/swop/task_executor.hpp"

#include <cctype>
#include <fstream>

#include "swarm/common/log.hpp"
#include "task_kinds.hpp"

namespace swarm::swop {

namespace fs = std::filesystem;
using membership::peer_state;

std::string dir_name(const std::string& text) {
  std::string result = text.empty() ? std::string{"_"} : text;
  for (auto& c : result)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-')
      c = '_';
  if (result == "." || result == "..")
    result = "_";
  return result;
}

fs::path done_dir(const executor_config& cfg) {
  return cfg.data_dir / "done";
}

namespace {

status check_prereq(const executor_config& cfg, const config::task_def& task) {
  if (task.prereq == "ROOTTASK")
    return {};
  std::error_code ec;
  if (fs::exists(done_dir(cfg) / dir_name(task.prereq), ec))
    return {};
  return make_error(errc::invalid_argument, "prerequisite task '" + task.prereq
                                              + "' has not completed on this SWOP");
}

status record_done(const executor_config& cfg, const config::task_def& task) {
  std::error_code ec;
  fs::create_directories(done_dir(cfg), ec);
  std::ofstream out{done_dir(cfg) / dir_name(task.name), std::ios::trunc};
  out << config::to_string(task.task_type) << '\n' << task.outcome << '\n';
  out.close();
  if (!out)
    return make_error(errc::io_error, "cannot record the completion of task " + task.name);
  return {};
}

status dispatch(const executor_config& cfg, const job& j, std::stop_token stop,
                const std::function<void(const progress&)>& report, progress& result) {
  if (cfg.profile.resource_mgr.mgr_type == config::resource_manager_kind::docker)
    return docker_unavailable(cfg);
  if (auto st = check_prereq(cfg, j.task); !st)
    return st;
  switch (j.task.task_type) {
    case config::task_kind::run_swarm:
      return run_swarm(cfg, j, stop, report, result);
    case config::task_kind::make_user_container:
      return make_user_container(cfg, j.task, stop);
    case config::task_kind::make_swarm_user_content:
      return make_user_content(cfg, j.task, stop);
    case config::task_kind::pull_image:
      return make_error(errc::invalid_config,
                        "PULL_IMAGE needs a container engine: the process resource manager "
                        "(resourcemgr.mgrtype: PROCESS) runs no images; use "
                        "MAKE_USER_CONTAINER to prepare the environment");
  }
  return make_error(errc::invalid_config, "unknown task type");
}

} // namespace

progress execute(const executor_config& cfg, const job& j, std::stop_token stop,
                 const std::function<void(const progress&)>& report) {
  progress result;
  result.run_id = j.run_id;
  auto st = dispatch(cfg, j, stop, report, result);
  if (st && stop.stop_requested())
    st = make_error(errc::invalid_argument, "stopped");
  if (st)
    st = record_done(cfg, j.task);
  if (!st) {
    result.state = peer_state::failed;
    result.message = st.error().message;
    return result;
  }
  result.state = peer_state::complete;
  result.message = std::string{config::to_string(j.task.task_type)} + " task " + j.task.name
                   + " completed";
  return result;
}

task_executor::task_executor(executor_config cfg)
  : cfg_(std::move(cfg)), worker_([this](std::stop_token shutdown) { run(shutdown); }) {
}

task_executor::~task_executor() {
  cancel();
  worker_.request_stop();
  wake_.notify_all();
  worker_.join();
}

void task_executor::submit(job j) {
  std::lock_guard lock{mutex_};
  if (current_)
    current_->request_stop();
  next_ = std::move(j);
  wake_.notify_all();
}

void task_executor::cancel() {
  std::lock_guard lock{mutex_};
  next_.reset();
  if (current_)
    current_->request_stop();
}

std::vector<progress> task_executor::take_progress() {
  std::lock_guard lock{mutex_};
  return std::exchange(reports_, {});
}

bool task_executor::busy() const {
  std::lock_guard lock{mutex_};
  return next_ || current_;
}

void task_executor::run(std::stop_token shutdown) {
  auto log = log::get("swarm.SWOP");
  for (;;) {
    job j;
    std::stop_token stop;
    {
      std::unique_lock lock{mutex_};
      wake_.wait(lock, shutdown, [this] { return next_.has_value(); });
      if (shutdown.stop_requested())
        return;
      j = std::move(*next_);
      next_.reset();
      current_.emplace();
      stop = current_->get_token();
    }
    auto report = [this](const progress& p) {
      std::lock_guard lock{mutex_};
      reports_.push_back(p);
    };
    report(progress{j.run_id, peer_state::running,
                    "executing " + std::string{config::to_string(j.task.task_type)} + " task "
                      + j.task.name,
                    0, 0});
    auto result = execute(cfg_, j, stop, report);
    if (result.state == peer_state::failed)
      log->error("task {} (run {}) failed: {}", j.task.name, j.run_id, result.message);
    else if (j.task.task_type == config::task_kind::make_user_container)
      log->info("SWOPBuildTask: build task completed ({} in {})", j.task.name,
                (cfg_.data_dir / "envs" / dir_name(j.task.outcome)).string());
    else
      log->info("task {} (run {}) completed", j.task.name, j.run_id);
    std::lock_guard lock{mutex_};
    reports_.push_back(std::move(result));
    current_.reset();
  }
}

} // namespace swarm::swop
