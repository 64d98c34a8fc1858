#pragma once

// Waiting on conditions in the SWOP's process tests (never a fixed sleep):
// `wait_until` (tests/support) and what the tests wait for.

#include <filesystem>
#include <fstream>
#include <string>

#include <sys/types.h>

#include "wait_until.hpp"

namespace swarm::test {

/// Returns whether `pid` is gone (no such process, or a zombie).
inline bool process_gone(pid_t pid) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/stat"};
  std::string stat;
  if (!std::getline(in, stat))
    return true;
  auto close = stat.rfind(')');
  return close == std::string::npos || close + 2 >= stat.size() || stat[close + 2] == 'Z';
}

/// Reads a pid written to `file`; 0 while the file is missing.
inline pid_t read_pid(const std::filesystem::path& file) {
  std::ifstream in{file};
  pid_t pid = 0;
  in >> pid;
  return pid;
}

} // namespace swarm::test
