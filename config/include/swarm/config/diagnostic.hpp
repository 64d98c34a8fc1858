#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "swarm/common/error.hpp"

namespace swarm::config {

/// Largest YAML document we accept. Profiles and tasks are a few kilobytes;
/// refusing more keeps a hostile or mistaken input from eating the memory of
/// the SWOP or SWCI that loads it.
inline constexpr size_t max_document_bytes = 4 * 1024 * 1024;

/// Diagnostics kept per document; past this a single summary line stands in
/// for the rest, so an alias bomb cannot produce megabytes of messages.
inline constexpr size_t max_diagnostics = 100;

/// One problem found in a document, with its position.
struct diagnostic {
  /// Name of the document, usually the file name as given by the caller.
  std::string source;
  /// 1-based line of the offending node (1 when unknown).
  int line = 1;
  /// 1-based column of the offending node (1 when unknown).
  int column = 1;
  /// Key path such as `nodes[0].identity[1].aType`; empty for the document.
  std::string path;
  /// What was wrong and what was expected.
  std::string message;

  /// Returns `source:line:column: path: message` (no `path: ` when empty).
  std::string to_string() const;
};

/// Outcome of checking a document: the value when there were no problems,
/// and every problem found otherwise.
template <class T>
struct checked {
  /// Set if and only if `problems` is empty.
  std::optional<T> value;
  /// Every problem, in document order of discovery.
  std::vector<diagnostic> problems;
  /// True when the input did not even parse as YAML (or could not be read),
  /// as opposed to breaking the schema.
  bool syntax_error = false;
};

/// Joins `problems` one per line into a single error: `parse_error` if
/// `syntax_error`, otherwise `invalid_config`.
error to_error(const std::vector<diagnostic>& problems, bool syntax_error);

/// Converts a `checked` result into an `expected`.
template <class T>
expected<T> to_expected(checked<T>&& result) {
  if (result.value)
    return std::move(*result.value);
  return to_error(result.problems, result.syntax_error);
}

} // namespace swarm::config
