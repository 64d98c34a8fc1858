#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "swarm/common/error.hpp"
#include "swarm/config/profile.hpp"
#include "swarm/config/task.hpp"

/// How the process resource manager gives an ML the file system a container
/// would have: every container path P of a node is the host path
/// `<root>/P`, where `<root>` is a per-node directory of real directories
/// and symbolic links (`docs` in actors/swop/README.md).
namespace swarm::swop {

/// One mount of a container: `target` (an absolute container path) shows
/// the host directory or file `source`.
struct mount_point {
  /// Normalized absolute container path, without a trailing slash.
  std::string target;
  /// Host path.
  std::filesystem::path source;

  /// Field-wise equality.
  friend bool operator==(const mount_point&, const mount_point&) = default;
};

/// Where host paths named in profiles and tasks are resolved.
struct path_context {
  /// `--usr-dir`: relative BIND sources are resolved against it.
  std::filesystem::path usr_dir;
  /// Where VOLUME names live: a volume `v` is the directory `<volumes>/v`.
  std::filesystem::path volumes_dir;
};

/// Normalizes an absolute container path ("/tmp/test/" -> "/tmp/test");
/// rejects relative paths, `..` above the root and the root itself.
expected<std::string> normalize_container_path(std::string_view path);

/// Returns the host path of a BIND source or VOLUME name.
std::filesystem::path host_source(const std::string& src, config::mount_kind kind,
                                  const path_context& ctx);

/// Returns the mounts of `node` running `task`: the profile's `privatedata`
/// at the task's `PrivateContent`, then each `SharedContent` `Tgt` showing
/// its `Src`. Fails on an invalid or duplicated target, or a `PrivateContent`
/// without `privatedata`.
expected<std::vector<mount_point>> mounts_of(const config::run_swarm_body& task,
                                             const config::sl_node_def& node,
                                             const path_context& ctx);

/// Creates the view under `root` (which must not exist or be empty): a
/// mount with no other mount below it is one symbolic link to its source;
/// a mount with mounts below it (HPE's MNIST: `/tmp/test` and
/// `/tmp/test/model`) becomes a real directory holding one link per entry
/// of its source, except the entries the nested mounts replace, which are
/// built the same way. `working_dir` is created too (a real directory
/// unless a source provides it). Nothing is ever written into a source.
status build_view(const std::filesystem::path& root, const std::vector<mount_point>& mounts,
                  const std::string& working_dir);

/// Gives the sources what a bind mount would have given them: entries the
/// ML created directly inside a mount that `build_view` had to make a real
/// directory (because mounts nest below it) are moved into that mount's
/// source, unless the source already has an entry of that name (then the
/// entry stays in the view and is listed in the error). Call once the ML
/// has exited. Returns the host paths the entries now have.
expected<std::vector<std::filesystem::path>>
write_back_view(const std::filesystem::path& root, const std::vector<mount_point>& mounts,
                const std::string& working_dir);

/// Returns `root` + `container_path` (the host path the ML sees it at).
std::filesystem::path host_path(const std::filesystem::path& root,
                                std::string_view container_path);

/// Rewrites an environment value that is an absolute container path inside
/// a mount or the working directory (`DATA_DIR=/tmp/test/data`) to its host
/// path under `root`; returns any other value unchanged.
std::string translate_value(const std::string& value, const std::filesystem::path& root,
                            const std::vector<mount_point>& mounts,
                            const std::string& working_dir);

} // namespace swarm::swop
