#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "swarm/membership/object_ops.hpp"
#include "swarm/membership/state_swarm.hpp"
#include "swarm/membership/state_task_record.hpp"

/// The task operations of HPE's SWCI (CREATE TASK [FROM], APPEND TASK BODY,
/// FINALIZE TASK, DELETE TASK) as pure functions of the replicated state:
/// each takes the state, the request and the time, and returns the record
/// to write or why it was refused (docs/task-api.md). The caller writes the
/// record (`put`, or `erase` for a delete) and gossips it.
namespace swarm::membership {

/// Returns whether `type` is one of HPE's four task types.
bool is_task_type(std::string_view type) noexcept;

/// Returns the task `name` (live, i.e. created and not deleted), or 404.
op_result<task_record> find_task(const swarm_state& state, std::string_view name);

/// Returns every task, in name order.
std::vector<task_record> list_tasks(const swarm_state& state);

/// CREATE TASK: `request` holds name, type, author, prereq, outcome and
/// optionally body lines. Returns the new, unfinalized record created at
/// `now_ms`; 400 if a field is invalid (unknown type, name, limits), 409 if
/// the name is taken.
op_result<task_record> create_task(const swarm_state& state, task_record request,
                                   uint64_t now_ms);

/// Splits a task file into a record: the header fields, and as body the
/// text lines of its `Body:` block with their common indentation removed
/// (comments and blank lines inside it kept). The file must pass the task
/// schema (`config::check_task`); otherwise 400 with every problem, each
/// `source:line:col: key: message`.
op_result<task_record> split_task_file(std::string_view yaml, std::string_view source);

/// CREATE TASK FROM: `split_task_file`, then `create_task`.
op_result<task_record> create_task_from_yaml(const swarm_state& state, std::string_view yaml,
                                             std::string_view source, uint64_t now_ms);

/// APPEND TASK BODY: `index` is 1-based; `count + 1` appends, `1..count`
/// replaces that line. 404 unknown task, 409 finalized, 400 bad index or
/// line (limits, line breaks).
op_result<task_record> set_task_body_line(const swarm_state& state, std::string_view name,
                                          uint64_t index, std::string line);

/// FINALIZE TASK: the header and body must form a valid task of its type
/// (`config::check_task` on `task_record::to_yaml`); 400 lists every
/// problem, with positions as "body line N:col". Returns the finalized
/// record; a task finalized already comes back unchanged (writing it
/// again is harmless, but callers may skip it).
op_result<task_record> finalize_task(const swarm_state& state, std::string_view name);

/// DELETE TASK: returns the key to erase. 404 unknown, 409 finalized.
op_result<std::string> delete_task(const swarm_state& state, std::string_view name);

} // namespace swarm::membership
