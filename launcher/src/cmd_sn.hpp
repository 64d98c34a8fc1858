#pragma once

#include <CLI/CLI.hpp>

namespace swarm::launcher {

/// Registers `swarm sn` (HPE's run-sn): an SN, or with `--sentinel` the
/// overlay's first SN, serving its API on `--sn-api-port`. Runs until
/// SIGTERM or SIGINT, then leaves the overlay gracefully and exits 0. Bad
/// flags exit 2; identity files, ports or a data directory that cannot be
/// used print the reason on stderr and throw CLI::RuntimeError(1).
void add_sn_command(CLI::App& app);

} // namespace swarm::launcher
