#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "swarm/common/error.hpp"
#include "swarm/config/diagnostic.hpp"
#include "swarm/config/env.hpp"
#include "swarm/config/kinds.hpp"
#include "swarm/config/profile.hpp"

/// Task definitions: HPE's `SWOP-task-schema.yaml`. Free strings are at most
/// `max_task_string` characters because HPE stores each in a 256-byte slot
/// on its ledger after base64; we keep the limit so files stay portable.
namespace swarm::config {

/// Longest free string in a task, in characters.
inline constexpr size_t max_task_string = 160;

/// `SharedContent` entry of a RUN_SWARM task.
struct shared_mount {
  /// `Src`: host directory or volume name.
  std::string src;
  /// `Tgt`: directory inside the ML container.
  std::string tgt;
  /// `MType`.
  mount_kind m_type = mount_kind::bind;
};

/// Body of a RUN_SWARM task: how to start the user's ML program.
struct run_swarm_body {
  /// `Command`: arguments after the entrypoint, e.g. `model/mnist_tf.py`.
  std::string command;
  /// `Entrypoint`: the program, e.g. `python3`.
  std::string entrypoint;
  /// `WorkingDir`: absolute working directory inside the container.
  std::string working_dir;
  /// `Envvars`: lowest-precedence ML environment.
  env_list env_vars;
  /// `PrivateContent`: where the node's `privatedata` is mounted.
  std::optional<std::string> private_content;
  /// `SharedContent`: further mounts (0-10; `~` gives none).
  std::vector<shared_mount> shared_content;
};

/// Body of a MAKE_USER_CONTAINER task: a Docker build.
struct make_user_container_body {
  /// `BuildContext`: volume copied into the build context, if any.
  std::optional<std::string> build_context;
  /// `BuildType`.
  build_kind build_type = build_kind::inline_steps;
  /// `BuildSteps`: Dockerfile lines (1-80, each up to 160 characters).
  std::vector<std::string> build_steps;
};

/// `Auth` of a PULL_IMAGE task given as user name and password.
struct registry_login {
  /// `Username`.
  std::string username;
  /// `Password` (may be empty).
  std::string password;
};

/// `Auth` of a PULL_IMAGE task: none (`~`), a config.json path, or a login.
using registry_auth = std::variant<std::monostate, std::string, registry_login>;

/// Body of a PULL_IMAGE task.
struct pull_image_body {
  /// `Tag`, e.g. `latest`.
  std::string tag;
  /// `RepoName`.
  std::string repo_name;
  /// `OrgAndReg`: registry and organization.
  std::string org_and_reg;
  /// `Auth`.
  registry_auth auth;
};

/// One `OpsList` entry of a MAKE_SWARM_USER_CONTENT task.
struct content_op {
  /// `Operation`.
  operation_kind operation = operation_kind::download;
  /// `Target`: the URI or file to act on.
  std::string target;
  /// The `Out` option: where the result goes. HPE supports no other
  /// option, so others are rejected rather than silently ignored.
  std::optional<std::string> out;
};

/// Body of a MAKE_SWARM_USER_CONTENT task.
struct make_swarm_user_content_body {
  /// `ContentType`.
  content_kind content_type = content_kind::build_content;
  /// `OpsList` (1-20 entries), run in order.
  std::vector<content_op> ops_list;
};

/// The body of a task; the alternative matches `task_def::task_type`.
using task_body = std::variant<run_swarm_body, make_user_container_body,
                               pull_image_body, make_swarm_user_content_body>;

/// A whole task definition.
struct task_def {
  /// `Name`.
  std::string name;
  /// `TaskType`.
  task_kind task_type = task_kind::run_swarm;
  /// `Author`.
  std::string author;
  /// `Prereq`: `ROOTTASK` or the name of the task that must finish first.
  std::string prereq;
  /// `Outcome`: identifier of what the task produces (e.g. an image tag).
  std::string outcome;
  /// `Body`.
  task_body body;
};

/// Checks `text` against the task schema, collecting every problem.
checked<task_def> check_task(std::string_view text, std::string_view source_name);

/// Parses a task definition; the error lists every problem, one per line.
expected<task_def> parse_task(std::string_view text, std::string_view source_name);

/// Reads and parses the task definition at `path`.
expected<task_def> load_task(const std::filesystem::path& path);

/// Environment of the ML of `node` running `task`, in HPE's precedence:
/// task `Envvars` < profile `envvars` < node `usrenvvars`.
env_list ml_environment(const run_swarm_body& task, const swop_profile& profile,
                        const sl_node_def& node);

} // namespace swarm::config
