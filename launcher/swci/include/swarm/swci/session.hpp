#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "swarm/common/error.hpp"
#include "swarm/swci/clock.hpp"
#include "swarm/swci/context_store.hpp"
#include "swarm/swci/parser.hpp"
#include "swarm/swci/sn_client.hpp"
#include "swarm/swci/work_dir.hpp"

namespace swarm::swci {

/// How long SWCI waits, and where it starts.
struct session_options {
  /// `--usr-dir`: what `/platform/swarm/usr` stands for; may be empty.
  std::filesystem::path usr_dir;
  /// The directory SWCI starts in (`--usr-dir` if given, else the process's).
  std::filesystem::path start_dir = ".";
  /// Time between two attempts of WAIT FOR IP / SERVICE (HPE: 5 s).
  std::chrono::milliseconds wait_for_ip_interval{5'000};
  /// Attempts of WAIT FOR IP / SERVICE when none are given (HPE: 360).
  uint32_t wait_for_ip_retries = 360;
  /// Time between two polls of WAIT FOR TASKRUNNER.
  std::chrono::milliseconds taskrunner_poll_interval{5'000};
  /// Longest WAIT FOR TASKRUNNER for a RUN_SWARM task
  /// (`SWCI_RUN_TASK_MAX_WAIT_TIME`).
  std::chrono::minutes run_task_max_wait{120};
  /// Longest WAIT FOR TASKRUNNER for the other task types
  /// (`SWCI_GENERIC_TASK_MAX_WAIT_TIME`).
  std::chrono::minutes generic_task_max_wait{120};
};

/// One SWCI: its contexts, directory and failure mode, running commands
/// against SNs through a `client_factory`. Output goes to one stream;
/// failures come back as errors for the caller to print.
class session {
public:
  /// Creates a session; `time` and `out` must outlive it.
  session(session_options options, client_factory factory, clock& time, std::ostream& out);

  /// Parses and runs one command line.
  status execute(std::string_view line);

  /// Runs a parsed command.
  status run(const parsed_command& cmd);

  /// Returns whether EXIT was run.
  bool exit_requested() const {
    return exit_requested_;
  }

  /// Returns whether a failing script line ends the run (EXIT ON FAILURE).
  bool exit_on_failure() const {
    return exit_on_failure_;
  }

  /// Sets EXIT ON FAILURE.
  void set_exit_on_failure(bool on) {
    exit_on_failure_ = on;
  }

  /// Records that EXIT was run.
  void request_exit() {
    exit_requested_ = true;
  }

  /// Returns the contexts.
  context_store& contexts() {
    return contexts_;
  }

  /// Returns the current directory.
  work_dir& dir() {
    return dir_;
  }

  /// Returns where output goes.
  std::ostream& out() {
    return out_;
  }

  /// Returns the clock.
  clock& time() {
    return time_;
  }

  /// Returns the options.
  const session_options& options() const {
    return options_;
  }

  /// Returns a client for `api` (one per endpoint, reused).
  expected<std::shared_ptr<sn_client>> client_for(const endpoint& api);

  /// Sends a request to the current context's SN; answers other than 2xx
  /// become errors carrying the API's message.
  expected<nlohmann::json> call(http_verb verb, const std::string& path,
                                const nlohmann::json* body = nullptr);

private:
  session_options options_;
  client_factory factory_;
  clock& time_;
  std::ostream& out_;
  context_store contexts_;
  work_dir dir_;
  std::map<std::string, std::shared_ptr<sn_client>> clients_;
  bool exit_on_failure_ = false;
  bool exit_requested_ = false;
};

} // namespace swarm::swci
