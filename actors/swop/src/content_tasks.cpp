// The task types that prepare content: MAKE_USER_CONTAINER (a process
// build), MAKE_SWARM_USER_CONTENT (local files only), and the Docker check.

#include <csignal>

#include "swarm/swop/build_steps.hpp"
#include "swarm/swop/path_map.hpp"
#include "task_kinds.hpp"

namespace swarm::swop {

namespace fs = std::filesystem;

fs::path volumes_dir(const executor_config& cfg) {
  return cfg.data_dir / "volumes";
}

error docker_unavailable(const executor_config& cfg) {
  std::error_code ec;
  if (!fs::exists(cfg.docker_socket, ec))
    return make_error(errc::invalid_config,
                      "resourcemgr.mgrtype DOCKER: no Docker engine on this host ("
                        + cfg.docker_socket.string()
                        + " not found); set mgrtype: PROCESS in the profile to run SL and ML "
                          "as processes");
  return make_error(errc::invalid_config,
                    "resourcemgr.mgrtype DOCKER: this SWOP has no Docker resource manager yet; "
                    "set mgrtype: PROCESS in the profile to run SL and ML as processes");
}

status make_user_container(const executor_config& cfg, const config::task_def& task,
                           std::stop_token stop) {
  const auto& body = std::get<config::make_user_container_body>(task.body);
  if (body.build_type == config::build_kind::remote)
    return make_error(errc::invalid_config, "BuildType REMOTE is not supported (HPE never "
                                            "implemented it either); use INLINE");
  auto steps = parse_build_steps(body.build_steps);
  if (!steps)
    return steps.error();
  build_dirs dirs;
  dirs.build_dir = cfg.data_dir / "envs" / dir_name(task.outcome);
  dirs.log_file = dirs.build_dir / "build.log";
  // BuildContext names a volume; a directory of that name in the usr dir
  // does as well.
  dirs.context_dir = cfg.usr_dir;
  if (body.build_context) {
    std::error_code ec;
    auto volume = volumes_dir(cfg) / *body.build_context;
    auto local = host_source(*body.build_context, config::mount_kind::bind,
                             path_context{cfg.usr_dir, volumes_dir(cfg)});
    if (fs::is_directory(volume, ec))
      dirs.context_dir = volume;
    else if (fs::is_directory(local, ec))
      dirs.context_dir = local;
    else
      return make_error(errc::invalid_config, "BuildContext '" + *body.build_context
                                                + "': neither " + volume.string() + " nor "
                                                + local.string() + " is a directory");
  }
  return run_build_steps(*steps, dirs, stop);
}

namespace {

// A local path from a Target: `file:///x`, `/x`, or relative to usr-dir.
expected<fs::path> local_target(const executor_config& cfg, const std::string& target) {
  std::string path = target;
  if (path.rfind("file://", 0) == 0)
    path = path.substr(7);
  else if (path.find("://") != std::string::npos)
    return make_error(errc::invalid_config,
                      "Target " + target + " needs network access, which the process "
                                           "resource manager does not do; fetch it first "
                                           "and name the local file");
  fs::path p = host_source(path, config::mount_kind::bind, path_context{cfg.usr_dir, {}});
  std::error_code ec;
  if (!fs::exists(p, ec))
    return make_error(errc::invalid_config, "Target " + target + ": " + p.string()
                                              + " does not exist");
  return p;
}

status extract(const fs::path& archive, const fs::path& out, std::stop_token stop) {
  auto name = archive.filename().string();
  spawn_options opts;
  if (name.ends_with(".zip"))
    opts.argv = {"unzip", "-o", "-q", archive.string(), "-d", out.string()};
  else
    opts.argv = {"tar", "-xf", archive.string(), "-C", out.string()};
  opts.death_signal = SIGTERM;
  auto child = child_process::start(opts);
  if (!child)
    return child.error();
  auto code = wait_child(*child, stop, 2'000);
  if (!code)
    return make_error(errc::invalid_argument, "stopped");
  if (*code != 0)
    return make_error(errc::invalid_config, "cannot extract " + archive.string() + " (" +
                                              opts.argv.front() + " exited with status "
                                              + std::to_string(*code) + ")");
  return {};
}

} // namespace

status make_user_content(const executor_config& cfg, const config::task_def& task,
                         std::stop_token stop) {
  const auto& body = std::get<config::make_swarm_user_content_body>(task.body);
  for (const auto& op : body.ops_list) {
    auto src = local_target(cfg, op.target);
    if (!src)
      return src.error();
    // Out names a volume (HPE); an absolute path is taken as it is.
    auto out_name = op.out.value_or(task.outcome);
    fs::path out = fs::path{out_name}.is_absolute() ? fs::path{out_name}
                                                    : volumes_dir(cfg) / out_name;
    std::error_code ec;
    fs::create_directories(out, ec);
    if (ec)
      return make_error(errc::io_error, "cannot create " + out.string() + ": " + ec.message());
    if (op.operation == config::operation_kind::extract) {
      if (auto st = extract(*src, out, stop); !st)
        return st;
      continue;
    }
    auto to = fs::is_directory(*src) ? out : out / src->filename();
    fs::copy(*src, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing, ec);
    if (ec)
      return make_error(errc::io_error, "cannot copy " + src->string() + " to " + to.string()
                                          + ": " + ec.message());
  }
  return {};
}

} // namespace swarm::swop
