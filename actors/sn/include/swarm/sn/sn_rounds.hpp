#pragma once

#include <cstddef>
#include <memory>
#include <optional>

#include "swarm/api/round_provider.hpp"
#include "swarm/membership/crdt_summary.hpp"
#include "swarm/membership/state_swarm.hpp"
#include "swarm/sn/sn_provider.hpp"

namespace swarm::sn {

/// Builds the API's view of the round records in `state`: grouped by
/// contract, rounds ascending, each with its record hash and whether its
/// `prev_hash` links to the previous round's record held here.
std::shared_ptr<const api::round_table> round_table_of(const membership::swarm_state& state);

/// Keeps an `sn_provider`'s round snapshot in step with the state, cheaply:
/// the snapshot is rebuilt (decoding and hashing every record) only when
/// the state's "rounds" map changed, which its anti-entropy fingerprint and
/// entry count tell at no cost. The node thread calls `refresh` on every
/// publish.
class round_publisher {
public:
  /// Publishes the round records of `state` to `provider` if the rounds map
  /// changed since the last call (or on the first call); returns whether it
  /// did.
  bool refresh(const membership::swarm_state& state, sn_provider& provider);

private:
  std::optional<membership::crdt_summary> seen_summary_;
  size_t seen_entries_ = 0;
};

} // namespace swarm::sn
