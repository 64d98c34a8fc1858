#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "swarm/common/error.hpp"
#include "swarm/membership/crdt_summary.hpp"
#include "swarm/membership/state_bytes.hpp"
#include "swarm/membership/state_swarm.hpp"

namespace swarm::membership {

/// Anti-entropy fingerprints of every map of a state, by map name.
using state_summary = std::map<std::string, crdt_summary, std::less<>>;

/// Most updates one decoded batch may hold; a gossip message or an
/// anti-entropy reply that needs more is split by the sender.
inline constexpr size_t state_max_batch_updates = 100'000;

/// Returns the fingerprints of every map of `x` (about 0.5 KB per map).
///
/// Push-pull anti-entropy between replicas A and B, with no per-peer memory:
/// 1. A sends `summarize(a)`;
/// 2. B replies with `delta_for(b, summary_of_a)` and `summarize(b)`;
/// 3. A merges B's delta (`merge_all`), then sends `delta_for(a, summary_of_b)`
///    back, which B merges. Both now agree on every bucket that differed.
/// Converged replicas exchange only the summaries.
state_summary summarize(const swarm_state& x);

/// Returns the updates of `x` in every bucket where `remote` differs, for the
/// maps both sides know. Maps `remote` lacks are skipped: a peer of an older
/// version would reject them anyway.
std::vector<state_update> delta_for(const swarm_state& x, const state_summary& remote);

/// Returns every entry of `x` as updates (a full-state transfer, e.g. to a
/// node that joins with an empty state).
std::vector<state_update> all_updates(const swarm_state& x);

/// Appends `x`: a varint map count, then per map its name and fingerprints.
void encode_state_summary(byte_writer& out, const state_summary& x);

/// Reads a state summary (map names strictly ascending); safe on untrusted
/// input.
expected<state_summary> decode_state_summary(std::span<const std::byte> bytes);

/// Appends `xs`: a varint count, then per update its map name and entry.
void encode_updates(byte_writer& out, std::span<const state_update> xs);

/// Reads a batch written by `encode_updates` and checks every entry's limits
/// (not the record values: `swarm_state::merge_all` does that). Safe on
/// untrusted input; consumes all of `bytes`.
expected<std::vector<state_update>> decode_updates(std::span<const std::byte> bytes);

} // namespace swarm::membership
