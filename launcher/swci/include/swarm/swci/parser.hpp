#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "swarm/common/error.hpp"
#include "swarm/swci/command_table.hpp"

namespace swarm::swci {

/// A word of a command line and where it starts, so that a rest-of-line
/// argument can be taken verbatim.
struct token {
  /// The word (no whitespace).
  std::string text;
  /// Offset of its first character in the line.
  size_t offset = 0;
};

/// Splits `line` at spaces and tabs.
std::vector<token> tokenize(std::string_view line);

/// A line matched against the grammar.
struct parsed_command {
  /// Which command.
  command_id id;
  /// One entry per argument of the pattern, in order: the word as typed,
  /// an upper-case keyword for a choice, "" for an optional one left out.
  std::vector<std::string> args;
};

/// Parses one command line (not blank, not a comment). Unknown commands get
/// "unknown command 'X': did you mean 'Y'?" when one is close; a known
/// command with wrong arguments gets "wrong arguments; usage: <pattern>".
expected<parsed_command> parse_command(std::string_view line);

/// Returns the keyword prefix of `spec` (its words before the first
/// argument), upper-cased, e.g. "GET TASK INFO".
std::string keyword_prefix(const command_spec& spec);

/// Returns the upper-case form of `text` (ASCII).
std::string to_upper(std::string_view text);

/// Returns whether `line` holds nothing to run: blank, or a `#` comment.
bool is_blank_or_comment(std::string_view line);

/// Returns `text` without leading and trailing whitespace (and CR).
std::string_view trim(std::string_view text);

} // namespace swarm::swci
