#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace swarm::test {

/// What a finished child process left behind.
struct process_result {
  /// Exit code, or 128 + signal number if a signal ended it.
  int exit_code = -1;
  /// Whether the deadline passed and the child was killed.
  bool timed_out = false;
  /// Standard output and standard error, interleaved as written.
  std::string output;
};

/// How to start a child process.
struct process_options {
  /// Program and arguments; argv[0] is resolved through PATH.
  std::vector<std::string> argv;
  /// Variables to set (or, with std::nullopt, unset) on top of ours.
  std::map<std::string, std::optional<std::string>> env;
  /// Working directory; empty means ours.
  std::filesystem::path cwd;
  /// Generous upper bound; the child is killed (SIGKILL) past it.
  std::chrono::seconds deadline{300};
};

/// Runs a child to completion, capturing its output through a pipe. Waits on
/// the pipe (poll) rather than sleeping.
process_result run_process(const process_options& opts);

/// A fresh directory under /tmp, removed with everything in it on destruction.
class temp_dir {
public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  /// Returns the directory.
  const std::filesystem::path& path() const {
    return path_;
  }

private:
  std::filesystem::path path_;
};

/// Returns the build's bin/ directory (where `swarm` and `mnist-ml` land).
std::filesystem::path bin_dir();

/// Returns the source tree's root.
std::filesystem::path source_dir();

} // namespace swarm::test
