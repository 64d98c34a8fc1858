#pragma once

#include <CLI/CLI.hpp>

namespace swarm::launcher {

/// Registers `swarm sl` (HPE's run-sl): an SL that joins the overlay
/// through its SN, serves one ML over a local channel and takes part in
/// the merge rounds of the ML's training contract. With `--ml-cmd` it runs
/// the ML as its child (HPE's sidecar) and exits with the ML's status once
/// training is over; SIGTERM stops both.
void add_sl_command(CLI::App& app);

} // namespace swarm::launcher
