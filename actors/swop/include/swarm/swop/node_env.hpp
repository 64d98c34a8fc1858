#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "swarm/config/profile.hpp"
#include "swarm/config/task.hpp"
#include "swarm/swop/path_map.hpp"

/// The environment of the SL and ML processes of a node, in HPE's
/// precedence order.
namespace swarm::swop {

/// Resolved variables, in order: `NAME=value` for a child process.
using env_vars = std::vector<std::pair<std::string, std::string>>;

/// Looks a variable up in the SWOP's own environment (`std::getenv` in
/// production; a map in tests).
using env_lookup = std::function<std::optional<std::string>(const std::string&)>;

/// Returns `std::getenv` as an `env_lookup`.
env_lookup process_env();

/// What a MAKE_USER_CONTAINER build left for the tasks that name it as
/// prerequisite: its ENV lines and its `bin` directory.
struct build_env {
  /// ENV variables in the order the steps set them (a later value of the
  /// same name replaces the earlier one in place).
  env_vars vars;
  /// `<build dir>/bin`, prepended to PATH.
  std::filesystem::path bin_dir;
};

/// Resolves `NAME: ~` entries (HPE: "pass through from the launching
/// environment") with `lookup`; a name unset there is left out.
env_vars resolve(const config::env_list& vars, const env_lookup& lookup);

/// Environment of the ML of `node`: the build's ENV < task `Envvars` <
/// profile `envvars` < node `usrenvvars` (HPE's order, the image's ENV
/// lowest). Values that are absolute container paths inside a mount or the
/// working directory become host paths under `root`; the build's `bin`
/// directory is prepended to PATH.
env_vars ml_env(const config::run_swarm_body& task, const config::swop_profile& profile,
                const config::sl_node_def& node, const build_env* build,
                const std::filesystem::path& root, const std::vector<mount_point>& mounts,
                const env_lookup& lookup);

/// Environment of the SL of `node`: profile `envvars` < node `slenvvars`;
/// HPE's `SL_LOG_LEVEL` also sets our `SWARM_LOG_LEVEL` unless that is set.
env_vars sl_env(const config::swop_profile& profile, const config::sl_node_def& node,
                const env_lookup& lookup);

/// Returns the value of `name` in `vars`, if present.
std::optional<std::string> find_var(const env_vars& vars, const std::string& name);

/// Sets `name` in `vars` (in place if present, else appended).
void set_var(env_vars& vars, const std::string& name, std::string value);

} // namespace swarm::swop
