#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "swarm/common/error.hpp"
#include "swarm/swci/session.hpp"

namespace swarm::swci {

/// How a run of command lines ended.
struct run_outcome {
  /// The process's exit code: 1 if a line failed under EXIT ON FAILURE,
  /// else 0 (HPE exits 0 even when lines failed with EXIT ON FAILURE OFF).
  int exit_code = 0;
  /// Whether the run stopped early: EXIT, or a failure under EXIT ON FAILURE.
  bool stopped = false;
  /// Lines that failed.
  size_t failures = 0;
};

/// Yields the next line, or nothing at the end.
using line_source = std::function<std::optional<std::string>()>;

/// Runs lines from `next` in `s`, skipping blank lines and `#` comments,
/// until the lines end, EXIT runs, or a line fails under EXIT ON FAILURE.
/// Each failure is printed to `err` as `<name>:<line>: <command>: <error>`;
/// with `interactive`, as `ERROR: <error>`, and failures never stop the run.
run_outcome run_lines(session& s, const line_source& next, std::string_view name,
                      std::ostream& err, bool interactive = false);

/// Runs the lines of `in` (see `run_lines`).
run_outcome run_stream(session& s, std::istream& in, std::string_view name, std::ostream& err);

/// Runs the script file at `path`, named by its file name in messages;
/// fails if it cannot be opened.
expected<run_outcome> run_script_file(session& s, const std::filesystem::path& path,
                                      std::ostream& err);

} // namespace swarm::swci
