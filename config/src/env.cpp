#include "swarm/config/env.hpp"

#include <algorithm>

namespace swarm::config {

env_list merge_env(const env_list& lower, const env_list& higher) {
  auto result = lower;
  for (const auto& var : higher) {
    auto same = [&](const env_var& x) { return x.first == var.first; };
    if (auto i = std::find_if(result.begin(), result.end(), same); i != result.end())
      i->second = var.second;
    else
      result.push_back(var);
  }
  return result;
}

const std::optional<std::string>* find_env(const env_list& vars,
                                           std::string_view name) {
  for (const auto& [key, value] : vars)
    if (key == name)
      return &value;
  return nullptr;
}

} // namespace swarm::config
