#pragma once

#include "context.hpp"
#include "swarm/config/env.hpp"

/// Reading HPE's key-value lists: `envvars`, `slenvvars`, `usrenvvars`,
/// `Envvars`, the `*networkopts` and the `*labels`.
namespace swarm::config::detail {

/// Reads `~` or a list of one-entry maps (`- NAME: value`), where a value is
/// text or `~`. A name given twice is reported: Docker would silently keep
/// one of them, and which one is a guess.
bool read_env_list(context& ctx, const field& f, env_list& out);

/// Reads labels: `~`, a mapping (`name: value`) or a list of names (labels
/// without values, which HPE uses for SPIFFE selectors).
bool read_labels(context& ctx, const field& f, env_list& out);

} // namespace swarm::config::detail
