#include "env_lists.hpp"
#include "kind_names.hpp"
#include "scalars.hpp"
#include "task_parts.hpp"
#include "walk.hpp"

namespace swarm::config::detail {

namespace {

// HPE's task strings: 1-160 characters, paths at least 2, a build context
// (a volume name) at least 3, a Dockerfile line possibly empty.
constexpr text_limits task_text{1, max_task_string};
constexpr text_limits path_text{2, max_task_string};
constexpr text_limits context_text{3, max_task_string};
constexpr text_limits step_text{0, max_task_string};
constexpr text_limits password_text{0, max_task_string};

constexpr size_t max_shared_content = 10;
constexpr size_t max_build_steps = 80;
constexpr size_t max_ops = 20;

constexpr auto req = presence::required;

// Calls `read_item` on every element of the list `f`, keeping what it
// returns; false if the list or any element had a problem.
template <class T, class F>
bool read_items(context& ctx, const field& f, size_t min_items, size_t max_items,
                bool nullable, std::vector<T>& out, F&& read_item) {
  bool ok = true;
  bool list_ok = read_list(ctx, f, min_items, max_items, nullable,
                           [&](const field& item, size_t) {
                             T value{};
                             if (read_item(item, value))
                               out.push_back(std::move(value));
                             else
                               ok = false;
                           });
  return list_ok && ok;
}

bool read_shared_mount(context& ctx, const field& f, shared_mount& out) {
  map_reader m{ctx, f, {"Src", "Tgt", "MType"}};
  if (!m.ok())
    return false;
  bool ok = m.read("Src", req, [&](const field& v) {
    return read_text(ctx, v, out.src, path_text);
  });
  ok &= m.read("Tgt", req, [&](const field& v) {
    return read_text(ctx, v, out.tgt, path_text);
  });
  ok &= m.read("MType", req, [&](const field& v) {
    return read_enum(ctx, v, out.m_type, mount_names);
  });
  return ok;
}

bool read_options(context& ctx, const field& f, content_op& out) {
  env_list options;
  if (!check_list(ctx, f, 0, SIZE_MAX, false) || !read_env_list(ctx, f, options))
    return false;
  // read_env_list succeeded, so `options` matches the list item for item.
  bool ok = true;
  size_t index = 0;
  for (const auto& node : f.node) {
    auto item = list_item(f, index, node);
    const auto& [name, value] = options[index++];
    if (name != "Out") {
      ctx.report(item, "unknown option \"" + name + "\"; the only option is Out");
      ok = false;
    } else if (!value || value->empty()) {
      ctx.report(item, "expected Out to name a path, got ~");
      ok = false;
    } else {
      out.out = value;
    }
  }
  return ok;
}

bool read_content_op(context& ctx, const field& f, content_op& out) {
  map_reader m{ctx, f, {"Operation", "Target", "Options"}};
  if (!m.ok())
    return false;
  bool ok = m.read("Operation", req, [&](const field& v) {
    return read_enum(ctx, v, out.operation, operation_names);
  });
  ok &= m.read("Target", req, [&](const field& v) {
    return read_text(ctx, v, out.target, task_text);
  });
  ok &= m.read("Options", req, [&](const field& v) {
    return read_options(ctx, v, out);
  });
  return ok;
}

bool read_auth(context& ctx, const field& f, registry_auth& out) {
  if (f.node.IsNull()) {
    out = std::monostate{};
    return true;
  }
  if (f.node.IsScalar()) {
    std::string path;
    if (!read_text(ctx, f, path, task_text))
      return false;
    out = std::move(path);
    return true;
  }
  if (!f.node.IsMap()) {
    ctx.report(f, "expected ~, a config.json path or {Username, Password}, got "
                    + describe(f.node));
    return false;
  }
  map_reader m{ctx, f, {"Username", "Password"}};
  registry_login login;
  bool ok = m.read("Username", req, [&](const field& v) {
    return read_text(ctx, v, login.username, task_text);
  });
  ok &= m.read("Password", req, [&](const field& v) {
    return read_text(ctx, v, login.password, password_text);
  });
  if (ok)
    out = std::move(login);
  return ok;
}

} // namespace

std::optional<task_body> read_run_swarm(context& ctx, const field& f) {
  map_reader m{ctx, f, {"Command", "Entrypoint", "WorkingDir", "Envvars",
                        "PrivateContent", "SharedContent"}};
  if (!m.ok())
    return std::nullopt;
  run_swarm_body out;
  bool ok = m.read("Command", req, [&](const field& v) {
    return read_text(ctx, v, out.command, task_text);
  });
  ok &= m.read("Entrypoint", req, [&](const field& v) {
    return read_text(ctx, v, out.entrypoint, task_text);
  });
  ok &= m.read("WorkingDir", req, [&](const field& v) {
    return read_text(ctx, v, out.working_dir, path_text);
  });
  ok &= m.read("Envvars", req, [&](const field& v) {
    return read_env_list(ctx, v, out.env_vars);
  });
  ok &= m.read("PrivateContent", req, [&](const field& v) {
    return read_text(ctx, v, out.private_content, path_text);
  });
  ok &= m.read("SharedContent", req, [&](const field& v) {
    return read_items(ctx, v, 1, max_shared_content, true, out.shared_content,
                      [&](const field& item, shared_mount& x) {
                        return read_shared_mount(ctx, item, x);
                      });
  });
  if (!ok)
    return std::nullopt;
  return task_body{std::move(out)};
}

std::optional<task_body> read_make_user_container(context& ctx, const field& f) {
  map_reader m{ctx, f, {"BuildContext", "BuildType", "BuildSteps"}};
  if (!m.ok())
    return std::nullopt;
  make_user_container_body out;
  bool ok = m.read("BuildContext", req, [&](const field& v) {
    return read_text(ctx, v, out.build_context, context_text);
  });
  ok &= m.read("BuildType", req, [&](const field& v) {
    return read_enum(ctx, v, out.build_type, build_names);
  });
  ok &= m.read("BuildSteps", req, [&](const field& v) {
    return read_items(ctx, v, 1, max_build_steps, false, out.build_steps,
                      [&](const field& item, std::string& line) {
                        return read_text(ctx, item, line, step_text);
                      });
  });
  if (!ok)
    return std::nullopt;
  return task_body{std::move(out)};
}

std::optional<task_body> read_pull_image(context& ctx, const field& f) {
  map_reader m{ctx, f, {"Tag", "RepoName", "OrgAndReg", "Auth"}};
  if (!m.ok())
    return std::nullopt;
  pull_image_body out;
  bool ok = m.read("Tag", req, [&](const field& v) {
    return read_text(ctx, v, out.tag, task_text);
  });
  ok &= m.read("RepoName", req, [&](const field& v) {
    return read_text(ctx, v, out.repo_name, task_text);
  });
  ok &= m.read("OrgAndReg", req, [&](const field& v) {
    return read_text(ctx, v, out.org_and_reg, task_text);
  });
  ok &= m.read("Auth", req, [&](const field& v) {
    return read_auth(ctx, v, out.auth);
  });
  if (!ok)
    return std::nullopt;
  return task_body{std::move(out)};
}

std::optional<task_body> read_make_swarm_user_content(context& ctx, const field& f) {
  map_reader m{ctx, f, {"ContentType", "OpsList"}};
  if (!m.ok())
    return std::nullopt;
  make_swarm_user_content_body out;
  bool ok = m.read("ContentType", req, [&](const field& v) {
    return read_enum(ctx, v, out.content_type, content_names);
  });
  ok &= m.read("OpsList", req, [&](const field& v) {
    return read_items(ctx, v, 1, max_ops, false, out.ops_list,
                      [&](const field& item, content_op& op) {
                        return read_content_op(ctx, item, op);
                      });
  });
  if (!ok)
    return std::nullopt;
  return task_body{std::move(out)};
}

} // namespace swarm::config::detail
