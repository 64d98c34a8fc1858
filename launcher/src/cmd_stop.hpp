#pragma once

#include <CLI/CLI.hpp>

namespace swarm::launcher {

/// Registers `swarm stop`, HPE's stop-swarm: stops the swarm processes of
/// this machine (all, or those of the roles named by --sn, --sl, --swop,
/// --swci), optionally only those serving one --host-ip.
void add_stop_command(CLI::App& app);

} // namespace swarm::launcher
