#include "swarm/membership/task_ops.hpp"

#include <array>

#include "swarm/config/task.hpp"

namespace swarm::membership {

namespace {

constexpr std::array task_types{std::string_view{"RUN_SWARM"},
                                std::string_view{"MAKE_USER_CONTAINER"},
                                std::string_view{"PULL_IMAGE"},
                                std::string_view{"MAKE_SWARM_USER_CONTENT"}};

// Lines of `to_yaml` before the first body line: five header fields and
// "Body:".
constexpr int yaml_header_lines = 6;

std::string task_name(std::string_view name) {
  return "task " + quote_name(name);
}

// Renders one problem found in `to_yaml`'s text with the position the
// client knows: a body line and column, or the header.
std::string describe(const config::diagnostic& d) {
  std::string where;
  // A missing key has no line of its own: the loader points at the
  // enclosing mapping, which would read as a problem with its first line.
  bool missing = d.message.find("required key is missing") != std::string::npos;
  if (missing)
    where = d.line > yaml_header_lines ? "body" : "header";
  else if (d.line > yaml_header_lines)
    where = "body line " + std::to_string(d.line - yaml_header_lines) + ":"
            + std::to_string(d.column > 2 ? d.column - 2 : 1);
  else
    where = "header";
  return where + ": " + (d.path.empty() ? "" : d.path + ": ") + d.message;
}

} // namespace

bool is_task_type(std::string_view type) noexcept {
  for (auto t : task_types)
    if (t == type)
      return true;
  return false;
}

op_result<task_record> find_task(const swarm_state& state, std::string_view name) {
  if (!is_valid_object_name(name))
    return op_fail(op_errc::invalid, "invalid task name " + quote_name(name)
                                       + ": use 1 to 160 characters of A-Z a-z 0-9 . _ -");
  if (auto x = state.map_of<task_record>().get(name))
    return std::move(*x);
  return op_fail(op_errc::not_found, task_name(name) + " does not exist");
}

std::vector<task_record> list_tasks(const swarm_state& state) {
  std::vector<task_record> result;
  state.map_of<task_record>().for_each([&](const task_record& x) { result.push_back(x); });
  return result;
}

op_result<task_record> create_task(const swarm_state& state, task_record request,
                                   uint64_t now_ms) {
  if (!is_task_type(request.type))
    return op_fail(op_errc::invalid,
                   task_name(request.name) + ": unknown task type " + quote_name(request.type)
                     + ", expected RUN_SWARM, MAKE_USER_CONTAINER, PULL_IMAGE or "
                       "MAKE_SWARM_USER_CONTENT");
  request.finalized = false;
  request.created_ms = now_ms;
  if (auto st = request.check(); !st)
    return op_fail(op_errc::invalid, st.error().message);
  if (state.map_of<task_record>().contains(request.name))
    return op_fail(op_errc::conflict, task_name(request.name) + " already exists");
  return request;
}

op_result<task_record> create_task_from_yaml(const swarm_state& state, std::string_view yaml,
                                             std::string_view source, uint64_t now_ms) {
  auto x = split_task_file(yaml, source);
  if (!x)
    return x;
  return create_task(state, std::move(*x), now_ms);
}

op_result<task_record> set_task_body_line(const swarm_state& state, std::string_view name,
                                          uint64_t index, std::string line) {
  auto x = find_task(state, name);
  if (!x)
    return x;
  if (x->finalized)
    return op_fail(op_errc::conflict,
                   task_name(name) + " is finalized: its body cannot change");
  auto count = x->body.size();
  if (index == 0 || index > count + 1)
    return op_fail(op_errc::invalid,
                   task_name(name) + ": body line index " + std::to_string(index)
                     + " is out of range: the body has " + std::to_string(count)
                     + " lines, use 1 to " + std::to_string(count + 1));
  if (index == count + 1)
    x->body.push_back(std::move(line));
  else
    x->body[index - 1] = std::move(line);
  if (auto st = x->check(); !st)
    return op_fail(op_errc::invalid, st.error().message);
  return x;
}

op_result<task_record> finalize_task(const swarm_state& state, std::string_view name) {
  auto x = find_task(state, name);
  if (!x || x->finalized)
    return x;
  auto checked = config::check_task(x->to_yaml(), x->name);
  if (!checked.problems.empty()) {
    std::string message = task_name(name) + " is not a valid " + x->type + " task:";
    for (const auto& d : checked.problems)
      message += "\n" + describe(d);
    return op_fail(op_errc::invalid, std::move(message));
  }
  x->finalized = true;
  return x;
}

op_result<std::string> delete_task(const swarm_state& state, std::string_view name) {
  auto x = find_task(state, name);
  if (!x)
    return x.error();
  if (x->finalized)
    return op_fail(op_errc::conflict, task_name(name) + " is finalized: it cannot be deleted");
  return x->key();
}

} // namespace swarm::membership
