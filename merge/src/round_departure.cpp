// Who has the final model. After the final round a node keeps answering
// catch-up requests for peers that missed the commit; once every peer said
// its ML loaded the final model, nobody can need those answers and the node
// may stop at once rather than after a fixed linger.

#include "swarm/merge/round_coordinator.hpp"

namespace swarm::merge {

void round_coordinator::final_loaded() {
  if (!committed_.final)
    return;
  broadcast(final_loaded_msg{committed_.round});
}

void round_coordinator::on_final_loaded(const std::string& from, const final_loaded_msg& m) {
  auto& round = final_loaded_by_[from];
  round = std::max(round, m.round);
}

bool round_coordinator::peers_have_final() const {
  if (!committed_.final)
    return false;
  for (const auto& peer : audience()) {
    auto i = final_loaded_by_.find(peer);
    if (i == final_loaded_by_.end() || i->second != committed_.round)
      return false;
  }
  return true;
}

} // namespace swarm::merge
