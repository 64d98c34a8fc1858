#pragma once

#include <CLI/CLI.hpp>

namespace swarm::launcher {

/// Registers `swarm swop` (HPE's run-swop): validates the profile, joins
/// the overlay through its SN, enrolls in the profile's taskrunner and
/// executes the tasks assigned to it, one at a time, with the process
/// resource manager (SL and ML as child processes). SIGTERM stops the
/// running task's children and the SWOP.
void add_swop_command(CLI::App& app);

} // namespace swarm::launcher
