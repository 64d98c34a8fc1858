// The `swarm` command: one binary, one subcommand per role (HPE's run-sn,
// run-sl, run-swop, run-swci, gen-cert, stop-swarm).

#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>

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
  CLI11_PARSE(app, argc, argv);
  auto st = swarm::log::init(log_level.empty()
                               ? std::nullopt
                               : std::optional<std::string_view>{log_level});
  if (!st) {
    std::cerr << "swarm: " << st.error().message << '\n';
    return 2;
  }
  if (app.get_subcommands().empty()) {
    std::cout << app.help();
    return 0;
  }
  return 0;
}
