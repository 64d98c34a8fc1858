#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <sys/types.h>

#include "swarm/common/error.hpp"

namespace swarm::swop {

/// How to start a child process.
struct spawn_options {
  /// Program and arguments, run with execvp. Empty: `command` is used.
  std::vector<std::string> argv;
  /// A shell command line for `/bin/sh -c` (when `argv` is empty). A
  /// line that runs one program gets `exec`, so that program is the child
  /// (and gets `death_signal`), not a shell around it.
  std::string command;
  /// Working directory; empty: the parent's.
  std::filesystem::path workdir;
  /// Variables set on top of the parent's environment (later entries win).
  std::vector<std::pair<std::string, std::string>> env;
  /// Where stdout and stderr go (appended); empty: the parent's.
  std::filesystem::path log_file;
  /// Signal the child gets when the thread that started it dies
  /// (PR_SET_PDEATHSIG); 0 for none. SIGTERM lets a child that supervises
  /// its own children (an SL and its ML) stop them in turn.
  int death_signal = 0;
};

/// A child process in its own process group: `stop` signals the whole
/// group, so whatever the child started (a shell's commands, an ML's
/// workers) stops with it. Killed (SIGTERM, then SIGKILL) and reaped when
/// destroyed, so no child outlives its owner. Not thread-safe.
///
/// PR_SET_PDEATHSIG fires when the *thread* that forked exits, so start
/// children from a thread that lives as long as they should.
class child_process {
public:
  /// Starts a child as `opts` says. Fails if the working directory does not
  /// exist or the log file cannot be opened; a program that cannot be
  /// executed exits with status 127 (as a shell reports it).
  static expected<child_process> start(const spawn_options& opts);

  /// Starts `command` through `/bin/sh -c` in `workdir` (empty: the current
  /// directory) with the current environment plus `env` (later entries
  /// win), and SIGTERM as its death signal.
  static expected<child_process> start(const std::string& command,
                                       const std::filesystem::path& workdir,
                                       const std::vector<std::pair<std::string, std::string>>& env);

  child_process(child_process&& other) noexcept;
  child_process& operator=(child_process&& other) noexcept;
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  /// Stops and reaps the child if it still runs.
  ~child_process();

  /// Returns the exit status once the child ended (a signal's number is
  /// reported as 128 + signal, as shells do); nullopt while it runs.
  std::optional<int> poll();

  /// Sends SIGTERM to the child's process group, waits up to `grace_ms`,
  /// then SIGKILLs the group; returns the child's exit status. Members of
  /// the group still running after the child exited are killed too.
  int stop(int grace_ms);

  /// Returns the process id (also the process group id).
  pid_t pid() const noexcept {
    return pid_;
  }

private:
  explicit child_process(pid_t pid) : pid_(pid) {
  }

  pid_t pid_ = -1;
  std::optional<int> status_;
};

} // namespace swarm::swop
