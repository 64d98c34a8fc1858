#include "swarm/swci/command_table.hpp"

#include <cassert>

namespace swarm::swci {

namespace {

using enum command_id;

// Grouped as HPE's documentation groups them: context, contract, task,
// taskrunner, miscellaneous.
const std::vector<command_spec> table = {
  {create_context_ip, "CREATE CONTEXT <name> WITH IP <ip> [port]",
   "Define a context: the SN API at <ip>, port 30304 unless given"},
  {create_context_service, "CREATE CONTEXT <name> WITH SERVICE <fqdn[:port]>",
   "Define a context: the SN API behind a service name"},
  {get_context_info, "GET CONTEXT INFO [name]",
   "Show a context (the current one if no name is given)"},
  {get_context_env, "GET CONTEXT ENV <name> <env>", "Show one variable of a context"},
  {get_context_version, "GET CONTEXT VERSION",
   "Show SWCI's version and that of the current context's SN"},
  {list_contexts, "LIST CONTEXTS", "List the contexts; * marks the current one"},
  {list_context_env, "LIST CONTEXT ENV <name>", "List the variables of a context"},
  {set_context_env, "SET CONTEXT ENV <name> <env> <value>", "Set a variable of a context"},
  {switch_context, "SWITCH CONTEXT <name>", "Make a context the current one"},
  {create_contract, "CREATE CONTRACT <name>", "Create a training contract"},
  {get_contract_info, "GET CONTRACT INFO <name>", "Show a training contract"},
  {get_contract_status, "GET CONTRACT STATUS <name>",
   "Show a contract's state, rounds and last leader"},
  {list_contracts, "LIST CONTRACTS", "List the training contracts"},
  {perfdata, "PERFDATA <name>", "Show each participant's loss, metric and epochs"},
  {reset_contract, "RESET CONTRACT <name>", "Make a contract UNINITIALIZED again"},
  {append_task_body, "APPEND TASK BODY <task> <index> <line...>",
   "Set body line <index> (1-based; count+1 appends) of an unfinalized task"},
  {create_task_from, "CREATE TASK FROM <file>",
   "Validate a task definition file and create the task from it"},
  {create_task, "CREATE TASK <type> <name> <author> <prereq> <outcome>",
   "Create an empty task; add its body with APPEND TASK BODY"},
  {delete_task, "DELETE TASK <name>", "Delete a task that is not finalized"},
  {finalize_task, "FINALIZE TASK <name>", "Check and freeze a task so it can be assigned"},
  {get_task_body, "GET TASK BODY <name>", "Show a task's body"},
  {get_task_info, "GET TASK INFO <name>", "Show a task's header"},
  {list_tasks, "LIST TASKS", "List the tasks"},
  {assign_task_all, "ASSIGN TASK <task> TO <taskrunner> WITH ALL PEERS",
   "Run a task on every SWOP enrolled in the taskrunner"},
  {assign_task_peers, "ASSIGN TASK <task> TO <taskrunner> WITH <n> PEERS",
   "Run a task; RUN_SWARM counts SL/ML pairs, other types count SWOPs"},
  {assign_task_target, "ASSIGN TASK <task> TO <taskrunner> TARGET <swop-uid>",
   "Add one SWOP to a running task, or retry it there"},
  {create_taskrunner, "CREATE TASKRUNNER <name>", "Create a taskrunner"},
  {get_taskrunner_info, "GET TASKRUNNER INFO <name>", "Show a taskrunner"},
  {get_taskrunner_peer_status, "GET TASKRUNNER PEER STATUS <taskrunner> <index|uid>",
   "Show one SWOP of a taskrunner, by index or uid"},
  {get_taskrunner_status, "GET TASKRUNNER STATUS <taskrunner>",
   "Show a taskrunner's state and peer counts"},
  {list_taskrunners, "LIST TASKRUNNERS", "List the taskrunners"},
  {list_taskrunner_peers, "LIST TASKRUNNER PEERS <taskrunner>",
   "List the SWOPs enrolled in a taskrunner"},
  {reset_taskrunner, "RESET TASKRUNNER <taskrunner>",
   "Make a taskrunner IDLE; SWOPs stop what it started"},
  {wait_for_taskrunner, "WAIT FOR TASKRUNNER <taskrunner>",
   "Wait (printing #) until the task is COMPLETE or in ERROR, or the wait times out"},
  {cd, "cd <dir>", "Change SWCI's directory (/platform/swarm/usr is --usr-dir)"},
  {ls, "ls [dir]", "List a directory"},
  {pwd, "pwd", "Show SWCI's directory"},
  {exit_on_failure, "EXIT ON FAILURE [ON|OFF]",
   "In a script: exit non-zero at the first failing command (ON, the default) or go on "
   "(OFF; the run then still exits 0)"},
  {exit, "EXIT", "Leave SWCI"},
  {list_nodes, "LIST NODES", "List the swarm's nodes as the current context's SN sees them"},
  {sleep, "SLEEP <seconds>", "Pause"},
  {wait_for_ip, "WAIT FOR IP <ip> [port] [retries]",
   "Wait until the SN API at <ip> answers (default 360 retries, 5 s apart)"},
  {wait_for_service, "WAIT FOR SERVICE <fqdn[:port]> [retries]",
   "Wait until the SN API behind a service name answers"},
  {help, "HELP [command...]", "Show every command, or those starting with the given words"},
};

} // namespace

const std::vector<command_spec>& command_table() {
  return table;
}

const command_spec& spec_of(command_id id) {
  for (const auto& spec : table)
    if (spec.id == id)
      return spec;
  assert(false && "every command_id has an entry");
  return table.front();
}

} // namespace swarm::swci
