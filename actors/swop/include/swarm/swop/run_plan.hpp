#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "swarm/common/error.hpp"
#include "swarm/config/profile.hpp"
#include "swarm/config/task.hpp"
#include "swarm/swop/node_env.hpp"
#include "swarm/swop/path_map.hpp"
#include "swarm/swop/task_executor.hpp"

/// How one profile node of a RUN_SWARM task is started: pure planning
/// (plus creating its directories), so it is tested without processes.
namespace swarm::swop {

/// Everything needed to start one node's SL (which runs the ML).
struct node_plan {
  /// The profile's `idx`.
  uint32_t idx = 0;
  /// `<run dir>/<idx>`: the SL's working directory.
  std::filesystem::path node_dir;
  /// `<node dir>/root`: the container file system view.
  std::filesystem::path root;
  /// `<run dir>/sl<idx>.log`: the SL's and the ML's output.
  std::filesystem::path log;
  /// `<SWOP data dir>/nodes/<idx>`: the SL's --data-dir, kept from run to
  /// run (its identity), but not its round state: each run of a task is a
  /// new training, not the resumption of the last one.
  std::filesystem::path sl_data_dir;
  /// The mounts shown under `root`.
  std::vector<mount_point> mounts;
  /// The ML's working directory (host path under `root`).
  std::filesystem::path ml_workdir;
  /// The ML's command line (`Entrypoint Command`).
  std::string ml_cmd;
  /// The ML's environment (passed as `--ml-e`).
  env_vars ml_env;
  /// `swarm sl ...`: the whole argument vector.
  std::vector<std::string> argv;
  /// The SL's environment on top of the SWOP's.
  env_vars env;

  /// Returns the command line, for the log.
  std::string describe() const;
};

/// Plans node `node` of a RUN_SWARM task: builds its view under
/// `<run dir>/<idx>/root` (replacing an earlier one), resolves its identity
/// files and environment, checks that the Entrypoint exists, and composes
/// the `swarm sl` command.
expected<node_plan> plan_node(const executor_config& cfg, const config::run_swarm_body& task,
                              const config::sl_node_def& node, const build_env* build,
                              const std::filesystem::path& run_dir, const env_lookup& lookup);

/// Returns the message of the first ERROR or CRITICAL line of an HPE-format
/// log (the cause, before its consequences), or the last line if none.
std::string first_error_line(const std::filesystem::path& log);

/// Returns where `program` is found: a path (relative ones against
/// `workdir`), or a name searched in `path` (colon-separated); empty if
/// not found or not executable.
std::filesystem::path find_program(const std::string& program,
                                   const std::filesystem::path& workdir, const std::string& path);

} // namespace swarm::swop
