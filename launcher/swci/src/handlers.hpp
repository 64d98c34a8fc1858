#pragma once

#include "swarm/swci/session.hpp"

// The commands, by group; `session::run` dispatches to them.
namespace swarm::swci::detail {

/// CREATE/SWITCH/LIST/GET/SET CONTEXT ...
status run_context_command(session& s, const parsed_command& cmd);

/// Contract commands and PERFDATA.
status run_contract_command(session& s, const parsed_command& cmd);

/// Task commands.
status run_task_command(session& s, const parsed_command& cmd);

/// Taskrunner commands except WAIT FOR TASKRUNNER.
status run_taskrunner_command(session& s, const parsed_command& cmd);

/// WAIT FOR TASKRUNNER.
status wait_for_taskrunner(session& s, const std::string& name);

/// WAIT FOR IP and WAIT FOR SERVICE.
status wait_for_sn(session& s, const endpoint& api, std::string_view retries);

/// cd, ls, pwd, EXIT, EXIT ON FAILURE, LIST NODES, SLEEP, WAIT FOR IP /
/// SERVICE, HELP.
status run_misc_command(session& s, const parsed_command& cmd);

/// Parses a non-negative integer argument called `what`.
expected<uint64_t> parse_count(std::string_view text, std::string_view what);

} // namespace swarm::swci::detail
