// The convergence oracle: compares every running member's view with the
// ground truth the simulator knows (who runs, at which incarnation).
#include <sstream>

#include "swarm/sim/swim_cluster.hpp"

namespace swarm::sim {

using membership::is_live;
using membership::member_state;

bool swim_cluster::view_matches(size_t i, std::string* why) const {
  const auto& node = *nodes_[i];
  auto fail = [&](const std::string& text) {
    if (why != nullptr)
      *why = names_[i] + ": " + text;
    return false;
  };
  if (!node.joined())
    return fail("not joined");
  size_t running = 0;
  for (size_t j = 0; j < size(); ++j) {
    const auto* m = node.find(names_[j]);
    if (status_[j] == member_status::up && !nodes_[j]->leaving()) {
      ++running;
      if (m == nullptr)
        return fail("does not know " + names_[j]);
      if (m->state != member_state::alive)
        return fail("sees " + names_[j] + " " + std::string{to_string(m->state)});
      if (m->incarnation != nodes_[j]->incarnation())
        return fail("has " + names_[j] + " at incarnation " + std::to_string(m->incarnation)
                    + ", not " + std::to_string(nodes_[j]->incarnation()));
    } else if (m != nullptr && is_live(m->state)) {
      return fail("sees stopped " + names_[j] + " " + std::string{to_string(m->state)});
    }
  }
  if (node.live_count() != running)
    return fail("counts " + std::to_string(node.live_count()) + " live members, not "
                + std::to_string(running));
  return true;
}

bool swim_cluster::converged() const {
  // Cheap pre-check first: every view must count the same live members.
  size_t running = 0;
  for (size_t j = 0; j < size(); ++j)
    if (status_[j] == member_status::pending)
      return false;
  for (size_t j = 0; j < size(); ++j)
    running += status_[j] == member_status::up && !nodes_[j]->leaving() ? 1 : 0;
  for (size_t i = 0; i < size(); ++i)
    if (nodes_[i] && !nodes_[i]->leaving() && nodes_[i]->live_count() != running)
      return false;
  for (size_t i = 0; i < size(); ++i)
    if (nodes_[i] && !nodes_[i]->leaving() && !view_matches(i, nullptr))
      return false;
  return true;
}

std::string swim_cluster::divergence() const {
  std::ostringstream out;
  size_t shown = 0;
  for (size_t i = 0; i < size() && shown < 5; ++i) {
    std::string why;
    if (nodes_[i] && !nodes_[i]->leaving() && !view_matches(i, &why)) {
      out << (shown == 0 ? "" : "; ") << why;
      ++shown;
    }
  }
  return out.str();
}

} // namespace swarm::sim
