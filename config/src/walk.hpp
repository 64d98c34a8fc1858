#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "context.hpp"

/// Walking a yaml-cpp tree against a fixed schema: mappings with known keys
/// and lists with bounded length. Shared by the profile and task checks.
namespace swarm::config::detail {

/// Returns `parent.key` (or `key` at the top level).
std::string child_path(const std::string& parent, std::string_view key);

/// Returns `parent[index]`.
std::string item_path(const std::string& parent, size_t index);

/// Describes a node for "got ..." in messages: `"text"`, `~`, `a list`,
/// `a mapping`. Long text is cut so messages stay one readable line.
std::string describe(const YAML::Node& node);

/// Returns `a, b, c` for a message listing what is allowed.
std::string join(std::initializer_list<std::string_view> names);

/// Whether a key must be present in its mapping.
enum class presence {
  /// Missing is an error.
  required,
  /// Missing is fine.
  optional,
};

/// A mapping with a fixed set of allowed keys. Construction reports a node
/// that is not a mapping, every unknown key (HPE's schemas all say
/// `additionalProperties: false`) and every key given twice.
class map_reader {
public:
  /// Checks `self` against `allowed` keys.
  map_reader(context& ctx, const field& self,
             std::initializer_list<std::string_view> allowed);

  /// Returns whether `self` is a mapping worth reading further.
  bool ok() const noexcept {
    return ok_;
  }

  /// Returns the value of `key`, reporting it if missing.
  std::optional<field> required(std::string_view key);

  /// Returns the value of `key` if present.
  std::optional<field> optional(std::string_view key) const;

  /// Calls `read_value(field) -> bool` on the value of `key` if present.
  /// Returns its result, or for a missing key whether that is allowed.
  template <class F>
  bool read(std::string_view key, presence need, F&& read_value) {
    auto value = need == presence::required ? required(key) : optional(key);
    if (!value)
      return need == presence::optional;
    return read_value(*value);
  }

  /// Returns the mapping itself.
  const field& self() const noexcept {
    return self_;
  }

private:
  struct entry {
    std::string key;
    YAML::Mark key_mark;
    field value;
  };

  context& ctx_;
  field self_;
  std::vector<entry> entries_;
  bool ok_ = false;
};

/// Unwraps HPE's one-key wrappers (`- slnodedef: {...}`,
/// `- attribute: {...}`): reports anything else and returns the inner
/// mapping under the outer path, since the wrapper names no real level.
std::optional<field> unwrap(context& ctx, const field& item, std::string_view key);

/// Calls `each(item, index)` for every element of the list `f`, after
/// checking its length is in [min_items, max_items]. A `~` counts as an empty
/// list when `nullable`. Returns false if `f` is not a list of allowed length.
template <class F>
bool read_list(context& ctx, const field& f, size_t min_items, size_t max_items,
               bool nullable, F&& each);

/// Reports `f` unless it is a list (or `~` when `nullable`) with between
/// `min_items` and `max_items` elements; used by `read_list`.
bool check_list(context& ctx, const field& f, size_t min_items,
                size_t max_items, bool nullable);

/// Returns the field for element `index` of the list `f`, which is `node`.
field list_item(const field& f, size_t index, const YAML::Node& node);

template <class F>
bool read_list(context& ctx, const field& f, size_t min_items, size_t max_items,
               bool nullable, F&& each) {
  if (!check_list(ctx, f, min_items, max_items, nullable))
    return false;
  if (f.node.IsNull())
    return true;
  size_t index = 0;
  for (const auto& node : f.node) {
    if (!ctx.visit())
      return false;
    each(list_item(f, index, node), index);
    ++index;
  }
  return true;
}

} // namespace swarm::config::detail
