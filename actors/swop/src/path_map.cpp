// The per-node view of a container's file system, made of directories and
// symbolic links under one root (see path_map.hpp).

#include "swarm/swop/path_map.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <system_error>

namespace swarm::swop {

namespace fs = std::filesystem;

namespace {

// The mounts as a tree of path components; a node may hold a source.
struct view_node {
  std::optional<fs::path> source;
  std::map<std::string, view_node> children;
};

void insert(view_node& root, const std::string& target, std::optional<fs::path> source) {
  auto* at = &root;
  for (const auto& part : fs::path{target}.relative_path())
    at = &at->children[part.string()];
  if (source)
    at->source = std::move(source);
}

status place(const fs::path& view, const view_node& node, const std::optional<fs::path>& under) {
  std::error_code ec;
  const auto& src = node.source ? node.source : under;
  if (node.children.empty()) {
    if (src && fs::exists(*src, ec))
      fs::create_symlink(*src, view, ec);
    else
      fs::create_directories(view, ec);
    if (ec)
      return make_error(errc::io_error, "cannot create " + view.string() + ": " + ec.message());
    return {};
  }
  // Mounts below this one: a real directory merging the source's entries
  // with the nested mounts, as a bind mount over a subdirectory shows.
  if (src && fs::exists(*src, ec) && !fs::is_directory(*src, ec))
    return make_error(errc::invalid_config,
                      src->string() + " is not a directory but has mounts below it");
  fs::create_directories(view, ec);
  if (ec)
    return make_error(errc::io_error, "cannot create " + view.string() + ": " + ec.message());
  if (src && fs::is_directory(*src, ec)) {
    for (const auto& entry : fs::directory_iterator(*src, ec)) {
      auto name = entry.path().filename().string();
      if (node.children.contains(name))
        continue;
      fs::create_symlink(entry.path(), view / name, ec);
      if (ec)
        return make_error(errc::io_error,
                          "cannot link " + (view / name).string() + ": " + ec.message());
    }
  }
  for (const auto& [name, child] : node.children) {
    std::optional<fs::path> next;
    if (src && fs::exists(*src / name, ec))
      next = *src / name;
    if (auto st = place(view / name, child, next); !st)
      return st;
  }
  return {};
}

bool within(const std::string& path, const std::string& dir) {
  return path == dir || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0
                         && path[dir.size()] == '/');
}

} // namespace

expected<std::string> normalize_container_path(std::string_view path) {
  if (path.empty() || path.front() != '/')
    return make_error(errc::invalid_config,
                      "container path '" + std::string{path} + "' is not absolute");
  auto normal = fs::path{std::string{path}}.lexically_normal().string();
  while (normal.size() > 1 && normal.back() == '/')
    normal.pop_back();
  if (normal == "/" || normal.find("/..") != std::string::npos)
    return make_error(errc::invalid_config,
                      "container path '" + std::string{path} + "' cannot be mounted");
  return normal;
}

fs::path host_source(const std::string& src, config::mount_kind kind, const path_context& ctx) {
  if (kind == config::mount_kind::volume)
    return ctx.volumes_dir / src;
  fs::path p{src};
  return p.is_absolute() ? p.lexically_normal() : (ctx.usr_dir / p).lexically_normal();
}

expected<std::vector<mount_point>> mounts_of(const config::run_swarm_body& task,
                                             const config::sl_node_def& node,
                                             const path_context& ctx) {
  std::vector<mount_point> result;
  auto add = [&](const std::string& tgt, fs::path source) -> status {
    auto target = normalize_container_path(tgt);
    if (!target)
      return target.error();
    for (const auto& m : result)
      if (m.target == *target)
        return make_error(errc::invalid_config, "two mounts at " + *target);
    result.push_back(mount_point{*target, std::move(source)});
    return {};
  };
  if (task.private_content) {
    if (!node.private_data)
      return make_error(errc::invalid_config,
                        "the task has a PrivateContent but node " + std::to_string(node.idx)
                          + " of the profile has no privatedata");
    const auto& pd = *node.private_data;
    if (auto st = add(*task.private_content, host_source(pd.src, pd.m_type, ctx)); !st)
      return st.error();
  }
  for (const auto& s : task.shared_content)
    if (auto st = add(s.tgt, host_source(s.src, s.m_type, ctx)); !st)
      return st.error();
  return result;
}

