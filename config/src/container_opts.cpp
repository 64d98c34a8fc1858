#include <algorithm>
#include <array>

#include "profile_parts.hpp"
#include "scalars.hpp"
#include "walk.hpp"

namespace swarm::config::detail {

namespace {

// The Docker options HPE documents for `usrcontaineropts` (NVIDIA `gpus`,
// the AMD set), grouped by the value type Docker expects.
constexpr std::array<std::string_view, 3> text_opts{"gpus", "ipc", "shm-size"};
constexpr std::array<std::string_view, 4> list_opts{"device", "group-add",
                                                    "cap-add", "security-opt"};
constexpr std::string_view flag_opt = "privileged";

constexpr text_limits opt_text{1, 1024};

bool contains(std::span<const std::string_view> names, std::string_view x) {
  return std::find(names.begin(), names.end(), x) != names.end();
}

// Reads a list option; a single text is taken as a one-item list because
// `device: /dev/kfd` is what people write first.
bool read_opt_list(context& ctx, const field& f, std::vector<std::string>& out) {
  if (f.node.IsScalar()) {
    std::string text;
    if (!read_text(ctx, f, text, opt_text))
      return false;
    out.push_back(std::move(text));
    return true;
  }
  bool ok = true;
  bool list_ok = read_list(ctx, f, 1, 64, false, [&](const field& item, size_t) {
    std::string text;
    if (read_text(ctx, item, text, opt_text))
      out.push_back(std::move(text));
    else
      ok = false;
  });
  return list_ok && ok;
}

bool read_opt_value(context& ctx, const std::string& name, const field& f,
                    container_opt_value& out) {
  if (contains(text_opts, name)) {
    std::string text;
    if (!read_text(ctx, f, text, opt_text))
      return false;
    out = std::move(text);
    return true;
  }
  if (contains(list_opts, name)) {
    std::vector<std::string> items;
    if (!read_opt_list(ctx, f, items))
      return false;
    out = std::move(items);
    return true;
  }
  bool flag = false;
  if (!read_bool(ctx, f, flag))
    return false;
  out = flag;
  return true;
}

bool read_opt(context& ctx, const field& item, std::vector<container_opt>& out) {
  if (!item.node.IsMap() || item.node.size() != 1) {
    ctx.report(item, "expected a one-entry mapping like `gpus: all`, got "
                       + describe(item.node));
    return false;
  }
  auto kv = *item.node.begin();
  field key{kv.first, item.path, kv.first.Mark()};
  if (!kv.first.IsScalar()) {
    ctx.report(key, "expected an option name, got " + describe(kv.first));
    return false;
  }
  auto name = kv.first.Scalar();
  if (!contains(text_opts, name) && !contains(list_opts, name) && name != flag_opt) {
    ctx.report(key, "unknown container option \"" + name
                      + "\"; expected one of: gpus, device, ipc, shm-size, "
                        "group-add, cap-add, security-opt, privileged");
    return false;
  }
  auto same = [&](const container_opt& x) { return x.name == name; };
  if (std::any_of(out.begin(), out.end(), same)) {
    ctx.report(key, "option '" + name + "' is given twice");
    return false;
  }
  field value{kv.second, child_path(item.path, name), kv.second.Mark()};
  container_opt opt{name, {}};
  if (!read_opt_value(ctx, name, value, opt.value))
    return false;
  out.push_back(std::move(opt));
  return true;
}

} // namespace

bool read_container_opts(context& ctx, const field& f,
                         std::vector<container_opt>& out) {
  bool ok = true;
  bool list_ok = read_list(ctx, f, 0, SIZE_MAX, true, [&](const field& item, size_t) {
    ok = read_opt(ctx, item, out) && ok;
  });
  return list_ok && ok;
}

} // namespace swarm::config::detail
