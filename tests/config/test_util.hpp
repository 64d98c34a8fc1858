#pragma once

#include <fstream>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "swarm/config/diagnostic.hpp"
#include "swarm/config/kinds.hpp"

namespace swarm::config {

/// Prints a kind by its YAML spelling so BOOST_TEST can show it.
template <class E>
  requires std::is_enum_v<E> && requires(E x) { to_string(x); }
std::ostream& operator<<(std::ostream& out, E x) {
  return out << to_string(x);
}

} // namespace swarm::config

// Helpers shared by the config tests: test data lookup and finding the
// diagnostic about one key path.
namespace swarm::config::test {

/// Returns the path of `name` under tests/config/data.
inline std::string data_path(std::string_view name) {
  return std::string{SWARM_SOURCE_DIR} + "/tests/config/data/" + std::string{name};
}

/// Returns the content of test data file `name` ("" if unreadable, which
/// makes the test that uses it fail on the missing keys).
inline std::string read_data(std::string_view name) {
  std::ifstream in{data_path(name), std::ios::binary};
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

/// A 1-based line and column.
struct position {
  int line = 0;
  int column = 0;
};

/// Returns where `needle` first occurs in `text` (0:0 if it does not).
inline position position_of(std::string_view text, std::string_view needle) {
  auto at = text.find(needle);
  if (at == std::string_view::npos)
    return {};
  position result{1, 1};
  for (size_t i = 0; i < at; ++i) {
    if (text[i] == '\n') {
      ++result.line;
      result.column = 1;
    } else {
      ++result.column;
    }
  }
  return result;
}

/// Returns the diagnostics whose path is exactly `path`.
inline std::vector<diagnostic> about(const std::vector<diagnostic>& problems,
                                     std::string_view path) {
  std::vector<diagnostic> result;
  for (const auto& x : problems)
    if (x.path == path)
      result.push_back(x);
  return result;
}

/// Returns `text` with the first `from` replaced by `to`; throws if `from`
/// is absent so a stale edit cannot silently test the unmodified file.
inline std::string edit(std::string text, std::string_view from, std::string_view to) {
  auto at = text.find(from);
  if (at == std::string::npos)
    throw std::invalid_argument("edit: text not found: " + std::string{from});
  text.replace(at, from.size(), to);
  return text;
}

/// Returns all diagnostics as one string, for failure messages.
inline std::string dump(const std::vector<diagnostic>& problems) {
  std::string result;
  for (const auto& x : problems)
    result += x.to_string() + "\n";
  return result;
}

} // namespace swarm::config::test
