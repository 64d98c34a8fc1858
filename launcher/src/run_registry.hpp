#pragma once

// Which swarm processes run on this machine, for `swarm stop` (HPE's
// stop-swarm). Each long-running command (sn, sl, swop, swci) registers
// itself in a per-user directory; `swarm stop` reads the entries back.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <sys/types.h>

#include "swarm/common/error.hpp"

namespace swarm::launcher {

/// One registered process.
struct run_entry {
  /// "sn", "sl", "swop" or "swci".
  std::string role;
  /// Its process id.
  pid_t pid = 0;
  /// Its start time in clock ticks since boot (/proc/<pid>/stat field
  /// 22): tells the registered process from a later one reusing the pid.
  uint64_t start_ticks = 0;
  /// The host address it serves (`--host-ip`); empty if it has none.
  std::string host;
  /// Where the entry is stored.
  std::filesystem::path file;
};

/// Returns the registry directory: `$SWARM_RUN_DIR` if set, else
/// `/tmp/swarm-run-<uid>`.
std::filesystem::path run_directory();

/// Registers the calling process while alive: the entry is removed when
/// the guard is destroyed (a killed process leaves a stale entry, which
/// `list_runs` recognises and drops).
class run_registration {
public:
  /// Registers this process as `role` serving `host`. Failing to register
  /// is not fatal (the process still runs; only `swarm stop` cannot see it):
  /// the error is logged.
  run_registration(std::string role, std::string host);

  ~run_registration();

  run_registration(const run_registration&) = delete;
  run_registration& operator=(const run_registration&) = delete;

private:
  std::filesystem::path file_;
};

/// Returns the start time of `pid` in clock ticks since boot, or 0 if no
/// such process exists or it has exited (a zombie).
uint64_t process_start_ticks(pid_t pid);

/// Returns the live registered processes in `dir`; entries of processes
/// that are gone (or whose pid now belongs to another process) are removed.
std::vector<run_entry> list_runs(const std::filesystem::path& dir);

} // namespace swarm::launcher
