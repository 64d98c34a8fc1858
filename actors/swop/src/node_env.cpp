#include "swarm/swop/node_env.hpp"

#include <cstdlib>

namespace swarm::swop {

env_lookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    if (const char* x = std::getenv(name.c_str()))
      return std::string{x};
    return std::nullopt;
  };
}

env_vars resolve(const config::env_list& vars, const env_lookup& lookup) {
  env_vars result;
  for (const auto& [name, value] : vars) {
    if (value)
      set_var(result, name, *value);
    else if (auto inherited = lookup(name))
      set_var(result, name, *inherited);
  }
  return result;
}

std::optional<std::string> find_var(const env_vars& vars, const std::string& name) {
  for (const auto& [k, v] : vars)
    if (k == name)
      return v;
  return std::nullopt;
}

void set_var(env_vars& vars, const std::string& name, std::string value) {
  for (auto& [k, v] : vars)
    if (k == name) {
      v = std::move(value);
      return;
    }
  vars.emplace_back(name, std::move(value));
}

env_vars ml_env(const config::run_swarm_body& task, const config::swop_profile& profile,
                const config::sl_node_def& node, const build_env* build,
                const std::filesystem::path& root, const std::vector<mount_point>& mounts,
                const env_lookup& lookup) {
  env_vars result;
  if (build)
    result = build->vars;
  for (auto& [k, v] : resolve(config::ml_environment(task, profile, node), lookup))
    set_var(result, k, std::move(v));
  for (auto& [k, v] : result)
    v = translate_value(v, root, mounts, task.working_dir);
  if (build && !build->bin_dir.empty()) {
    // The image's PATH would start with its own directories.
    auto path = find_var(result, "PATH");
    if (!path)
      path = lookup("PATH");
    set_var(result, "PATH", build->bin_dir.string() + (path ? ":" + *path : std::string{}));
  }
  return result;
}

env_vars sl_env(const config::swop_profile& profile, const config::sl_node_def& node,
                const env_lookup& lookup) {
  auto result = resolve(config::sl_environment(profile, node), lookup);
  auto level = find_var(result, "SL_LOG_LEVEL");
  if (level && !find_var(result, "SWARM_LOG_LEVEL"))
    set_var(result, "SWARM_LOG_LEVEL", *level);
  return result;
}

} // namespace swarm::swop
