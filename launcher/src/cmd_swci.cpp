#include "cmd_swci.hpp"

#include <iostream>
#include <memory>

#include "identity_flags.hpp"
#include "run_registry.hpp"
#include "swarm/common/log.hpp"
#include "swarm/swci/app.hpp"

namespace swarm::launcher {

namespace {

struct swci_args {
  swci::app_options app;
  identity_flags identity;
  std::string log_level;
};

constexpr const char* swci_footer =
  "Commands (HELP inside SWCI lists them) are read from the init script, then from the "
  "terminal or stdin. A script line that fails under EXIT ON FAILURE exits 1 with "
  "<script>:<line>: <command>: <error>; with EXIT ON FAILURE OFF failures are printed and "
  "the run still exits 0, as HPE's does.\n"
  "Environment: SWCI_RUN_TASK_MAX_WAIT_TIME and SWCI_GENERIC_TASK_MAX_WAIT_TIME (minutes, "
  "default 120) bound WAIT FOR TASKRUNNER for RUN_SWARM and other tasks; "
  "SWCI_WAIT_FOR_IP_INTERVAL_MS (default 5000) and SWCI_TASKRUNNER_POLL_INTERVAL_MS "
  "(default 5000) set the retry and poll intervals.";

void run_swci(swci_args& args) {
  if (!args.log_level.empty()) {
    if (auto st = log::init(args.log_level); !st) {
      std::cerr << "swarm swci: " << st.error().message << '\n';
      throw CLI::RuntimeError(2);
    }
  }
  auto& app = args.app;
  app.identity = args.identity.files();
  if (!app.init_script_name.empty()
      && std::filesystem::path{app.init_script_name}.has_parent_path()) {
    std::cerr << "swarm swci: --init-script-name names a file at the top of --usr-dir, not a "
                 "path\n";
    throw CLI::RuntimeError(2);
  }
  // SIGTERM (swarm stop --swci) ends SWCI at once; its entry is then stale
  // and dropped by the next `swarm stop`.
  run_registration registration{"swci", app.sn_ip};
  int code = swci::run_app(app, std::cin, std::cout, std::cerr);
  std::cout << std::flush;
  if (code != 0)
    throw CLI::RuntimeError(code);
}

} // namespace

void add_swci_command(CLI::App& app) {
  auto args = std::make_shared<swci_args>();
  auto* cmd = app.add_subcommand("swci", "Run the Swarm command interface (HPE's run-swci)");
  cmd->footer(swci_footer);
  cmd->add_option("--usr-dir", args->app.usr_dir,
                  "The user's directory; /platform/swarm/usr in scripts stands for it")
    ->check(CLI::ExistingDirectory);
  cmd->add_option("--init-script-name", args->app.init_script_name,
                  "Script at the top of --usr-dir to run first");
  // Not required here, as in HPE's run-swci.
  add_identity_flags(*cmd, args->identity, false);
  cmd->add_option("--sn-ip", args->app.sn_ip,
                  "Optional: an SN whose API becomes the context 'default', made current");
  cmd->add_option("--sn-api-port", args->app.sn_api_port, "API port of --sn-ip (default 30304)");
  cmd->add_option("--log-level", args->log_level, "DEBUG, INFO, WARNING, ERROR or CRITICAL");
  cmd->callback([args] { run_swci(*args); });
}

} // namespace swarm::launcher
