#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <sys/types.h>

#include "swarm/common/error.hpp"

namespace swarm::launcher {

/// A program the launcher runs on the user's behalf (HPE's ML sidecar; the
/// SWOP's SL and ML nodes): started through `/bin/sh -c`, so a command line
/// reads as it would in a shell. Killed (SIGTERM, then SIGKILL) and reaped
/// when destroyed, so no child outlives its launcher.
class child_process {
public:
  /// Starts `command` in `workdir` (empty: the current directory) with the
  /// current environment plus `env` (later entries win). Stop signals are
  /// unblocked in the child.
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

  /// Sends SIGTERM, waits up to `grace_ms`, then SIGKILL; returns the
  /// exit status.
  int stop(int grace_ms);

  /// Returns the process id.
  pid_t pid() const noexcept {
    return pid_;
  }

private:
  explicit child_process(pid_t pid) : pid_(pid) {
  }

  pid_t pid_ = -1;
  std::optional<int> status_;
};

/// Splits "KEY=VALUE" (HPE's `-e` syntax); the error names the bad entry.
expected<std::pair<std::string, std::string>> parse_env_assignment(const std::string& text);

} // namespace swarm::launcher
