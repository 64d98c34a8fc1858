// What keeps a waiting node's round from committing, in words for its log:
// HPE's merges hang without a word, and a user cannot tell a slow peer from
// a lost quorum.

#include <algorithm>
#include <iterator>
#include <string>

#include "swarm/merge/round_coordinator.hpp"

namespace swarm::merge {

namespace {

std::string listed(const std::set<std::string>& names) {
  if (names.empty())
    return "none";
  std::string out;
  for (const auto& n : names)
    out += (out.empty() ? "" : ", ") + n;
  return out;
}

} // namespace

round_stall round_coordinator::stall() const {
  if (!checked_in_ || committed_.final)
    return {};
  auto round = std::to_string(committed_.round + 1);
  std::set<std::string> live{live_peers_};
  live.insert(self_);
  auto members = electorate();
  std::set<std::string> live_voters;
  for (const auto& m : members)
    if (live.contains(m))
      live_voters.insert(m);
  if (!has_majority(live_voters)) {
    std::string who = committed_.round > 0
                        ? "round " + std::to_string(committed_.round) + "'s electorate"
                        : "the nodes seen so far";
    std::string needed = std::to_string(members.size() / 2 + 1);
    if (auto breaker = tie_breaker(members))
      needed += " (or " + std::to_string(members.size() / 2) + " with " + *breaker + ")";
    std::set<std::string> absent;
    std::set_difference(members.begin(), members.end(), live_voters.begin(), live_voters.end(),
                        std::inserter(absent, absent.end()));
    return {round_stall::cause::majority,
            "round " + round + " needs " + needed + " of " + who + " (" + listed(members)
              + ") alive to commit; alive: " + listed(live_voters)
              + ". It waits for the others to come back: without that majority a dead peer "
                "and a partition look alike, and a round must not commit twice",
            std::move(absent)};
  }
  if (live.size() < cfg_.min_peers)
    return {round_stall::cause::live_nodes, "round " + round + " needs minPeers "
                                               + std::to_string(cfg_.min_peers)
                                               + " nodes; alive: " + listed(live),
            {}};
  if (std::none_of(live.begin(), live.end(), [&](const auto& x) { return seems_eligible(x); }))
    return {round_stall::cause::no_leader,
            "round " + round + " has no live node that may lead: every one (" + listed(live)
              + ") runs with SL_MAKE_ME_ADMIN=False. It waits for a node that may",
            {}};
  if (checkins_.size() < cfg_.min_peers) {
    std::set<std::string> in;
    for (const auto& [name, _] : checkins_)
      in.insert(name);
    return {round_stall::cause::check_ins,
            "round " + round + " has " + std::to_string(in.size()) + " of minPeers "
              + std::to_string(cfg_.min_peers) + " check-ins (" + listed(in)
              + "): it waits for the others' sync points",
            {}};
  }
  return {};
}

} // namespace swarm::merge
