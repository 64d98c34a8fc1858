#include "swarm/membership/state_registry.hpp"

#include <array>

#include "swarm/membership/state_contract_record.hpp"
#include "swarm/membership/state_node_record.hpp"
#include "swarm/membership/state_round_record.hpp"
#include "swarm/membership/state_task_record.hpp"
#include "swarm/membership/state_taskrunner_record.hpp"

namespace swarm::membership {

std::span<const map_descriptor> registered_maps() {
  // One line per record type. Names are part of the wire and file formats:
  // never rename one, only add.
  static const std::array maps{
    map_descriptor::of<node_record>(),
    map_descriptor::of<round_record>(),
    map_descriptor::of<task_record>(),
    map_descriptor::of<taskrunner_record>(),
    map_descriptor::of<taskrunner_peer_record>(),
    map_descriptor::of<contract_record>(),
  };
  return maps;
}

} // namespace swarm::membership
