#pragma once

#include <vector>

#include "swarm/membership/crdt_summary.hpp"
#include "swarm/membership/state_swarm.hpp"
#include "swarm/sn/sn_provider.hpp"

namespace swarm::sn {

/// Keeps an `sn_provider`'s state snapshot (what the task, taskrunner and
/// contract routes read) in step with the live state: a copy is published
/// only when a map changed, which the maps' anti-entropy fingerprints and
/// entry counts tell at no cost.
class state_publisher {
public:
  /// Publishes a copy of `state` to `provider` if it changed since the last
  /// call (or on the first call); returns whether it did.
  bool refresh(const membership::swarm_state& state, sn_provider& provider);

private:
  struct map_mark {
    membership::crdt_summary summary;
    size_t entries = 0;
    friend bool operator==(const map_mark&, const map_mark&) = default;
  };

  std::vector<map_mark> seen_;
  bool published_ = false;
};

} // namespace swarm::sn
