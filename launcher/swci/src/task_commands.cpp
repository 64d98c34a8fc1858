// Task commands: CREATE TASK [FROM], APPEND TASK BODY, FINALIZE, DELETE,
// GET TASK INFO / BODY, LIST TASKS (docs/task-api.md, "Tasks").
#include <array>
#include <fstream>
#include <ostream>
#include <sstream>

#include "handlers.hpp"
#include "swarm/config/diagnostic.hpp"
#include "swarm/config/task.hpp"
#include "swarm/swci/table.hpp"

namespace swarm::swci::detail {

namespace {

using json = nlohmann::json;

constexpr std::array<std::string_view, 4> task_types = {
  "RUN_SWARM", "MAKE_USER_CONTAINER", "PULL_IMAGE", "MAKE_SWARM_USER_CONTENT"};

std::string task_path(std::string_view name, std::string_view tail = {}) {
  return "/v1/tasks/" + path_segment(name) + std::string{tail};
}

expected<std::string> read_task_file(const std::filesystem::path& path) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec)
    return make_error(errc::io_error, path.string() + ": " + ec.message());
  if (size > config::max_document_bytes)
    return make_error(errc::invalid_argument, path.string() + ": larger than a task file can be");
  std::ifstream in{path, std::ios::binary};
  std::ostringstream text;
  text << in.rdbuf();
  if (!in)
    return make_error(errc::io_error, path.string() + ": cannot read");
  return text.str();
}

// Validates locally first, so a bad file is reported with its line and
// column (config/'s messages) before anything reaches the SN.
status create_task_from(session& s, const std::string& file) {
  auto text = read_task_file(s.dir().resolve(file));
  if (!text)
    return text.error();
  auto task = config::parse_task(*text, file);
  if (!task)
    return task.error();
  json body = {{"yaml", *text}, {"source", file}};
  auto reply = s.call(http_verb::post, "/v1/tasks", &body);
  if (!reply)
    return reply.error();
  s.out() << "Task " << task->name << " created from " << file << '\n';
  return status::ok();
}

status create_task(session& s, const parsed_command& cmd) {
  auto type = to_upper(cmd.args[0]);
  if (std::ranges::find(task_types, type) == task_types.end())
    return make_error(errc::invalid_argument,
                      "unknown task type '" + cmd.args[0]
                        + "' (RUN_SWARM, MAKE_USER_CONTAINER, PULL_IMAGE or "
                          "MAKE_SWARM_USER_CONTENT)");
  json body = {{"type", type},         {"name", cmd.args[1]},    {"author", cmd.args[2]},
               {"prereq", cmd.args[3]}, {"outcome", cmd.args[4]}, {"body", json::array()}};
  auto reply = s.call(http_verb::post, "/v1/tasks", &body);
  if (!reply)
    return reply.error();
  s.out() << "Task " << cmd.args[1] << " created\n";
  return status::ok();
}

status append_body(session& s, const parsed_command& cmd) {
  auto index = parse_count(cmd.args[1], "the line index");
  if (!index)
    return index.error();
  if (*index == 0)
    return make_error(errc::invalid_argument, "body line indexes start at 1");
  json body = {{"index", *index}, {"line", cmd.args[2]}};
  auto reply = s.call(http_verb::post, task_path(cmd.args[0], "/body"), &body);
  if (!reply)
    return reply.error();
  s.out() << "Task " << cmd.args[0] << ": body line " << *index << " set ("
          << to_cell(*reply, "/body_lines") << " lines)\n";
  return status::ok();
}

void print_task_info(std::ostream& out, const json& task) {
  print_fields(out, task,
               {{"Name", "/name"}, {"TaskType", "/type"}, {"Author", "/author"},
                {"Prereq", "/prereq"}, {"Outcome", "/outcome"}, {"Finalized", "/finalized"},
                {"Body lines", "/body_lines"}, {"Created", "/created_ms"}});
}

void print_task_body(std::ostream& out, const json& task) {
  if (!task.contains("body") || !task["body"].is_array() || task["body"].empty()) {
    out << "(empty body)\n";
    return;
  }
  for (const auto& line : task["body"])
    out << (line.is_string() ? line.get<std::string>() : line.dump()) << '\n';
}

status show_task(session& s, const parsed_command& cmd) {
  auto reply = s.call(http_verb::get, task_path(cmd.args[0]));
  if (!reply)
    return reply.error();
  if (cmd.id == command_id::get_task_info)
    print_task_info(s.out(), *reply);
  else
    print_task_body(s.out(), *reply);
  return status::ok();
}

status task_action(session& s, const parsed_command& cmd) {
  bool finalize = cmd.id == command_id::finalize_task;
  auto reply = finalize ? s.call(http_verb::post, task_path(cmd.args[0], "/finalize"))
                        : s.call(http_verb::del, task_path(cmd.args[0]));
  if (!reply)
    return reply.error();
  s.out() << "Task " << cmd.args[0] << (finalize ? " finalized" : " deleted") << '\n';
  return status::ok();
}

} // namespace

status run_task_command(session& s, const parsed_command& cmd) {
  switch (cmd.id) {
    case command_id::create_task_from:
      return create_task_from(s, cmd.args[0]);
    case command_id::create_task:
      return create_task(s, cmd);
    case command_id::append_task_body:
      return append_body(s, cmd);
    case command_id::finalize_task:
    case command_id::delete_task:
      return task_action(s, cmd);
    case command_id::list_tasks: {
      auto reply = s.call(http_verb::get, "/v1/tasks");
      if (!reply)
        return reply.error();
      print_table(s.out(), array_at(*reply, "tasks"),
                  {{"NAME", "/name"}, {"TYPE", "/type"}, {"AUTHOR", "/author"},
                   {"PREREQ", "/prereq"}, {"OUTCOME", "/outcome"},
                   {"FINALIZED", "/finalized"}, {"BODY LINES", "/body_lines"}});
      return status::ok();
    }
    default:
      return show_task(s, cmd);
  }
}

} // namespace swarm::swci::detail
