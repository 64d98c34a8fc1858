// The durable part of a coordinator: handing it out when it changes, and
// starting again from it after a restart.

#include <cassert>

#include "swarm/merge/round_coordinator.hpp"

namespace swarm::merge {

round_coordinator::round_coordinator(std::string self, round_config cfg, int64_t now_ms,
                                     const round_hard_state& saved)
    : round_coordinator(std::move(self), std::move(cfg), now_ms) {
  assert((saved.committed_round == 0 || saved.committed.model) && "restored without its model");
  assert((!saved.accepted || saved.accepted->model) && "restored without its model");
  const auto& c = saved.committed;
  committed_ = committed_state{saved.committed_round,
                               c.term,
                               saved.committed_leader,
                               c.digest,
                               c.model,
                               c.participants,
                               c.final,
                               c.electors};
  for (const auto& p : committed_.participants)
    if (p.info.done && p.name != self_)
      done_peers_.insert(p.name);
  term_ = saved.term;
  voted_for_ = saved.voted_for;
  accepted_ = saved.accepted;
  for (const auto& name : saved.seen)
    if (name != self_)
      seen_.insert(name);
  // Nothing new to save: this is what was saved.
  saved_key_ = current_hard_key();
}

round_hard_state round_coordinator::hard_state() const {
  round_hard_state x;
  x.committed_round = committed_.round;
  x.committed_leader = committed_.leader;
  x.committed = round_value{committed_.term,         committed_.digest, committed_.model,
                            committed_.participants, committed_.final,  committed_.electors};
  x.term = term_;
  x.voted_for = voted_for_;
  x.accepted = accepted_;
  x.seen.assign(seen_.begin(), seen_.end());
  return x;
}

round_coordinator::hard_key round_coordinator::current_hard_key() const {
  hard_key key;
  key.committed_round = committed_.round;
  key.term = term_;
  key.voted_for = voted_for_;
  if (accepted_)
    key.accepted.emplace(accepted_->term, accepted_->digest);
  // Round 1's electorate only: later rounds take theirs from the commit.
  key.seen = committed_.round == 0 ? seen_.size() : 0;
  return key;
}

round_ready round_coordinator::take_ready() {
  round_ready result;
  std::swap(result, ready_);
  if (auto key = current_hard_key(); !(key == saved_key_)) {
    result.hard_state = hard_state();
    saved_key_ = std::move(key);
  }
  return result;
}

} // namespace swarm::merge
