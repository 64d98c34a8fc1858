#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "swarm/common/error.hpp"
#include "swarm/config/profile.hpp"
#include "swarm/config/task.hpp"
#include "swarm/membership/state_taskrunner_record.hpp"

/// The SWOP's task execution: one task at a time, on one long-lived worker
/// thread (children get PR_SET_PDEATHSIG, which is bound to the thread that
/// started them).
namespace swarm::swop {

/// What the executor needs to know about its SWOP.
struct executor_config {
  /// The validated profile.
  config::swop_profile profile;
  /// `--usr-dir`: relative BIND sources and BuildContexts resolve here.
  std::filesystem::path usr_dir;
  /// `--data-dir`: runs/, envs/, volumes/, nodes/ and done/ live here.
  std::filesystem::path data_dir;
  /// The `swarm` binary that runs each node's SL (`swarm sl --ml-cmd`).
  std::filesystem::path swarm_binary;
  /// The SWOP's host (`--host-ip`): an SL's address when `slhostip` is `~`.
  std::string host_ip;
  /// The SN the SLs join (the profile's `apisrv.locator`, else the flags).
  std::string sn_ip;
  /// The SN's API port (passed on to the SLs).
  uint16_t sn_api_port = 30304;
  /// The SN's overlay port the SLs join through.
  uint16_t sn_p2p_port = 30303;
  /// Seconds an SL waits for its ML to connect before failing.
  int ml_connect_timeout_s = 300;
  /// Grace between SIGTERM and SIGKILL when stopping children.
  int stop_grace_ms = 10'000;
  /// The Docker engine's socket (`mgrtype: DOCKER` needs it).
  std::filesystem::path docker_socket = "/var/run/docker.sock";
};

/// A task to execute for one run of a taskrunner.
struct job {
  /// The run (`taskrunner_record::run_id`).
  uint64_t run_id = 0;
  /// The parsed task.
  config::task_def task;
};

/// A change of the executor's state for a run, to be written into this
/// SWOP's taskrunner peer entry.
struct progress {
  /// The run.
  uint64_t run_id = 0;
  /// RUNNING, COMPLETE or FAILED.
  membership::peer_state state = membership::peer_state::running;
  /// What happens, or why it failed.
  std::string message;
  /// SL/ML pairs of a RUN_SWARM task.
  uint32_t nodes = 0;
  /// Of those, how many finished successfully.
  uint32_t nodes_done = 0;
};

/// Runs the job (on the executor's thread), reporting intermediate states
/// through `report`; returns the final state (COMPLETE or FAILED with the
/// reason). Exposed for tests, which run jobs without the thread.
progress execute(const executor_config& cfg, const job& j, std::stop_token stop,
                 const std::function<void(const progress&)>& report);

/// Returns a name usable as one directory level (`/` and other characters
/// outside `A-Z a-z 0-9 . _ -` become `_`), e.g. for an Outcome.
std::string dir_name(const std::string& text);

/// Returns the directory a task records its completion in: a file named
/// like the task holding its type and Outcome (`done/<task>`).
std::filesystem::path done_dir(const executor_config& cfg);

/// The executor: `submit` hands it a job; `cancel` stops the current one
/// (every child stopped and reaped); progress is collected by polling.
class task_executor {
public:
  /// Starts the worker thread.
  explicit task_executor(executor_config cfg);

  /// Cancels the current job, waits for its children to be reaped, and
  /// joins the worker.
  ~task_executor();

  task_executor(const task_executor&) = delete;
  task_executor& operator=(const task_executor&) = delete;

  /// Queues `j`, cancelling whatever runs (one task at a time).
  void submit(job j);

  /// Stops the current job, if any (asynchronously).
  void cancel();

  /// Returns the reports since the last call, oldest first.
  std::vector<progress> take_progress();

  /// Returns whether a job is queued or running.
  bool busy() const;

  /// Returns the configuration.
  const executor_config& config() const noexcept {
    return cfg_;
  }

private:
  void run(std::stop_token shutdown);

  executor_config cfg_;
  mutable std::mutex mutex_;
  std::condition_variable_any wake_;
  std::optional<job> next_;
  std::optional<std::stop_source> current_;
  std::vector<progress> reports_;
  std::jthread worker_;
};

} // namespace swarm::swop
