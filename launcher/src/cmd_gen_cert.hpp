#pragma once

#include <CLI/CLI.hpp>

namespace swarm::launcher {

/// Registers `swarm gen-cert -e EXAMPLE -i HOST [--dir D] [--days N]
/// [--force] [--san ENTRY]... [--host-name NAME]`: writes HPE's certificate
/// tree for one host. On failure the callback prints the reason on stderr and
/// throws CLI::RuntimeError(1), which main turns into exit code 1.
void add_gen_cert_command(CLI::App& app);

} // namespace swarm::launcher
