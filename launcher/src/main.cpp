// The `swarm` command: one binary, one subcommand per role (HPE's run-sn,
// run-sl, run-swop, run-swci, gen-cert, stop-swarm).

#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>

#include "cmd_gen_cert.hpp"
#include "cmd_sl.hpp"
#include "cmd_sn.hpp"
#include "cmd_swci.hpp"
#include "cmd_stop.hpp"
#include "cmd_swop.hpp"
#include "swarm/common/log.hpp"
#include "swarm/common/version.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Swarm: open, native Swarm Learning (HPE Swarm Learning "
               "compatible)",
               "swarm"};
  app.set_version_flag("--version", std::string{"swarm "} + swarm::version
                                      + " (HPE Swarm Learning "
                                      + swarm::hpe_compat_version
                                      + " compatible)");
  std::string log_level;
  app.add_option("--log-level", log_level,
                 "DEBUG, INFO, WARNING, ERROR or CRITICAL (default: "
                 "$SWARM_LOG_LEVEL, else INFO)");
  app.require_subcommand(0, 1);
  // Global options take effect before any subcommand's callback runs.
  app.parse_complete_callback([&] {
    auto st = swarm::log::init(log_level.empty()
                                 ? std::nullopt
                                 : std::optional<std::string_view>{log_level});
    if (!st)
      throw CLI::ValidationError(st.error().message);
  });
  // Each command registers a subcommand whose callback runs it; a failing
  // command reports on stderr and throws CLI::RuntimeError(exit code).
  swarm::launcher::add_gen_cert_command(app);
  swarm::launcher::add_sn_command(app);
  swarm::launcher::add_sl_command(app);
  swarm::launcher::add_swci_command(app);
  swarm::launcher::add_stop_command(app);
  swarm::launcher::add_swop_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();
  } catch (const CLI::ParseError& e) {
    // Help and version exit 0; every usage error exits 2.
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (app.get_subcommands().empty())
    std::cout << app.help();
  return 0;
}
