#pragma once

#include <CLI/CLI.hpp>

namespace swarm::launcher {

/// Registers `swarm swci` (HPE's run-swci): runs the init script named by
/// `--init-script-name` from `--usr-dir`, then reads commands from the
/// terminal (prompt, line editing, history) or from stdin. Exits 1 if a
/// script line fails under EXIT ON FAILURE or the identity files are
/// unusable, 2 on bad flags, else 0 (also when lines failed with EXIT ON
/// FAILURE OFF, as HPE does).
void add_swci_command(CLI::App& app);

} // namespace swarm::launcher
