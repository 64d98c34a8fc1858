#pragma once

#include <string>
#include <utility>

#include "swarm/common/error.hpp"
#include "swarm/swop/child_process.hpp"

namespace swarm::launcher {

/// A program the launcher runs on the user's behalf (HPE's ML sidecar; the
/// SWOP's SL nodes): the SWOP's process-group child (`swop::child_process`),
/// so stopping it stops everything it started, and it gets SIGTERM if the
/// launcher dies (PR_SET_PDEATHSIG).
using child_process = swop::child_process;

/// Splits "KEY=VALUE" (HPE's `-e` syntax); the error names the bad entry.
expected<std::pair<std::string, std::string>> parse_env_assignment(const std::string& text);

} // namespace swarm::launcher
