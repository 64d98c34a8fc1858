#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "swarm/common/error.hpp"
#include "swarm/membership/state_bytes.hpp"

namespace swarm::membership {

/// Longest task, taskrunner or contract name, and longest header field of a
/// task (HPE: free strings of at most 160 characters).
inline constexpr size_t task_max_text_bytes = 160;

/// Most body lines one task holds (HPE's BuildSteps allow 80; bodies with
/// lists of mounts or operations need a few more lines of YAML).
inline constexpr size_t task_max_body_lines = 1024;

/// Longest body line.
inline constexpr size_t task_max_line_bytes = 1024;

/// Most bytes all body lines hold together, so a task record stays well
/// under the replicated state's 1 MiB value limit.
inline constexpr size_t task_max_body_bytes = 256 * 1024;

/// Returns whether `name` is a valid task, taskrunner or contract name: 1 to
/// 160 characters of `A-Z a-z 0-9 . _ -`.
bool is_valid_object_name(std::string_view name) noexcept;

/// A task as HPE's SWCI defines it (CREATE TASK, APPEND TASK BODY, FINALIZE
/// TASK, DELETE TASK), stored under its name. Immutable once finalized;
/// deleted (a tombstone) only before.
struct task_record {
  /// The map that holds tasks.
  static constexpr std::string_view map_name = "tasks";

  /// Encoding version written by `encode`.
  static constexpr uint8_t format_version = 1;

  /// Task name (`is_valid_object_name`).
  std::string name;
  /// "RUN_SWARM", "MAKE_USER_CONTAINER", "PULL_IMAGE" or
  /// "MAKE_SWARM_USER_CONTENT".
  std::string type;
  /// Free text, at most 160 bytes.
  std::string author;
  /// "ROOTTASK" or the name of the task that must run first.
  std::string prereq;
  /// Free text, at most 160 bytes (e.g. the image a build produces).
  std::string outcome;
  /// The lines of the task's `Body:` mapping, YAML text without the
  /// mapping's own indentation.
  std::vector<std::string> body;
  /// Whether FINALIZE TASK froze it.
  bool finalized = false;
  /// When it was created, in milliseconds since the Unix epoch.
  uint64_t created_ms = 0;

  /// Returns the key: the name.
  std::string key() const {
    return name;
  }

  /// Checks the limits `decode` enforces.
  status check() const;

  /// Appends the encoding (version byte, then the fields in order).
  void encode(byte_writer& out) const;

  /// Decodes untrusted bytes; rejects truncation, trailing bytes and
  /// whatever `check` rejects.
  static expected<task_record> decode(std::span<const std::byte> bytes);

  /// Returns the whole task as the YAML document a task file holds
  /// (`Name`, `TaskType`, `Author`, `Prereq`, `Outcome`, then `Body`), for
  /// validation by `config::parse_task`-style loaders.
  std::string to_yaml() const;

  /// Field-wise equality.
  friend bool operator==(const task_record&, const task_record&) = default;
};

} // namespace swarm::membership
