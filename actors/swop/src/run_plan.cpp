#include "swarm/swop/run_plan.hpp"

#include <fstream>

#include <unistd.h>

#include "swarm/config/defaults.hpp"
#include "task_kinds.hpp"

namespace swarm::swop {

namespace fs = std::filesystem;

namespace {

struct identity_files {
  std::string key, cert, capath, cacert;
};

expected<identity_files> identity_of(const config::sl_node_def& node, const path_context& ctx) {
  identity_files ids;
  for (const auto& a : node.identity) {
    auto path = host_source(a.src, a.m_type, ctx);
    if (a.sub_path)
      path /= *a.sub_path;
    switch (a.a_type) {
      case config::identity_kind::key:
        ids.key = path.string();
        break;
      case config::identity_kind::cert:
        ids.cert = path.string();
        break;
      case config::identity_kind::capath:
        ids.capath = path.string();
        break;
      case config::identity_kind::cacert:
        ids.cacert = path.string();
        break;
      case config::identity_kind::spiffe_socketpath:
        return make_error(errc::invalid_config, "SPIFFE identities are not supported");
    }
  }
  if (ids.key.empty() || ids.cert.empty() || (ids.capath.empty() && ids.cacert.empty()))
    return make_error(errc::invalid_config,
                      "identity needs KEY, CERT and CAPATH or CACERT entries");
  return ids;
}

std::string first_word(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos)
    return {};
  return s.substr(b, s.find_first_of(" \t", b) - b);
}

} // namespace

fs::path find_program(const std::string& program, const fs::path& workdir,
                      const std::string& path) {
  if (program.empty())
    return {};
  if (program.find('/') != std::string::npos) {
    fs::path p = fs::path{program}.is_absolute() ? fs::path{program} : workdir / program;
    return access(p.c_str(), X_OK) == 0 ? p : fs::path{};
  }
  size_t begin = 0;
  for (;;) {
    auto end = path.find(':', begin);
    auto dir = path.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
    auto p = (dir.empty() ? workdir : fs::path{dir}) / program;
    if (access(p.c_str(), X_OK) == 0 && !fs::is_directory(p))
      return p;
    if (end == std::string::npos)
      return {};
    begin = end + 1;
  }
}

expected<node_plan> plan_node(const executor_config& cfg, const config::run_swarm_body& task,
                              const config::sl_node_def& node, const build_env* build,
                              const fs::path& run_dir, const env_lookup& lookup) {
  node_plan p;
  p.idx = node.idx;
  p.node_dir = run_dir / std::to_string(node.idx);
  p.root = p.node_dir / "root";
  p.log = run_dir / ("sl" + std::to_string(node.idx) + ".log");
  path_context ctx{cfg.usr_dir, volumes_dir(cfg)};
  auto mounts = mounts_of(task, node, ctx);
  if (!mounts)
    return mounts.error();
  p.mounts = std::move(*mounts);
  std::error_code ec;
  // remove_all removes links, never what they point to.
  fs::remove_all(p.root, ec);
  if (auto st = build_view(p.root, p.mounts, task.working_dir); !st)
    return st.error();
  auto wd = normalize_container_path(task.working_dir);
  if (!wd)
    return make_error(errc::invalid_config, "WorkingDir: " + wd.error().message);
  p.ml_workdir = host_path(p.root, *wd);
  p.ml_env = ml_env(task, cfg.profile, node, build, p.root, p.mounts, lookup);
  auto path = find_var(p.ml_env, "PATH");
  if (!path)
    path = lookup("PATH");
  auto entry = first_word(task.entrypoint);
  if (find_program(entry, p.ml_workdir, path.value_or("/usr/bin:/bin")).empty())
    return make_error(errc::invalid_config, "Entrypoint '" + entry + "' not found (in PATH or "
                                              + p.ml_workdir.string() + ")");
  p.ml_cmd = task.entrypoint + (task.command.empty() ? "" : " " + task.command);
  auto ids = identity_of(node, ctx);
  if (!ids)
    return ids.error();
  auto sl_data = cfg.data_dir / "nodes" / std::to_string(node.idx);
  fs::create_directories(sl_data, ec);
  p.sl_data_dir = sl_data;
  auto host = node.sl_host_ip.value_or(cfg.host_ip);
  auto port = node.sl_port.value_or(config::defaults::sl_fs_port);
  p.argv = {cfg.swarm_binary.string(), "sl", "--host-ip", host, "--sn-ip", cfg.sn_ip,
            "--sn-api-port", std::to_string(cfg.sn_api_port), "--sn-p2p-port",
            std::to_string(cfg.sn_p2p_port), "--sl-fs-port", std::to_string(port), "--key",
            ids->key, "--cert", ids->cert};
  if (!ids->capath.empty())
    p.argv.insert(p.argv.end(), {"--capath", ids->capath});
  else
    p.argv.insert(p.argv.end(), {"--cacert", ids->cacert});
  p.argv.insert(p.argv.end(), {"--data-dir", sl_data.string(), "--ml-cmd", p.ml_cmd, "--ml-w",
                               p.ml_workdir.string(), "--ml-connect-timeout",
                               std::to_string(cfg.ml_connect_timeout_s)});
  for (const auto& [k, v] : p.ml_env)
    p.argv.insert(p.argv.end(), {"--ml-e", k + "=" + v});
  p.env = sl_env(cfg.profile, node, lookup);
  return p;
}

std::string node_plan::describe() const {
  std::string result;
  for (const auto& a : argv)
    result += (result.empty() ? "" : " ")
              + (a.find_first_of(" \t\"'") == std::string::npos ? a : "'" + a + "'");
  return result;
}

std::string first_error_line(const fs::path& log) {
  std::ifstream in{log};
  std::string line, last;
  while (std::getline(in, line)) {
    for (const char* marker : {" : ERROR : ", " : CRITICAL : "})
      if (auto at = line.find(marker); at != std::string::npos)
        return line.substr(at + std::char_traits<char>::length(marker));
    if (!line.empty())
      last = line;
  }
  return last;
}

} // namespace swarm::swop
