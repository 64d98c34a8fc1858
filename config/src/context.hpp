#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "swarm/config/diagnostic.hpp"

namespace swarm::config::detail {

/// Nodes a validator may visit per document. Aliases let a small file name
/// the same subtree many times (the "billion laughs"); the schema walk has
/// bounded depth, so a visit budget bounds its total work.
inline constexpr size_t max_visits = 200'000;

/// A node, the key path that leads to it, and where errors about it point.
struct field {
  /// The node itself.
  YAML::Node node;
  /// Path such as `nodes[0].identity[1].aType`.
  std::string path;
  /// Position reported for problems with this node.
  YAML::Mark mark;
};

/// Collects the diagnostics of one document and meters the work spent on it.
class context {
public:
  /// Starts collecting for the document called `source`.
  explicit context(std::string_view source);

  /// Records a problem at `mark` (0-based, as yaml-cpp counts).
  void report(const YAML::Mark& mark, std::string path, std::string message);

  /// Records a problem with `f`.
  void report(const field& f, std::string message) {
    report(f.mark, f.path, std::move(message));
  }

  /// Records a problem that stops parsing altogether (YAML syntax, I/O).
  void report_syntax(const YAML::Mark& mark, std::string message);

  /// Counts one visited node. Returns false once the budget is spent, after
  /// reporting that once; callers then stop descending.
  bool visit();

  /// Returns whether the budget is spent.
  bool exhausted() const noexcept {
    return visits_ > max_visits;
  }

  /// Returns whether any problem was recorded.
  bool failed() const noexcept {
    return !problems_.empty();
  }

  /// Returns whether a syntax problem was recorded.
  bool syntax_error() const noexcept {
    return syntax_error_;
  }

  /// Returns the problems sorted by position, with a closing line counting
  /// any that were dropped past `max_diagnostics`.
  std::vector<diagnostic> take();

private:
  // Records a document-level problem even past `max_diagnostics`.
  void report_always(std::string message);

  std::string source_;
  std::vector<diagnostic> problems_;
  size_t dropped_ = 0;
  size_t visits_ = 0;
  bool syntax_error_ = false;
};

/// Wraps a `checked` result up from a context and an optional value.
template <class T>
checked<T> finish(context& ctx, T&& value) {
  checked<T> result;
  result.syntax_error = ctx.syntax_error();
  if (ctx.failed())
    result.problems = ctx.take();
  else
    result.value = std::move(value);
  return result;
}

} // namespace swarm::config::detail
