#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace swarm::swci {

/// Reads command lines from a terminal with line editing and history
/// (libedit). History persists in a file between runs. One per process.
class line_reader {
public:
  /// Loads the history from `history_file` (none if empty or missing).
  explicit line_reader(std::filesystem::path history_file);

  /// Saves the history.
  ~line_reader();

  line_reader(const line_reader&) = delete;
  line_reader& operator=(const line_reader&) = delete;

  /// Shows `prompt` and returns the line typed, or nothing at end of input
  /// (Ctrl-D). Non-blank lines go into the history.
  std::optional<std::string> read(const std::string& prompt);

private:
  std::filesystem::path history_file_;
};

/// Returns where the interactive history is kept: `$HOME/.swarm_swci_history`,
/// or empty without a home.
std::filesystem::path default_history_file();

} // namespace swarm::swci
