#pragma once

#include <cstddef>
#include <cstdint>

#include "swarm/membership/config.hpp"

/// Pure formulas of SWIM and Lifeguard, apart from the machine so each can be
/// table-tested. `n` is the number of live members, the local node included.
namespace swarm::membership {

/// Minimum suspicion timeout: suspicion_mult * max(1, log10(n)) probe
/// intervals. Grows slowly with n so that a suspicion has time to reach
/// the suspect (which then refutes) in O(log n) gossip rounds.
int64_t suspicion_timeout_ms(uint32_t suspicion_mult, size_t n, int64_t probe_interval_ms);

/// Lifeguard's decaying suspicion: the total timeout falls from `max_ms`
/// towards `min_ms` logarithmically as independent confirmations arrive:
/// max - log(c + 1) / log(k + 1) * (max - min), never below `min_ms`.
/// Returns the time left after `elapsed_ms`; may be negative.
int64_t remaining_suspicion_ms(size_t confirmations, size_t expected_confirmations,
                               int64_t elapsed_ms, int64_t min_ms, int64_t max_ms);

/// How many times an update is piggybacked: mult * ceil(log10(n + 1)), and
/// at least `min_retransmits`.
uint32_t retransmit_limit(uint32_t retransmit_mult, uint32_t min_retransmits, size_t n);

/// Updates that clear a suspicion or a death (refutations, revivals) are
/// piggybacked this many times as often as others. A member that misses a
/// refutation declares a live member dead when its timer runs out, while a
/// missed join only waits for anti-entropy; with ~retransmit_limit copies
/// per member a node misses an update with probability about
/// e^-(limit * (1 - loss)), which at 10% loss and 1,000 members happens every
/// few dozen refutations. Doubling the copies squares that probability.
inline constexpr uint32_t refutation_transmit_factor = 2;

/// Full-state exchanges cost O(n) bytes, so above 32 members their period
/// grows with ceil(log2(n) - log2(32)) + 1 to keep the per-member load flat.
int64_t push_pull_scaled_ms(int64_t interval_ms, size_t n);

/// Lifeguard's local health: timeouts grow by (score + 1).
int64_t awareness_scaled_ms(int64_t timeout_ms, int score);

/// Independent confirmations needed to reach the minimum suspicion timeout:
/// suspicion_mult - 2, or 0 when there are too few other members to ask.
size_t expected_confirmations(uint32_t suspicion_mult, size_t n);

/// Documented upper bound, on a loss-free network with healthy members, for
/// the time from a member's crash until every live member declared it dead:
/// - some member probes the crashed one within `miss_periods` probe
///   periods, except with probability about e^-miss_periods (each period,
///   each of the n - 1 others probes it with probability 1 / (n - 1));
/// - that probe fails within one more period;
/// - the prober's suspicion expires after at most the maximum timeout
///   (no confirmations; confirmations only shorten it);
/// - the dead update reaches everyone within retransmit_limit + 1 gossip
///   intervals, each informed member forwarding it to gossip_nodes others.
int64_t detection_bound_ms(const config& cfg, size_t n, uint32_t miss_periods);

} // namespace swarm::membership
