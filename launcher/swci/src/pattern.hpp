#pragma once

#include <string>
#include <vector>

#include "swarm/swci/command_table.hpp"

namespace swarm::swci::detail {

/// Kinds of pattern tokens (see `command_spec`).
enum class part_kind { keyword, required, optional, rest, optional_rest, choice };

/// One token of a pattern.
struct pattern_part {
  part_kind kind = part_kind::keyword;
  /// The keyword, upper-cased; for a choice, unused.
  std::string word;
  /// The choices of `[A|B]`, upper-cased.
  std::vector<std::string> choices;
};

/// A pattern split into parts, with its leading keywords counted.
struct compiled_pattern {
  const command_spec* spec = nullptr;
  std::vector<pattern_part> parts;
  /// Number of leading keyword parts.
  size_t prefix_length = 0;
};

/// Returns the table's patterns, compiled once, in table order.
const std::vector<compiled_pattern>& compiled_patterns();

} // namespace swarm::swci::detail
