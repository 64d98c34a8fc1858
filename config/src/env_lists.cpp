#include "env_lists.hpp"

#include <string>
#include <unordered_set>

#include "scalars.hpp"
#include "walk.hpp"

namespace swarm::config::detail {

namespace {

// Longest variable name or value we take; far beyond any real one, it only
// keeps a pathological file from producing huge environments.
constexpr text_limits name_limits{1, 1024};
constexpr text_limits value_limits{0, 32 * 1024};

// Reads `name: value` from the key node `key` and its `value`, appending to
// `out` unless the name is already in `seen` (a set, so long lists stay
// linear).
bool read_pair(context& ctx, const field& where, const YAML::Node& key,
               const YAML::Node& value, env_list& out,
               std::unordered_set<std::string>& seen) {
  field name_field{key, where.path, key.Mark()};
  std::string name;
  if (!read_text(ctx, name_field, name, name_limits))
    return false;
  if (name.find('=') != std::string::npos) {
    ctx.report(name_field, "a variable name cannot contain '=', got "
                             + describe(key));
    return false;
  }
  field value_field{value, child_path(where.path, name), value.Mark()};
  if (value.IsNull() && value.Mark().line != key.Mark().line)
    value_field.mark = key.Mark();
  std::optional<std::string> text;
  if (!read_text(ctx, value_field, text, value_limits))
    return false;
  if (!seen.insert(name).second) {
    ctx.report(name_field, "'" + name + "' is set twice in this list");
    return false;
  }
  out.emplace_back(std::move(name), std::move(text));
  return true;
}

} // namespace

bool read_env_list(context& ctx, const field& f, env_list& out) {
  if (f.node.IsNull())
    return true;
  if (!f.node.IsSequence()) {
    ctx.report(f, "expected ~ or a list of one-entry mappings like `- NAME: value`, got "
                    + describe(f.node));
    return false;
  }
  bool ok = true;
  size_t index = 0;
  std::unordered_set<std::string> seen;
  for (const auto& node : f.node) {
    if (!ctx.visit())
      return false;
    field item{node, item_path(f.path, index++), node.Mark()};
    if (!node.IsMap() || node.size() != 1) {
      auto got = node.IsMap() ? "a mapping with " + std::to_string(node.size()) + " keys"
                              : describe(node);
      ctx.report(item, "expected a one-entry mapping `NAME: value`, got " + got);
      ok = false;
      continue;
    }
    auto kv = *node.begin();
    ok = read_pair(ctx, item, kv.first, kv.second, out, seen) && ok;
  }
  return ok;
}

bool read_labels(context& ctx, const field& f, env_list& out) {
  if (f.node.IsNull())
    return true;
  bool ok = true;
  if (f.node.IsMap()) {
    std::unordered_set<std::string> seen;
    for (const auto& kv : f.node) {
      if (!ctx.visit())
        return false;
      ok = read_pair(ctx, f, kv.first, kv.second, out, seen) && ok;
    }
    return ok;
  }
  if (!f.node.IsSequence()) {
    ctx.report(f, "expected ~, a mapping of labels or a list of label names, got "
                    + describe(f.node));
    return false;
  }
  size_t index = 0;
  for (const auto& node : f.node) {
    if (!ctx.visit())
      return false;
    field item{node, item_path(f.path, index++), node.Mark()};
    std::string name;
    if (!read_text(ctx, item, name, name_limits)) {
      ok = false;
      continue;
    }
    out.emplace_back(std::move(name), std::nullopt);
  }
  return ok;
}

} // namespace swarm::config::detail
