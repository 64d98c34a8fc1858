#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

/// The SWCI command grammar of HPE's `Swarm_Learning_Command_Interface.md`,
/// as one table: the parser, HELP and the misspelling suggestions all read
/// it, so they cannot disagree.
namespace swarm::swci {

/// Every SWCI command; one per pattern of the table.
enum class command_id : uint8_t {
  create_context_ip,
  create_context_service,
  get_context_info,
  get_context_env,
  get_context_version,
  list_contexts,
  list_context_env,
  set_context_env,
  switch_context,
  create_contract,
  get_contract_info,
  get_contract_status,
  list_contracts,
  perfdata,
  reset_contract,
  append_task_body,
  create_task_from,
  create_task,
  delete_task,
  finalize_task,
  get_task_body,
  get_task_info,
  list_tasks,
  assign_task_all,
  assign_task_peers,
  assign_task_target,
  create_taskrunner,
  get_taskrunner_info,
  get_taskrunner_peer_status,
  get_taskrunner_status,
  list_taskrunners,
  list_taskrunner_peers,
  reset_taskrunner,
  wait_for_taskrunner,
  cd,
  ls,
  pwd,
  exit_on_failure,
  exit,
  list_nodes,
  sleep,
  wait_for_ip,
  wait_for_service,
  help,
};

/// One command of the grammar.
///
/// `pattern` is a sequence of space-separated tokens: an upper-case word is a
/// keyword (matched case-insensitively; `cd`, `ls` and `pwd` are written in
/// lower case as HPE does); `<x>` is a required argument, `[x]` an optional
/// one (optional arguments only come last); `<x...>` or `[x...]` takes the
/// rest of the line verbatim; `[A|B]` is an optional choice of keywords.
struct command_spec {
  /// The command.
  command_id id;
  /// Its syntax, as HELP prints it.
  std::string_view pattern;
  /// One line on what it does.
  std::string_view summary;
};

/// Returns the table, in HELP's order. When two patterns match a line (e.g.
/// `WITH ALL PEERS` and `WITH <n> PEERS`), the earlier one wins.
const std::vector<command_spec>& command_table();

/// Returns the entry of `id`.
const command_spec& spec_of(command_id id);

} // namespace swarm::swci
