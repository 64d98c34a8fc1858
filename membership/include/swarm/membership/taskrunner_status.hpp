#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "swarm/membership/state_swarm.hpp"
#include "swarm/membership/state_taskrunner_record.hpp"

namespace swarm::membership {

/// What a taskrunner is doing, derived from its record and its peers.
enum class runner_state : uint8_t {
  /// No task assigned.
  idle,
  /// A task is assigned and its quorum is neither done nor out of reach.
  running,
  /// The quorum finished the task.
  complete,
  /// A peer failed or died and the quorum can no longer be reached.
  error,
};

/// Returns "IDLE", "RUNNING", "COMPLETE" or "ERROR".
std::string_view to_string(runner_state x) noexcept;

/// Tells whether the SWOP with a given node uuid (canonical text) is alive.
using swop_liveness = std::function<bool(std::string_view swop_uuid)>;

/// How long a SWOP's node record may go without a refresh before the SWOP
/// counts as dead: three and a half of the overlay's 10 s refresh periods.
/// A backstop for the membership protocol: a SWOP that died without the
/// overlay declaring it (a crash right after its start) still fails its
/// running task instead of leaving it RUNNING for ever.
inline constexpr uint64_t swop_silence_limit_ms = 35'000;

/// Returns the liveness `state` tells at `now_ms` (ms since the Unix
/// epoch): a SWOP is dead once its node record says LEFT or DEAD, or once
/// its node record's last-seen time or its latest taskrunner entry
/// (rewritten every 10 s) is older than `swop_silence_limit_ms`; one without
/// a node record (gossip may bring its peer entry first, or a SWOP that
/// died at once may never have sent it) counts as alive until its entries
/// go silent. The predicate refers to `state`,
/// which must outlive it.
swop_liveness liveness_in(const swarm_state& state, uint64_t now_ms);

/// Returns whether `state` shows a SWOP alive as of an earlier time `at_ms`
/// (ms since the Unix epoch), by the rules of `liveness_in`, except that a
/// node record's LEFT or DEAD counts only from when it was written (its
/// version's time). Tells which SWOPs were there to take a run when it was
/// assigned. The predicate refers to `state`, which must outlive it.
swop_liveness liveness_as_of(const swarm_state& state, uint64_t at_ms);

/// How long after an assignment a live SWOP whose entry does not show the
/// run yet still counts as one that may take it. A SWOP that takes a run
/// says so at once; one that stays ENROLLED this long skipped the run (it
/// saw enough takers), and cannot make up for a SWOP that died.
inline constexpr uint64_t swop_take_grace_ms = swop_silence_limit_ms;

/// What the status rules know of the SWOPs beyond their taskrunner entries.
struct swop_view {
  /// Whether a SWOP is alive now; empty: every SWOP is.
  swop_liveness alive;
  /// Whether a SWOP was alive when the current task was assigned
  /// (`liveness_as_of`); empty: no SWOP counts as lost before its entry
  /// shows the run.
  swop_liveness alive_at_assignment;
  /// When the view is judged, ms since the Unix epoch; 0: unknown (a live
  /// SWOP that has not taken the run then may take it for ever).
  uint64_t now_ms = 0;
};

/// Returns the full view of `state` at `now_ms` for `runner`'s current run.
/// The predicates refer to `state`, which must outlive them.
swop_view swop_view_in(const swarm_state& state, const taskrunner_record& runner,
                       uint64_t now_ms);

/// The status of a taskrunner as GET TASKRUNNER STATUS shows it.
struct taskrunner_status {
  /// The derived state.
  runner_state state = runner_state::idle;
  /// Peers not working on the current run (enrolled, or of an older run).
  uint32_t enrolled = 0;
  /// Peers running the current run.
  uint32_t running = 0;
  /// Peers that completed the current run.
  uint32_t complete = 0;
  /// Peers whose current run failed.
  uint32_t failed = 0;
  /// SL/ML pairs the current run's peers finished.
  uint64_t nodes_done = 0;
  /// What the quorum counts: done so far and wanted.
  uint64_t quorum_done = 0;
  /// The quorum: SL/ML pairs for RUN_SWARM, SWOPs otherwise (and for
  /// WITH ALL PEERS or TARGET runs).
  uint64_t quorum_wanted = 0;
  /// One line: progress, or why the run failed.
  std::string message;
};

/// Returns the peer entries of taskrunner `name`, in index order: by
/// enrolment time, then uuid (stable, and the same on every replica).
std::vector<taskrunner_peer_record> peers_of(const swarm_state& state, std::string_view name);

/// Derives the status of `runner` from its peer entries (`peers_of`).
/// COMPLETE once the quorum is done; ERROR once a peer of the current run
/// failed or a RUNNING one is no longer alive and the peers still working
/// on the run cannot reach the quorum, or once a SWOP that was alive at the
/// assignment died before its entry showed the run (it may have taken the
/// run and died before saying so) and the peers working on the run, with
/// the live SWOPs that may still take it (`swop_take_grace_ms`), cannot
/// reach the quorum; RUNNING otherwise; IDLE without a task. ERROR is not
/// final: a TARGET retry that succeeds makes it RUNNING, then COMPLETE.
taskrunner_status derive_status(const taskrunner_record& runner,
                                std::span<const taskrunner_peer_record> peers,
                                const swop_view& view);

/// As above with only the present liveness: a SWOP that dies before its
/// entry shows the run is not counted lost.
taskrunner_status derive_status(const taskrunner_record& runner,
                                std::span<const taskrunner_peer_record> peers,
                                const swop_liveness& alive);

/// Returns the status of `runner` in `state` at `now_ms` (ms since the Unix
/// epoch), with its peers and the full `swop_view_in`.
taskrunner_status status_in(const swarm_state& state, const taskrunner_record& runner,
                            uint64_t now_ms);

} // namespace swarm::membership
