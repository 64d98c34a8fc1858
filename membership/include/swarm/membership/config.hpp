#pragma once

#include <cstddef>
#include <cstdint>

#include "swarm/common/error.hpp"

namespace swarm::membership {

/// Tunables of the SWIM + Lifeguard machine. Times are milliseconds of the
/// clock the driver feeds into `swim::tick`. Defaults are memberlist's LAN
/// profile; `local_defaults()` is for loopback and tests.
struct config {
  /// Time between probes of successive members; one protocol period.
  /// Default: 1000.
  int64_t probe_interval_ms = 1000;

  /// Wait for a direct ack before asking `indirect_checks` members to probe
  /// on our behalf. Must leave room for the indirect round within the
  /// period. Default: 500.
  int64_t probe_timeout_ms = 500;

  /// Members asked to probe indirectly (SWIM's k). Default: 3.
  uint32_t indirect_checks = 3;

  /// Suspicion timeout is suspicion_mult * max(1, log10(n)) probe periods
  /// when enough members confirm the suspicion. Default: 4.
  uint32_t suspicion_mult = 4;

  /// Without confirmations the timeout starts at this multiple of the
  /// minimum (Lifeguard) and decays as confirmations arrive. Default: 6.
  uint32_t suspicion_max_timeout_mult = 6;

  /// Each update is piggybacked retransmit_mult * ceil(log10(n + 1)) times,
  /// and at least `min_retransmits` times. Default: 4.
  uint32_t retransmit_mult = 4;

  /// Floor of the piggyback count. A member misses an update with
  /// probability about e^-limit; memberlist's formula alone gives 4 copies
  /// below 10 members and 8 below 100, so that one join in 20 (8 members)
  /// or 50 (32 members) reached somebody only at the next push-pull, up to
  /// 30 s later: the SLs of a swarm then waited that long for their first
  /// round. 12 makes it about one in 10,000 up to 1,000 members, where the
  /// formula takes over. Default: 12.
  uint32_t min_retransmits = 16;

  /// Time between gossip rounds that send pending updates. Default: 200.
  int64_t gossip_interval_ms = 200;

  /// Members gossiped to per round. Default: 3.
  uint32_t gossip_nodes = 3;

  /// Dead members still receive gossip this long, so they can learn of
  /// their death and refute it. Default: 30000.
  int64_t gossip_to_the_dead_ms = 30000;

  /// Time between full-state exchanges with a random member, scaled up
  /// above 32 members; 0 disables them. Default: 30000.
  int64_t push_pull_interval_ms = 30000;

  /// Lifeguard: a node that misses acks and nacks slows its own probing up
  /// to this multiple instead of accusing others. Default: 8.
  uint32_t awareness_max_multiplier = 8;

  /// Wait for a seed's answer before trying the next seed; doubles after
  /// each pass over all seeds, up to 16 times. Default: 2000.
  int64_t join_timeout_ms = 2000;

  /// Time between attempts to reach a random dead member, which heals
  /// partitions that outlived `gossip_to_the_dead_ms` (Serf's reconnect);
  /// 0 disables them. Default: 30000.
  int64_t reconnect_interval_ms = 30000;

  /// Dead and left members are forgotten after this long. Default: 86400000.
  int64_t tombstone_retention_ms = 86'400'000;

  /// Upper bound on a message's estimated size when adding piggybacked
  /// updates (a UDP-safe datagram). Default: 1400.
  size_t packet_budget_bytes = 1400;

  /// Returns the first violated rule, or success.
  status validate() const;
};

/// Returns memberlist's LAN profile (the field defaults).
config lan_defaults();

/// Returns a profile for loopback and tests: shorter timeouts and gossip
/// periods (memberlist's local profile).
config local_defaults();

} // namespace swarm::membership
