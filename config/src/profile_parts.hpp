#pragma once

#include <optional>

#include "context.hpp"
#include "swarm/config/profile.hpp"

// The profile check is split by level; these are the pieces the top level
// calls.
namespace swarm::config::detail {

/// Reads one element of `nodes` (the `- slnodedef:` wrapper included).
/// Returns nothing if it had problems; they are reported to `ctx`.
std::optional<sl_node_def> read_node(context& ctx, const field& item);

/// Reads `usrcontaineropts`: `~` or a list of one-entry mappings whose keys
/// are the Docker options HPE passes through for GPUs.
bool read_container_opts(context& ctx, const field& f, std::vector<container_opt>& out);

} // namespace swarm::config::detail
