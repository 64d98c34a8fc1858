#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "swarm/common/error.hpp"
#include "swarm/merge/strategy.hpp"

namespace swarm::merge {

/// Tunables of a merge round. Defaults are ours where HPE's hurt (leader
/// failover: 5 s instead of 600 s) and HPE's otherwise.
struct round_config {
  /// Check-ins a round needs (HPE's minPeers), the merging node included.
  uint32_t min_peers = 1;
  /// After `min_peers` checked in, how long the leader waits for the rest
  /// of the contract (HPE's SL_WAIT_FOR_FULL_QUORUM_SECONDS, 30 s).
  int64_t full_quorum_wait_ms = 30'000;
  /// Round 1 (the initial sync) starts only once no new peer appeared for
  /// this long, or after `full_quorum_wait_ms`. Its participants and the
  /// peers its leader knows form round 2's electorate: a node that the
  /// others found just after round 1 would have no vote in round 2, and
  /// with three nodes the death of one early on would leave the other two
  /// without a majority (measured: SWIM found one of three SLs started
  /// together 0.3 s after the other two had committed round 1). Two and a
  /// half of SWIM's 200 ms gossip intervals: a longer wait would show in
  /// every short run's start (an ML that loads its data longer than this
  /// after its SL started waits not at all).
  int64_t discovery_settle_ms = 500;
  /// Silence after which a leader counts as dead or stalled and the next
  /// term starts (HPE's SL_LEADER_FAILURE_BASE_TIMEOUT; HPE: 600 s).
  int64_t leader_timeout_ms = 5'000;
  /// How often a leader tells the round it is alive.
  int64_t heartbeat_interval_ms = 1'000;
  /// How long a leader waits for the participants' models before merging
  /// those it has (if at least `min_peers`).
  int64_t exchange_timeout_ms = 10'000;
  /// Up to this many peers, every participant sends its model to every
  /// peer with its check-in and proposals carry only the digest: each
  /// node merges the same models itself (same order, same weights, so the
  /// same bytes), and the merged model never crosses the network again.
  /// Larger swarms send models to the leader alone (n, not n^2, uploads).
  size_t share_models_max_peers = 3;
  /// Whether to report a round's value as soon as this node proposed or
  /// accepted it (`round_event::tentative`), before the commit: an SL then
  /// hands the model to its ML while the acceptances and the commit are
  /// on their way.
  bool announce_tentative = false;
  /// Whether an acceptor that, with the leader, makes a quorum of the
  /// electorate and enough holders for `min_peers` commits as soon as it
  /// accepts (Paxos' learner shortcut: every acceptor of a two- or
  /// three-node swarm skips the wait for the commit message). Off only to
  /// test the commit message's own path, which larger swarms take.
  bool learn_on_accept = true;
  /// Whether this node may lead (HPE's SL_MAKE_ME_ADMIN).
  bool eligible = true;
  /// How long a round may keep the ML waiting before the SL logs what the
  /// round lacks (`round_coordinator::stall`), and again at this
  /// interval while it lasts (SL_STALL_WARNING_SECONDS; ours, not HPE's).
  int64_t stall_warning_after_ms = 10'000;
  /// Whether the SL fsyncs the round state it saves in its data directory
  /// (SL_FSYNC_ROUND_STATE; ours): about 5 ms a round for the MNIST model,
  /// and then trusted after the host itself crashed. Unsynced saves survive
  /// the SL's crash only; after a host restart the SL starts afresh.
  bool fsync_round_state = false;
  /// How the leader merges.
  merge_options merge;
};

/// Reads HPE's environment names into `cfg`: SL_WAIT_FOR_FULL_QUORUM_SECONDS,
/// SL_LEADER_FAILURE_BASE_TIMEOUT (seconds), SL_MAKE_ME_ADMIN
/// (True/False), and our SL_STALL_WARNING_SECONDS and SL_FSYNC_ROUND_STATE
/// (True/False), through `getenv` (injectable for tests). Errors name the
/// variable and the bad value.
status apply_environment(round_config& cfg,
                         const std::function<std::optional<std::string>(const char*)>& getenv);

} // namespace swarm::merge
