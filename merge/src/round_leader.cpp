// The leader's side of a round: collect the participants' models, merge,
// propose, commit once enough acceptors took the proposal.

#include <algorithm>
#include <mutex>

#include "swarm/merge/round_coordinator.hpp"

namespace swarm::merge {

// The last merged model's values come back here when its last holder (a
// proposal, the committed state, an encoder's cache, possibly on another
// thread) drops it.
struct round_coordinator::spare_values {
  std::mutex mutex;
  std::vector<float> values;
};

tensor_bundle round_coordinator::spare_output() {
  tensor_bundle out;
  if (spare_) {
    std::lock_guard<std::mutex> guard{spare_->mutex};
    out.values = std::move(spare_->values);
  }
  return out;
}

model_ptr round_coordinator::make_merged(tensor_bundle merged) {
  if (!spare_)
    spare_ = std::make_shared<spare_values>();
  std::weak_ptr<spare_values> home = spare_;
  // Allocated non-const, so the deleter may take the values back.
  return model_ptr{new tensor_bundle(std::move(merged)), [home](const tensor_bundle* x) {
                     auto* owned = const_cast<tensor_bundle*>(x);
                     if (auto spare = home.lock()) {
                       std::lock_guard<std::mutex> guard{spare->mutex};
                       if (owned->values.capacity() > spare->values.capacity())
                         spare->values = std::move(owned->values);
                     }
                     delete owned;
                   }};
}

void round_coordinator::start_exchange(int64_t now_ms) {
  if (committed_.model) {
    // A leader whose own model no longer fits the swarm must not lead it.
    if (auto st = check_same_layout(*committed_.model, *my_model_, self_); !st) {
      round_event ev;
      ev.kind = round_event::refused;
      ev.round = committed_.round + 1;
      ev.leader = self_;
      ev.reason = st.error().message;
      ready_.events.push_back(std::move(ev));
      lead_.reset();
      checkins_.erase(self_);
      checked_in_ = false;
      return;
    }
  }
  auto& lead = *lead_;
  lead.phase = leader_state::exchanging;
  lead.phase_started_ms = now_ms;
  lead.last_resend_ms = now_ms;
  lead.members.clear();
  for (const auto& [name, _] : checkins_)
    lead.members.push_back(name);
  lead.models[self_] = {my_info_, my_model_};
  // A copy: take_model drops a member whose model it refuses.
  auto members = lead.members;
  for (const auto& name : members) {
    if (name == self_)
      continue;
    if (auto early = early_models_.find(name); early != early_models_.end())
      take_model(name, checkins_[name].first, early->second.model);
    else
      send(name, model_request_msg{committed_.round + 1, term_});
  }
  try_merge(now_ms, false);
}

void round_coordinator::on_model_reply(const std::string& from, const model_reply_msg& m,
                                       int64_t now_ms) {
  if (!lead_ || lead_->phase != leader_state::exchanging || m.round != committed_.round + 1
      || m.term != term_ || !m.model)
    return;
  take_model(from, m.info, m.model);
  try_merge(now_ms, false);
}

void round_coordinator::take_model(const std::string& from, const checkin_info& info,
                                   const model_ptr& model) {
  auto& lead = *lead_;
  auto member = std::find(lead.members.begin(), lead.members.end(), from);
  if (member == lead.members.end() || lead.models.contains(from))
    return;
  const auto& reference = committed_.model ? *committed_.model : *my_model_;
  auto st = check_same_layout(reference, *model, from);
  if (st)
    st = check_finite(*model, from);
  if (!st) {
    ++stats_.refusals_sent;
    send(from, refusal_msg{committed_.round + 1, st.error().message});
    lead.members.erase(member);
    lead.refused.insert(from);
    checkins_.erase(from);
  } else {
    lead.models[from] = {info, model};
  }
}

void round_coordinator::abdicate(int64_t now_ms) {
  // Too few models arrived: forget the silent members' check-ins and wait
  // for fresh ones (a live node repeats its check-in).
  for (const auto& name : lead_->members)
    if (!lead_->models.contains(name))
      checkins_.erase(name);
  lead_.reset();
  if (checkins_.size() < cfg_.min_peers)
    quorum_since_ms_.reset();
  last_leader_sign_ms_ = now_ms;
}

void round_coordinator::try_merge(int64_t now_ms, bool timed_out) {
  auto& lead = *lead_;
  bool all = lead.models.size() == lead.members.size();
  if (!all && !timed_out)
    return;
  if (lead.models.size() < cfg_.min_peers) {
    if (timed_out)
      abdicate(now_ms);
    return;
  }
  std::vector<contribution> inputs;
  accepted_state proposal;
  bool all_done = true;
  for (const auto& [name, entry] : lead.models) {
    proposal.participants.push_back(participant{name, entry.first});
    all_done = all_done && entry.first.done;
    if (entry.first.weight > 0.0)
      inputs.push_back(contribution{name, entry.first.weight, entry.second.get()});
  }
  if (inputs.empty()) {
    // Everyone present is inactive: the model stays as it was.
    proposal.model = committed_.model ? committed_.model : my_model_;
  } else {
    auto merged = spare_output();
    if (!merge_models_into(inputs, cfg_.merge, merged)) {
      abdicate(now_ms);
      return;
    }
    proposal.model = make_merged(std::move(merged));
  }
  auto everyone = audience();
  bool nobody_else = std::all_of(everyone.begin(), everyone.end(), [&](const std::string& x) {
    return lead.models.contains(x);
  });
  proposal.final = all_done && nobody_else;
  proposal.electors = next_electors(proposal.participants);
  proposal.term = term_;
  proposal.digest = digest(*proposal.model);
  propose(std::move(proposal), now_ms);
}

std::vector<std::string>
round_coordinator::next_electors(const std::vector<participant>& participants) const {
  // Every other live node of the contract that was not refused: the
  // participants vote anyway, a node that skipped the round (still
  // training) keeps its vote, and a node found after this round's
  // electorate was fixed (a late start, a slow discovery) gets one now
  // rather than after its first round: until then, losing one of a
  // two-node electorate could stop a three-node swarm. Dead names drop out
  // here.
  std::set<std::string> skip;
  for (const auto& p : participants)
    skip.insert(p.name);
  skip.insert(lead_->refused.begin(), lead_->refused.end());
  std::vector<std::string> result;
  for (const auto& name : live_peers_)
    if (!skip.contains(name))
      result.push_back(name);
  return result;
}

void round_coordinator::propose(accepted_state proposal, int64_t now_ms) {
  proposal.term = term_;
  auto& lead = *lead_;
  lead.phase = leader_state::proposing;
  lead.phase_started_ms = now_ms;
  lead.last_resend_ms = now_ms;
  lead.proposal = proposal;
  lead.acks = {self_};
  accepted_ = proposal;
  // Peers that shared their models rebuild the merged one themselves.
  broadcast(proposal_msg{committed_.round + 1, term_, proposal.digest,
                         shares_models() ? nullptr : proposal.model, proposal.participants,
                         proposal.final, proposal.electors});
  maybe_commit();
  if (lead_ && lead_->phase == leader_state::proposing)
    announce(*lead_->proposal);
}

void round_coordinator::on_accepted(const std::string& from, const accepted_msg& m) {
  if (!lead_ || lead_->phase != leader_state::proposing || m.round != committed_.round + 1
      || m.term != term_ || m.digest != lead_->proposal->digest)
    return;
  lead_->acks.insert(from);
  maybe_commit();
}

void round_coordinator::maybe_commit() {
  auto& lead = *lead_;
  const auto& p = *lead.proposal;
  // min_peers nodes must hold the model, participants or not: a
  // participant that died after sending its model can never accept, and
  // every later leader must re-propose this very value (Paxos), so
  // counting only participants could block the training for good.
  size_t needed = std::min<size_t>(cfg_.min_peers, p.participants.size());
  if (lead.acks.size() < needed || !has_majority(lead.acks))
    return;
  auto round = committed_.round + 1;
  broadcast(commit_msg{round, term_, p.digest});
  commit(committed_state{round, term_, self_, p.digest, p.model, p.participants, p.final,
                         p.electors},
         true, false);
}

void round_coordinator::announce(const accepted_state& value) {
  if (!cfg_.announce_tentative)
    return;
  round_event ev;
  ev.kind = round_event::tentative;
  ev.round = committed_.round + 1;
  ev.term = value.term;
  ev.digest = value.digest;
  ev.model = value.model;
  ev.final = value.final;
  ready_.events.push_back(std::move(ev));
}

void round_coordinator::leader_tick(int64_t now_ms) {
  auto& lead = *lead_;
  auto round = committed_.round + 1;
  if (now_ms - lead.last_heartbeat_ms >= cfg_.heartbeat_interval_ms) {
    lead.last_heartbeat_ms = now_ms;
    broadcast(heartbeat_msg{round, term_});
  }
  bool resend = now_ms - lead.last_resend_ms >= cfg_.heartbeat_interval_ms;
  if (resend)
    lead.last_resend_ms = now_ms;
  if (lead.phase == leader_state::collecting) {
    // Votes may be lost; voters answer a repeated request alike.
    if (resend && term_ > 0)
      broadcast(vote_request_msg{round, term_});
  } else if (lead.phase == leader_state::exchanging) {
    if (resend)
      for (const auto& name : lead.members)
        if (!lead.models.contains(name))
          send(name, model_request_msg{round, term_});
    if (now_ms - lead.phase_started_ms >= cfg_.exchange_timeout_ms)
      try_merge(now_ms, true);
  } else if (lead.phase == leader_state::proposing && resend) {
    const auto& p = *lead.proposal;
    for (const auto& to : audience())
      if (!lead.acks.contains(to))
        send(to, proposal_msg{round, term_, p.digest, p.model, p.participants, p.final,
                              p.electors});
  }
}

} // namespace swarm::merge
