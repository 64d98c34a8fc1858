#include "swarm/swci/work_dir.hpp"

#include <algorithm>
#include <system_error>

namespace swarm::swci {

namespace fs = std::filesystem;

work_dir::work_dir(fs::path usr_dir, fs::path start)
  : usr_dir_(std::move(usr_dir)), current_(fs::absolute(start).lexically_normal()) {
  // nop
}

fs::path work_dir::resolve(std::string_view path) const {
  std::string_view text = path;
  if (!usr_dir_.empty() && text.starts_with(container_usr_dir)) {
    auto rest = text.substr(container_usr_dir.size());
    if (rest.empty() || rest.front() == '/') {
      while (!rest.empty() && rest.front() == '/')
        rest.remove_prefix(1);
      return (fs::absolute(usr_dir_) / rest).lexically_normal();
    }
  }
  fs::path p{text};
  if (p.is_relative())
    p = current_ / p;
  return p.lexically_normal();
}

status work_dir::change_to(std::string_view path) {
  auto target = resolve(path);
  std::error_code ec;
  if (!fs::is_directory(target, ec))
    return make_error(errc::io_error, target.string() + ": not a directory");
  current_ = target;
  // "a/b/" and "a/b" are the same directory; show it without the slash.
  if (current_.has_parent_path() && current_.filename().empty())
    current_ = current_.parent_path();
  return status::ok();
}

expected<std::vector<std::string>> work_dir::list(std::string_view path) const {
  auto target = path.empty() ? current_ : resolve(path);
  std::error_code ec;
  fs::directory_iterator it{target, ec};
  if (ec)
    return make_error(errc::io_error, target.string() + ": " + ec.message());
  std::vector<std::string> names;
  for (const auto& entry : it) {
    auto name = entry.path().filename().string();
    if (entry.is_directory(ec))
      name += '/';
    names.push_back(std::move(name));
  }
  std::ranges::sort(names);
  return names;
}

} // namespace swarm::swci
