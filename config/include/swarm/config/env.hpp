#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace swarm::config {

/// One environment variable as written in a profile or task: `NAME: value`.
/// A missing value (`NAME: ~`) means "pass the variable through from the
/// launching environment", as `docker run -e NAME` does.
using env_var = std::pair<std::string, std::optional<std::string>>;

/// Ordered list of variables (or labels, or network options). Order is kept
/// because HPE hands the lists to Docker in file order.
using env_list = std::vector<env_var>;

/// Returns `lower` with every variable of `higher` applied on top: a name
/// already present takes the higher value in its original place, a new name
/// is appended. A `~` in `higher` overrides too, because HPE treats it as a
/// deliberate "take it from the environment".
env_list merge_env(const env_list& lower, const env_list& higher);

/// Returns the value of `name` in `vars`, or nullptr if absent. The inner
/// optional is empty for `NAME: ~`.
const std::optional<std::string>* find_env(const env_list& vars,
                                           std::string_view name);

} // namespace swarm::config
