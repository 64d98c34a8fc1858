#pragma once

#include <array>

#include "swarm/api/metrics.hpp"
#include "swarm/api/round_provider.hpp"

namespace swarm::api {

/// Bucket bounds of `swarm_probe_rtt_seconds`: from loopback (sub-ms) to a
/// probe that barely beats a typical 1 s probe timeout.
inline constexpr std::array<double, 12> probe_rtt_buckets_s
  = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5};

/// The metrics an SN exports, registered once; the SN updates them through
/// these pointers (owned by the registry, valid as long as it lives):
///
///     swarm_members{state="alive|suspect|dead|left"}   gauge
///     swarm_gossip_messages_total{direction="in|out"}  counter
///     swarm_gossip_bytes_total{direction="in|out"}     counter
///     swarm_probe_rtt_seconds                          histogram
///     swarm_suspicions_total                           counter
///     swarm_refutations_total                          counter
///     swarm_rounds_committed{contract="..."}           gauge
///     swarm_round_last{contract="..."}                 gauge
///     swarm_round_participants{contract="..."}         gauge
///     swarm_tasks                                      gauge
///     swarm_taskrunner_running                         gauge
///
/// The round families have one series per contract with committed rounds
/// (none before the first), kept in step by `set_round_metrics`.
struct sn_metrics {
  /// Members by state, as this SN sees them.
  gauge* members_alive = nullptr;
  /// See `members_alive`.
  gauge* members_suspect = nullptr;
  /// See `members_alive`.
  gauge* members_dead = nullptr;
  /// See `members_alive`.
  gauge* members_left = nullptr;
  /// Gossip (membership) messages received.
  counter* gossip_messages_in = nullptr;
  /// Gossip messages sent.
  counter* gossip_messages_out = nullptr;
  /// Bytes of gossip messages received.
  counter* gossip_bytes_in = nullptr;
  /// Bytes of gossip messages sent.
  counter* gossip_bytes_out = nullptr;
  /// Round-trip time of successful direct probes, in seconds.
  histogram* probe_rtt_s = nullptr;
  /// Times this SN started suspecting a member.
  counter* suspicions = nullptr;
  /// Times this SN refuted a suspicion about itself.
  counter* refutations = nullptr;
  /// Committed rounds this SN knows of, by contract.
  family<gauge>* rounds_committed = nullptr;
  /// Highest committed round, by contract.
  family<gauge>* round_last = nullptr;
  /// Participants of the highest committed round, by contract.
  family<gauge>* round_participants = nullptr;
  /// Tasks in the replicated state (created and not deleted).
  gauge* tasks = nullptr;
  /// Taskrunners whose state is RUNNING.
  gauge* taskrunners_running = nullptr;

  /// Registers every family in `registry` and creates every label set, so
  /// all series read 0 from the first scrape. Fails if a name is taken.
  static expected<sn_metrics> add_to(metrics_registry& registry);

  /// Sets the round families from `table`: one series per contract with
  /// rounds, and none for contracts that have no rounds any more.
  void set_round_metrics(const round_table& table);
};

} // namespace swarm::api
