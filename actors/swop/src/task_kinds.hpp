#pragma once

// The executor's task types (task_executor.cpp dispatches to them).

#include <functional>
#include <stop_token>

#include "swarm/swop/task_executor.hpp"

namespace swarm::swop {

/// The error of any task under `mgrtype: DOCKER`: no engine on this host,
/// or (with one) that our Docker resource manager does not exist yet.
error docker_unavailable(const executor_config& cfg);

/// RUN_SWARM: one `swarm sl --ml-cmd` per profile node (run_swarm.cpp).
/// Fills `result`'s node counts.
status run_swarm(const executor_config& cfg, const job& j, std::stop_token stop,
                 const std::function<void(const progress&)>& report, progress& result);

/// MAKE_USER_CONTAINER: BuildSteps in `<data-dir>/envs/<Outcome>`.
status make_user_container(const executor_config& cfg, const config::task_def& task,
                           std::stop_token stop);

/// MAKE_SWARM_USER_CONTENT: DOWNLOAD and EXTRACT of local files.
status make_user_content(const executor_config& cfg, const config::task_def& task,
                         std::stop_token stop);

/// Where VOLUME names live: `<data-dir>/volumes`.
std::filesystem::path volumes_dir(const executor_config& cfg);

} // namespace swarm::swop
