#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "swarm/swci/parser.hpp"

namespace swarm::swci {

/// Returns the Levenshtein distance between `a` and `b` (insertions,
/// deletions and substitutions of one character each cost 1).
size_t edit_distance(std::string_view a, std::string_view b);

/// A suggestion for a line that matched no command.
struct suggestion {
  /// The words of the line that were compared, e.g. "LST TASKS".
  std::string typed;
  /// The nearest keyword prefix, e.g. "LIST TASKS".
  std::string nearest;
};

/// Finds the command whose keyword prefix is nearest to the first words of
/// `words` (as many as the prefix has), if one is close enough to be a
/// plausible misspelling: at most 2 edits, or a quarter of its length.
/// Ties go to the longer prefix, then to the earlier command.
std::optional<suggestion> suggest_command(const std::vector<token>& words);

/// Returns HELP's text: every command (no topic), or those whose keywords
/// start with the words of `topic`, one per line, pattern then summary.
/// For a topic that matches nothing, an error with the nearest command.
expected<std::string> help_text(std::string_view topic);

} // namespace swarm::swci
