#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <string>

#include "swarm/common/error.hpp"
#include "swarm/identity/preflight.hpp"
#include "swarm/swci/session.hpp"

namespace swarm::swci {

/// What `swarm swci` was started with.
struct app_options {
  /// `--usr-dir`: the user's files; `/platform/swarm/usr` in scripts.
  std::filesystem::path usr_dir;
  /// `--init-script-name`: a file at the top of the usr dir, run first.
  std::string init_script_name;
  /// `--key`, `--cert`, `--capath`, `--cacert`.
  identity::identity_files identity;
  /// `--sn-ip` (optional): a context "default" for this SN, made current.
  std::string sn_ip;
  /// `--sn-api-port`, with `--sn-ip`.
  uint16_t sn_api_port = default_api_port;
};

/// Reads the environment's settings into `options`: the wait limits
/// `SWCI_RUN_TASK_MAX_WAIT_TIME` and `SWCI_GENERIC_TASK_MAX_WAIT_TIME`
/// (minutes), and, for tests, `SWCI_WAIT_FOR_IP_INTERVAL_MS` and
/// `SWCI_TASKRUNNER_POLL_INTERVAL_MS`. Fails on a value that is not a number.
status apply_environment(session_options& options);

/// Runs the SWCI: the init script if one is named, then, unless it ran
/// EXIT or failed under EXIT ON FAILURE, commands from the terminal (a
/// prompt with line editing) or, if stdin is not one, line by line from
/// stdin. Returns the exit code: 1 after a failure under EXIT ON FAILURE or
/// a bad start (identity, script or environment), else 0.
int run_app(const app_options& options, std::istream& in, std::ostream& out, std::ostream& err);

} // namespace swarm::swci
