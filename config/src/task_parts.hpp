#pragma once

#include <optional>

#include "context.hpp"
#include "swarm/config/task.hpp"

// One reader per task type; the top level picks one by `TaskType`.
namespace swarm::config::detail {

/// Reads a RUN_SWARM body.
std::optional<task_body> read_run_swarm(context& ctx, const field& f);

/// Reads a MAKE_USER_CONTAINER body.
std::optional<task_body> read_make_user_container(context& ctx, const field& f);

/// Reads a PULL_IMAGE body.
std::optional<task_body> read_pull_image(context& ctx, const field& f);

/// Reads a MAKE_SWARM_USER_CONTENT body.
std::optional<task_body> read_make_swarm_user_content(context& ctx, const field& f);

} // namespace swarm::config::detail
