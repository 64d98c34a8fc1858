#include "swarm/config/task.hpp"

#include "document.hpp"
#include "kind_names.hpp"
#include "scalars.hpp"
#include "task_parts.hpp"
#include "walk.hpp"

namespace swarm::config {

namespace detail {

namespace {

constexpr text_limits task_text{1, max_task_string};

constexpr auto req = presence::required;

std::optional<task_body> read_body(context& ctx, const field& f,
                                   std::optional<task_kind> type) {
  if (!type) {
    // Without a valid TaskType we cannot tell which schema applies; still
    // insist on a mapping so an obviously broken body is reported.
    if (!f.node.IsMap())
      ctx.report(f, "expected a mapping, got " + describe(f.node));
    return std::nullopt;
  }
  switch (*type) {
    case task_kind::run_swarm:
      return read_run_swarm(ctx, f);
    case task_kind::make_user_container:
      return read_make_user_container(ctx, f);
    case task_kind::pull_image:
      return read_pull_image(ctx, f);
    case task_kind::make_swarm_user_content:
      return read_make_swarm_user_content(ctx, f);
  }
  return std::nullopt;
}

void read_task(context& ctx, map_reader& m, task_def& out) {
  m.read("Name", req, [&](const field& v) {
    return read_text(ctx, v, out.name, task_text);
  });
  std::optional<task_kind> type;
  m.read("TaskType", req, [&](const field& v) {
    task_kind kind{};
    if (!read_enum(ctx, v, kind, task_names))
      return false;
    type = kind;
    return true;
  });
  m.read("Author", req, [&](const field& v) {
    return read_text(ctx, v, out.author, task_text);
  });
  m.read("Prereq", req, [&](const field& v) {
    return read_text(ctx, v, out.prereq, task_text);
  });
  m.read("Outcome", req, [&](const field& v) {
    return read_text(ctx, v, out.outcome, task_text);
  });
  m.read("Body", req, [&](const field& v) {
    auto body = read_body(ctx, v, type);
    if (!body)
      return false;
    out.body = std::move(*body);
    return true;
  });
  if (type)
    out.task_type = *type;
}

} // namespace

} // namespace detail

checked<task_def> check_task(std::string_view text, std::string_view source_name) {
  detail::context ctx{source_name};
  task_def result;
  if (auto root = detail::load_document(ctx, text)) {
    detail::map_reader m{ctx, *root,
                         {"Name", "TaskType", "Author", "Prereq", "Outcome", "Body"}};
    if (m.ok())
      detail::read_task(ctx, m, result);
  }
  return detail::finish(ctx, std::move(result));
}

expected<task_def> parse_task(std::string_view text, std::string_view source_name) {
  return to_expected(check_task(text, source_name));
}

expected<task_def> load_task(const std::filesystem::path& path) {
  auto text = detail::read_document(path);
  if (!text)
    return text.error();
  return parse_task(*text, path.string());
}

env_list ml_environment(const run_swarm_body& task, const swop_profile& profile,
                        const sl_node_def& node) {
  return merge_env(merge_env(task.env_vars, profile.env_vars), node.usr_env_vars);
}

} // namespace swarm::config
