#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "swarm/membership/state_taskrunner_record.hpp"

/// Whether a SWOP takes the run a taskrunner announces: pure, so that the
/// state machine is tested without processes or a network.
namespace swarm::swop {

/// What a SWOP does about a taskrunner's current run.
enum class verdict : uint8_t {
  /// No task assigned: nothing to do.
  idle,
  /// Execute it.
  take,
  /// Not for this SWOP: another SWOP is targeted, or the quorum is already
  /// covered by other peers.
  skip,
};

/// Returns "IDLE", "TAKE" or "SKIP".
std::string_view to_string(verdict x) noexcept;

/// Returns how much of `runner`'s quorum the peers other than `self` cover
/// for its current run: SL/ML pairs (`nodes`) of RUNNING or COMPLETE peers
/// for RUN_SWARM, those peers themselves for the other task types.
uint32_t covered_by_others(const membership::taskrunner_record& runner,
                           const std::vector<membership::taskrunner_peer_record>& peers,
                           std::string_view self);

/// Decides for the SWOP `self` (its uuid), which runs `own_nodes` SL/ML
/// pairs for a RUN_SWARM task:
/// - no task: idle;
/// - `targets` non-empty: take exactly when `self` is among them;
/// - a RUN_SWARM task and no nodes in the profile: skip;
/// - WITH ALL PEERS (or `peers_wanted` 0): take;
/// - otherwise take while the others cover less than `peers_wanted`.
///
/// Two SWOPs deciding at the same time both see the quorum uncovered and
/// may both take the run (the peer entries that would tell them apart are
/// still in flight): a benign over-subscription, as HPE's taskrunner also
/// only promises "at least the quorum"; the extra SWOP's SL/ML pairs simply
/// train along.
verdict decide(const membership::taskrunner_record& runner,
               const std::vector<membership::taskrunner_peer_record>& peers,
               std::string_view self, uint32_t own_nodes);

/// Remembers which assignment a SWOP has already decided on, so that it
/// decides once per assignment: a new `run_id`, or a new `targets` list
/// (ASSIGN ... TARGET adds a SWOP to, or retries, the same run).
class run_tracker {
public:
  /// Returns whether `runner` shows an assignment not yet decided on, and
  /// records it as decided.
  bool is_new(const membership::taskrunner_record& runner);

  /// Returns the run last decided on (0: none).
  uint64_t run_id() const noexcept {
    return run_id_;
  }

private:
  uint64_t run_id_ = 0;
  std::vector<std::string> targets_;
  bool seen_ = false;
};

} // namespace swarm::swop
