#include "swarm/swop/run_decision.hpp"

#include <algorithm>

namespace swarm::swop {

using membership::peer_state;

std::string_view to_string(verdict x) noexcept {
  switch (x) {
    case verdict::idle:
      return "IDLE";
    case verdict::take:
      return "TAKE";
    case verdict::skip:
      return "SKIP";
  }
  return "?";
}

uint32_t covered_by_others(const membership::taskrunner_record& runner,
                           const std::vector<membership::taskrunner_peer_record>& peers,
                           std::string_view self) {
  bool pairs = runner.task_type == "RUN_SWARM";
  uint32_t result = 0;
  for (const auto& p : peers) {
    if (p.taskrunner != runner.name || p.swop_uuid == self || p.run_id != runner.run_id)
      continue;
    if (p.state == peer_state::running || p.state == peer_state::complete)
      result += pairs ? p.nodes : 1;
  }
  return result;
}

verdict decide(const membership::taskrunner_record& runner,
               const std::vector<membership::taskrunner_peer_record>& peers,
               std::string_view self, uint32_t own_nodes) {
  if (runner.task.empty())
    return verdict::idle;
  if (!runner.targets.empty()) {
    bool named = std::find(runner.targets.begin(), runner.targets.end(), self)
                 != runner.targets.end();
    return named ? verdict::take : verdict::skip;
  }
  if (runner.task_type == "RUN_SWARM" && own_nodes == 0)
    return verdict::skip;
  if (runner.all_peers || runner.peers_wanted == 0)
    return verdict::take;
  return covered_by_others(runner, peers, self) < runner.peers_wanted ? verdict::take
                                                                       : verdict::skip;
}

bool run_tracker::is_new(const membership::taskrunner_record& runner) {
  if (seen_ && runner.run_id == run_id_ && runner.targets == targets_)
    return false;
  seen_ = true;
  run_id_ = runner.run_id;
  targets_ = runner.targets;
  return true;
}

} // namespace swarm::swop
