#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "swarm/membership/object_ops.hpp"
#include "swarm/membership/state_swarm.hpp"
#include "swarm/membership/state_taskrunner_record.hpp"
#include "swarm/membership/taskrunner_status.hpp"

/// The taskrunner operations of HPE's SWCI (CREATE TASKRUNNER, ASSIGN TASK,
/// RESET TASKRUNNER) as pure functions of the replicated state, returning
/// the record to write or why it was refused (docs/task-api.md).
namespace swarm::membership {

/// Returns taskrunner `name`: its record, or for the default taskrunner
/// (`default_taskrunner`), which exists from the start, an idle record
/// created at 0 while none was written. 404 otherwise.
op_result<taskrunner_record> find_taskrunner(const swarm_state& state, std::string_view name);

/// Returns every taskrunner, the default one included, in name order.
std::vector<taskrunner_record> list_taskrunners(const swarm_state& state);

/// CREATE TASKRUNNER: 400 invalid name, 409 exists (the default too).
op_result<taskrunner_record> create_taskrunner(const swarm_state& state, std::string_view name,
                                               uint64_t now_ms);

/// What ASSIGN TASK asks: exactly one of `peers` > 0 (WITH n PEERS),
/// `all_peers` (WITH ALL PEERS) or a `target` SWOP uuid (TARGET).
struct assign_request {
  /// The taskrunner.
  std::string taskrunner;
  /// The task.
  std::string task;
  /// WITH n PEERS: SL/ML pairs for RUN_SWARM, SWOPs otherwise.
  uint32_t peers = 0;
  /// WITH ALL PEERS: every SWOP enrolled (and alive) now.
  bool all_peers = false;
  /// TARGET: one enrolled SWOP's uuid.
  std::string target;
};

/// ASSIGN TASK. 400 malformed request; 404 unknown taskrunner, task or
/// target SWOP (not enrolled there); 409 task not finalized, its
/// prerequisite (unless ROOTTASK) missing or not finalized, taskrunner
/// RUNNING, or WITH ALL PEERS and no SWOP enrolled.
///
/// A new run gets a new `run_id` (above the old one and at least `now_ms`,
/// so two SNs assigning at once rarely pick the same id; the record that
/// wins the merge names the run and the losing run's SWOPs see theirs is
/// stale). TARGET while the taskrunner holds the same task (any state but
/// IDLE) adds the SWOP to the run: same `run_id`, `targets` gains it and
/// `targeted_ms` is `now_ms`, so a SWOP that failed the run retries it.
/// TARGET otherwise starts a run just for that SWOP (`all_peers`, quorum 1).
op_result<taskrunner_record> assign_task(const swarm_state& state, const assign_request& req,
                                         uint64_t now_ms, const swop_liveness& alive);

/// RESET TASKRUNNER: IDLE with a new `run_id`, so SWOPs stop what the
/// previous assignment started. 404 unknown.
op_result<taskrunner_record> reset_taskrunner(const swarm_state& state, std::string_view name,
                                              uint64_t now_ms);

} // namespace swarm::membership
