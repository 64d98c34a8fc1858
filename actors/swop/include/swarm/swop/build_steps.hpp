#pragma once

#include <cstddef>
#include <filesystem>
#include <stop_token>
#include <string>
#include <vector>

#include "swarm/common/error.hpp"
#include "swarm/swop/child_process.hpp"
#include "swarm/swop/node_env.hpp"

/// MAKE_USER_CONTAINER under the process resource manager: the task's
/// BuildSteps (Dockerfile lines) run in a build directory instead of an
/// image (actors/swop/README.md).
namespace swarm::swop {

/// What one BuildSteps line does. Keywords are Dockerfile instructions in
/// upper case; a line starting with anything else is a shell command, so
/// `env FOO=1 make` or `copy` in lower case stay shell commands.
enum class step_kind : uint8_t {
  /// `FROM image`: recorded in the log; there is no base image.
  from,
  /// `RUN cmd`, or a line that is not an instruction: `/bin/sh -c cmd` in
  /// the current directory.
  run,
  /// `ENV k=v ...` or `ENV k v`: set for later steps and recorded for the
  /// tasks that run in this environment.
  env,
  /// `COPY src... dst` / `ADD` of local paths: from the build context into
  /// the build directory.
  copy,
  /// `WORKDIR dir`: the directory later steps run in (created).
  workdir,
  /// Any other instruction (LABEL, USER, CMD, EXPOSE, ARG, ...): ignored.
  ignored,
};

/// One parsed line.
struct build_step {
  /// What it does.
  step_kind kind = step_kind::run;
  /// 1-based line number within BuildSteps.
  size_t line = 0;
  /// The line as written.
  std::string text;
  /// The instruction's arguments: the command (run), the directory
  /// (workdir), the image (from); empty otherwise.
  std::string argument;
  /// `env`: the variables set; `copy`: sources then destination last.
  std::vector<std::string> words;
  /// `env`: variable names and values, in order.
  env_vars vars;
};

/// Parses BuildSteps; the error names the line (`BuildSteps line 3 (ENV):
/// expected k=v or k v`).
expected<std::vector<build_step>> parse_build_steps(const std::vector<std::string>& lines);

/// Where a build runs.
struct build_dirs {
  /// The build directory (`<data-dir>/envs/<Outcome>`): the image's root;
  /// absolute paths of COPY and WORKDIR land below it.
  std::filesystem::path build_dir;
  /// Where COPY sources are read from (the BuildContext, or the usr dir).
  std::filesystem::path context_dir;
  /// The log every step's output is appended to.
  std::filesystem::path log_file;
};

/// Runs `steps` in order; stops at the first failing line, with an error
/// naming it (`BuildSteps line 2 (RUN false) failed with exit status 1`).
/// On success the recorded environment is saved in the build directory
/// (`load_build_env` reads it). A stop request ends the running step.
status run_build_steps(const std::vector<build_step>& steps, const build_dirs& dirs,
                       std::stop_token stop);

/// Reads what a successful build of `build_dir` recorded.
expected<build_env> load_build_env(const std::filesystem::path& build_dir);

/// Waits for `child` to exit, polling every 50 ms; stops it (and returns
/// nullopt) once `stop` is requested.
std::optional<int> wait_child(child_process& child, std::stop_token stop, int grace_ms);

} // namespace swarm::swop
