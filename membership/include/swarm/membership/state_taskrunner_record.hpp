#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "swarm/common/error.hpp"
#include "swarm/membership/state_bytes.hpp"

namespace swarm::membership {

/// The taskrunner every SWOP profile names by default.
inline constexpr std::string_view default_taskrunner = "defaulttaskbb.taskdb.sml.hpe";

/// A taskrunner: which task it runs now and for how many peers. Written by
/// the SN that takes ASSIGN TASK or RESET TASKRUNNER; the SWOPs' progress
/// lives in `taskrunner_peer_record`s, one per SWOP, so no two writers ever
/// share a key.
struct taskrunner_record {
  /// The map that holds taskrunners.
  static constexpr std::string_view map_name = "taskrunners";

  /// Encoding version written by `encode`.
  static constexpr uint8_t format_version = 1;

  /// Taskrunner name (`is_valid_object_name`).
  std::string name;
  /// The assigned task; empty when idle.
  std::string task;
  /// The assigned task's type (so peers know what counts toward the quorum).
  std::string task_type;
  /// Assignment generation: every ASSIGN (except one with a target) and
  /// every RESET increments it. Peer entries of another run are stale;
  /// SWOPs stop what an older run started.
  uint64_t run_id = 0;
  /// Quorum: SL/ML pairs for RUN_SWARM, SWOPs otherwise. For WITH ALL PEERS
  /// the SN stores the number of SWOPs enrolled at assignment.
  uint32_t peers_wanted = 0;
  /// Whether the task was assigned WITH ALL PEERS.
  bool all_peers = false;
  /// SWOP uuids named by ASSIGN ... TARGET; when non-empty, only those
  /// SWOPs take the run.
  std::vector<std::string> targets;
  /// When the current task was assigned, ms since the Unix epoch; 0 if idle.
  uint64_t assigned_ms = 0;
  /// When the taskrunner was created, ms since the Unix epoch.
  uint64_t created_ms = 0;
  /// When the last ASSIGN ... TARGET for the current run was taken, ms
  /// since the Unix epoch; 0 if none. A targeted SWOP whose entry for
  /// `run_id` is FAILED with `ended_ms` before this time retries the run.
  uint64_t targeted_ms = 0;

  /// Returns the key: the name.
  std::string key() const {
    return name;
  }

  /// Checks the limits `decode` enforces.
  status check() const;

  /// Appends the encoding (version byte, then the fields in order).
  void encode(byte_writer& out) const;

  /// Decodes untrusted bytes.
  static expected<taskrunner_record> decode(std::span<const std::byte> bytes);

  /// Field-wise equality.
  friend bool operator==(const taskrunner_record&, const taskrunner_record&) = default;
};

/// What one SWOP is doing for a taskrunner.
enum class peer_state : uint8_t {
  /// Enrolled and idle.
  enrolled,
  /// Executing the run `run_id`.
  running,
  /// Finished the run `run_id` successfully.
  complete,
  /// The run `run_id` failed here (`message` says why).
  failed,
};

/// Returns "ENROLLED", "RUNNING", "COMPLETE" or "FAILED".
std::string_view to_string(peer_state x) noexcept;

/// One SWOP's entry in a taskrunner, written only by that SWOP.
struct taskrunner_peer_record {
  /// The map that holds taskrunner peers.
  static constexpr std::string_view map_name = "taskrunner_peers";

  /// Encoding version written by `encode`.
  static constexpr uint8_t format_version = 1;

  /// Taskrunner name.
  std::string taskrunner;
  /// The SWOP's node uuid (canonical text).
  std::string swop_uuid;
  /// The SWOP's node name.
  std::string swop_name;
  /// The SWOP's host.
  std::string host;
  /// The run this entry describes (0: none yet).
  uint64_t run_id = 0;
  /// What the SWOP does for `run_id`.
  peer_state state = peer_state::enrolled;
  /// Why it failed, or what it is doing; at most 1024 bytes.
  std::string message;
  /// SL/ML pairs it runs for a RUN_SWARM task (its profile's nodes).
  uint32_t nodes = 0;
  /// Of those, how many finished successfully.
  uint32_t nodes_done = 0;
  /// When the SWOP enrolled, ms since the Unix epoch.
  uint64_t enrolled_ms = 0;
  /// When it started `run_id`; 0 if not started.
  uint64_t started_ms = 0;
  /// When it finished `run_id`; 0 if not finished.
  uint64_t ended_ms = 0;

  /// Returns the key: taskrunner, "/", SWOP uuid.
  std::string key() const {
    return taskrunner + "/" + swop_uuid;
  }

  /// Checks the limits `decode` enforces.
  status check() const;

  /// Appends the encoding (version byte, then the fields in order).
  void encode(byte_writer& out) const;

  /// Decodes untrusted bytes.
  static expected<taskrunner_peer_record> decode(std::span<const std::byte> bytes);

  /// Field-wise equality.
  friend bool operator==(const taskrunner_peer_record&, const taskrunner_peer_record&) = default;
};

} // namespace swarm::membership
