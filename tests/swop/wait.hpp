#pragma once

// Waiting on conditions in the SWOP's process tests (never a fixed sleep).

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>

#include <sys/types.h>

namespace swarm::test {

/// Polls `done` every 20 ms until it holds or `deadline` passes; returns
/// whether it held.
inline bool wait_until(const std::function<bool()>& done,
                       std::chrono::seconds deadline = std::chrono::seconds{60}) {
  auto end = std::chrono::steady_clock::now() + deadline;
  while (!done()) {
    if (std::chrono::steady_clock::now() > end)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  return true;
}

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