status build_view(const fs::path& root, const std::vector<mount_point>& mounts,
                  const std::string& working_dir) {
  view_node tree;
  std::error_code ec;
  for (const auto& m : mounts) {
    if (!fs::exists(m.source, ec))
      return make_error(errc::invalid_config, "the source " + m.source.string() + " of mount "
                                                + m.target + " does not exist");
    insert(tree, m.target, m.source);
  }
  if (!working_dir.empty()) {
    auto wd = normalize_container_path(working_dir);
    if (!wd)
      return wd.error();
    insert(tree, *wd, std::nullopt);
  }
  return place(root, tree, std::nullopt);
}

namespace {

// Returns the first component below `dir` of every path in `paths` that
// lies strictly inside `dir` ("/tmp/test/model/x" in "/tmp/test": "model").
std::set<std::string> components_below(const std::string& dir,
                                       const std::vector<std::string>& paths) {
  std::set<std::string> result;
  for (const auto& p : paths) {
    if (p == dir || !within(p, dir))
      continue;
    auto rest = p.substr(dir.size() + 1);
    result.insert(rest.substr(0, rest.find('/')));
  }
  return result;
}

// Moves `from` to `to`, copying across file systems.
status move_entry(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::rename(from, to, ec);
  if (!ec)
    return {};
  if (ec != std::errc::cross_device_link)
    return make_error(errc::io_error, "cannot move " + from.string() + " to " + to.string()
                                        + ": " + ec.message());
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
  if (!ec)
    fs::remove_all(from, ec);
  if (ec)
    return make_error(errc::io_error, "cannot copy " + from.string() + " to " + to.string()
                                        + ": " + ec.message());
  return {};
}

} // namespace

expected<std::vector<fs::path>> write_back_view(const fs::path& root,
                                                const std::vector<mount_point>& mounts,
                                                const std::string& working_dir) {
  std::vector<std::string> structural;
  for (const auto& m : mounts)
    structural.push_back(m.target);
  if (auto wd = normalize_container_path(working_dir))
    structural.push_back(*wd);
  std::vector<fs::path> moved;
  std::string clashes;
  for (const auto& m : mounts) {
    auto keep = components_below(m.target, structural);
    auto dir = host_path(root, m.target);
    std::error_code ec;
    if (keep.empty() || fs::is_symlink(dir, ec) || !fs::is_directory(dir, ec))
      continue; // one link to the source: writes went there already
    for (const auto& e : fs::directory_iterator{dir, ec}) {
      auto name = e.path().filename();
      if (keep.count(name.string()) != 0 || e.is_symlink())
        continue;
      auto to = m.source / name;
      if (fs::exists(fs::symlink_status(to))) {
        clashes += (clashes.empty() ? "" : ", ") + e.path().string();
        continue;
      }
      if (auto st = move_entry(e.path(), to); !st)
        return st.error();
      moved.push_back(to);
    }
  }
  if (!clashes.empty())
    return make_error(errc::io_error, "left in the node's view because the source already has "
                                      "an entry of that name: " + clashes);
  return moved;
}

fs::path host_path(const fs::path& root, std::string_view container_path) {
  return (root / fs::path{std::string{container_path}}.relative_path()).lexically_normal();
}

std::string translate_value(const std::string& value, const fs::path& root,
                            const std::vector<mount_point>& mounts,
                            const std::string& working_dir) {
  auto normal = normalize_container_path(value);
  if (!normal)
    return value;
  auto wd = normalize_container_path(working_dir);
  bool inside = wd && within(*normal, *wd);
  for (const auto& m : mounts)
    inside = inside || within(*normal, m.target);
  return inside ? host_path(root, *normal).string() : value;
}

} // namespace swarm::swop
