#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "swarm/common/error.hpp"

namespace swarm::swci {

/// Where HPE mounts `--usr-dir` inside the SWCI container; scripts `cd` there.
inline constexpr std::string_view container_usr_dir = "/platform/swarm/usr";

/// The SWCI's current directory (`cd`, `ls`, `pwd`), kept apart from the
/// process's so nothing else is affected. Paths under `/platform/swarm/usr`
/// are mapped to the usr dir, so HPE's scripts run unchanged.
class work_dir {
public:
  /// Starts in `start`; `usr_dir` (may be empty) stands for the container path.
  work_dir(std::filesystem::path usr_dir, std::filesystem::path start);

  /// Returns `path` as a host path: container paths mapped, relative ones
  /// taken from the current directory, `.` and `..` folded.
  std::filesystem::path resolve(std::string_view path) const;

  /// Changes to `path`; fails if it is not a directory.
  status change_to(std::string_view path);

  /// Returns the current directory.
  const std::filesystem::path& current() const {
    return current_;
  }

  /// Returns the names in directory `path` ("" for the current one),
  /// sorted, directories with a trailing '/'.
  expected<std::vector<std::string>> list(std::string_view path) const;

private:
  std::filesystem::path usr_dir_;
  std::filesystem::path current_;
};

} // namespace swarm::swci
