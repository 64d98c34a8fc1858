// Who may vote, who is asked to lead, and the election with terms.

#include <algorithm>

#include "swarm/merge/round_coordinator.hpp"

namespace swarm::merge {

std::set<std::string> round_coordinator::electorate() const {
  std::set<std::string> result;
  if (committed_.round > 0) {
    // Fixed by the previous commit (its participants and electors): the
    // same set on every node that knows it, so majorities of it intersect.
    for (const auto& p : committed_.participants)
      result.insert(p.name);
    result.insert(committed_.electors.begin(), committed_.electors.end());
    return result;
  }
  result = seen_;
  result.insert(live_peers_.begin(), live_peers_.end());
  for (const auto& [name, _] : checkins_)
    result.insert(name);
  result.insert(self_);
  return result;
}

void round_coordinator::note_seen(const std::set<std::string>& names, int64_t now_ms) {
  for (const auto& name : names)
    if (name != self_ && seen_.insert(name).second && !discovery_from_caller_)
      last_new_peer_ms_ = now_ms;
}

void round_coordinator::set_last_discovery(int64_t when_ms) {
  discovery_from_caller_ = true;
  last_new_peer_ms_ = when_ms;
}

std::vector<std::string> round_coordinator::audience() const {
  auto all = electorate();
  all.insert(live_peers_.begin(), live_peers_.end());
  for (const auto& [name, _] : checkins_)
    all.insert(name);
  all.erase(self_);
  return {all.begin(), all.end()};
}

bool round_coordinator::seems_eligible(const std::string& name) const {
  // A peer that has not checked in counts as eligible until its check-in
  // says otherwise.
  if (name == self_)
    return cfg_.eligible;
  auto i = checkins_.find(name);
  return i == checkins_.end() || i->second.first.eligible;
}

std::optional<std::string> round_coordinator::candidate(uint64_t term) const {
  std::vector<std::string> eligible;
  if (committed_.round > 0) {
    for (const auto& p : committed_.participants)
      if (p.info.eligible)
        eligible.push_back(p.name);
  }
  bool from_participants = !eligible.empty();
  if (eligible.empty()) {
    // Round 1, or no eligible node took part last round: the eligible nodes
    // seen so far (a live peer that has not checked in counts as eligible
    // until its check-in says otherwise).
    for (const auto& name : electorate()) {
      if (seems_eligible(name))
        eligible.push_back(name);
    }
  }
  if (eligible.empty())
    return std::nullopt;
  std::sort(eligible.begin(), eligible.end());
  if (from_participants)
    append_elector_candidates(eligible);
  // Term 0 goes to the first eligible participant by name, which keeps a
  // stable leader while the participants stay (no election needed); each
  // later term moves to the next one. Not the previous round's leader:
  // when a later term re-committed a value its first leader had committed
  // too, nodes disagree on who led it, and two nodes would each count the
  // same term-0 check-ins as votes for themselves.
  return eligible[term % eligible.size()];
}

void round_coordinator::append_elector_candidates(std::vector<std::string>& candidates) const {
  // After the eligible participants (so term 0, which check-ins vote for
  // without a request, stays a function of the commit alone), the electors
  // that skipped the last round: if every participant died, the survivors
  // still hold a quorum and need one of them to lead. Then the other live
  // nodes: when the only live electors may not lead (SL_MAKE_ME_ADMIN), a
  // node outside the electorate leads with their votes. Whether a node is
  // eligible is known from its check-ins only, so views may differ here;
  // terms above 0 take explicit votes, which keeps one leader per term.
  std::set<std::string> listed{candidates.begin(), candidates.end()};
  for (const auto& p : committed_.participants)
    listed.insert(p.name);
  auto add = [&](const std::set<std::string>& names) {
    std::vector<std::string> more;
    for (const auto& name : names)
      if (!listed.contains(name) && seems_eligible(name))
        more.push_back(name);
    listed.insert(more.begin(), more.end());
    candidates.insert(candidates.end(), more.begin(), more.end());
  };
  add({committed_.electors.begin(), committed_.electors.end()});
  auto others = live_peers_;
  others.insert(self_);
  add(others);
}

std::optional<std::string>
round_coordinator::tie_breaker(const std::set<std::string>& members) const {
  if (committed_.round == 0 || members.size() % 2 != 0)
    return std::nullopt;
  // A function of the committed value alone, so every node that knows it
  // breaks ties alike. Not the default leader (the first eligible
  // participant by name): it carries the round and is the node most often
  // lost, by a crash or by an operator's failover drill; the tie then goes
  // to the side that survives it.
  std::optional<std::string> leader;
  for (const auto& p : committed_.participants)
    if (p.info.eligible && (!leader || p.name < *leader))
      leader = p.name;
  for (const auto& name : members)
    if (!leader || name != *leader)
      return name;
  return std::nullopt;
}

bool round_coordinator::has_majority(const std::set<std::string>& voters) const {
  auto members = electorate();
  size_t count = 0;
  for (const auto& v : voters)
    count += members.contains(v) ? 1 : 0;
  if (2 * count > members.size())
    return true;
  // Exactly half of an even electorate is a quorum when it holds the tie
  // breaker: two such halves share it, and a strict majority meets any
  // half, so every two quorums still intersect (Paxos needs no more). A
  // two-node electorate then survives losing its leader.
  auto breaker = tie_breaker(members);
  return 2 * count == members.size() && breaker && voters.contains(*breaker);
}

void round_coordinator::adopt_term(uint64_t term, int64_t now_ms) {
  if (term <= term_)
    return;
  term_ = term;
  voted_for_.clear();
  lead_.reset();
  last_leader_sign_ms_ = now_ms;
  if (checked_in_)
    checkins_[self_].second = term_;
}

void round_coordinator::bump_term(int64_t now_ms) {
  // try_lead (called right after) asks for votes if this node is the
  // term's candidate, exactly as when the term came from a peer.
  adopt_term(term_ + 1, now_ms);
  ++stats_.term_bumps;
}

void round_coordinator::on_vote_request(const std::string& from, const vote_request_msg& m,
                                        int64_t now_ms) {
  if (!route_by_round(from, m.round))
    return;
  adopt_term(m.term, now_ms);
  vote_msg reply;
  reply.round = m.round;
  reply.term = term_;
  reply.granted = m.term == term_ && (voted_for_.empty() || voted_for_ == from);
  if (reply.granted) {
    voted_for_ = from;
    last_leader_sign_ms_ = now_ms;
    if (accepted_) {
      reply.accepted_term = accepted_->term;
      reply.accepted_digest = accepted_->digest;
      reply.accepted_model = accepted_->model;
      reply.accepted_participants = accepted_->participants;
      reply.accepted_electors = accepted_->electors;
    }
  }
  send(from, std::move(reply));
}

void round_coordinator::on_vote(const std::string& from, const vote_msg& m, int64_t now_ms) {
  if (m.round != committed_.round + 1)
    return;
  if (m.term > term_) {
    adopt_term(m.term, now_ms);
    return;
  }
  if (m.term != term_ || !m.granted || !lead_ || lead_->phase != leader_state::collecting)
    return;
  lead_->votes.insert(from);
  if (m.accepted_model && (!lead_->recovered || m.accepted_term > lead_->recovered->term)) {
    // Finality is recomputed from the participants when re-proposing.
    bool final = std::all_of(m.accepted_participants.begin(), m.accepted_participants.end(),
                             [](const participant& p) { return p.info.done; });
    lead_->recovered = accepted_state{m.accepted_term,         m.accepted_digest,
                                      m.accepted_model,        m.accepted_participants,
                                      final,                   m.accepted_electors};
  }
}

void round_coordinator::try_lead(int64_t now_ms) {
  if (committed_.final || !checked_in_)
    return;
  if (candidate(term_) != self_) {
    if (lead_ && lead_->phase == leader_state::collecting)
      lead_.reset();
    return;
  }
  if (!lead_) {
    // In a term above 0 the candidate votes for itself, unless this term's
    // vote already went elsewhere (round 1's views of the nodes may differ).
    if (term_ > 0 && !voted_for_.empty() && voted_for_ != self_)
      return;
    lead_.emplace(leader_state{});
    lead_->votes.insert(self_);
    if (term_ > 0) {
      // Also when the term came from a peer's message rather than from this
      // node's own timeout: without the request nobody would vote, while
      // the candidate's heartbeats keep everyone from timing out.
      voted_for_ = self_;
      broadcast(vote_request_msg{committed_.round + 1, term_});
    }
    if (accepted_)
      lead_->recovered = *accepted_;
    lead_->phase_started_ms = now_ms;
    lead_->last_heartbeat_ms = now_ms;
    lead_->last_resend_ms = now_ms;
  }
  if (lead_->phase != leader_state::collecting)
    return;
  std::set<std::string> voters = lead_->votes;
  if (term_ == 0)
    for (const auto& [name, entry] : checkins_)
      if (entry.second == 0)
        voters.insert(name);
  if (!has_majority(voters))
    return;
  if (lead_->recovered) {
    // Paxos: a value some acceptor took may have committed; never replace it.
    propose(*lead_->recovered, now_ms);
    return;
  }
  if (checkins_.size() < cfg_.min_peers)
    return;
  auto everyone = audience();
  bool full = std::all_of(everyone.begin(), everyone.end(),
                          [&](const std::string& x) { return checkins_.contains(x); });
  bool waited = quorum_since_ms_ && now_ms - *quorum_since_ms_ >= cfg_.full_quorum_wait_ms;
  // Round 1: peers still finding each other would miss its electorate.
  bool settled =
    committed_.round > 0 || now_ms - last_new_peer_ms_ >= cfg_.discovery_settle_ms;
  if ((full && settled) || waited)
    start_exchange(now_ms);
}

} // namespace swarm::merge
