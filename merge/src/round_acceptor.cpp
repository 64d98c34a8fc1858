// The acceptor's side of a round: take a proposal, learn the commit (from
// the leader's message, or at once when this node and the leader are a
// quorum), and catch up to rounds committed without it.

#include <algorithm>

#include "swarm/merge/round_coordinator.hpp"

namespace swarm::merge {

void round_coordinator::on_proposal(const std::string& from, const proposal_msg& m,
                                    int64_t now_ms) {
  if (!route_by_round(from, m.round) || m.term < term_)
    return;
  adopt_term(m.term, now_ms);
  last_leader_sign_ms_ = now_ms;
  auto model = m.model ? m.model : merge_shared(m);
  if (!model) {
    deferred_ = deferred_proposal{from, m};
    return;
  }
  deferred_.reset();
  bool known = accepted_ && accepted_->digest == m.digest;
  accepted_ =
    accepted_state{m.term, m.digest, std::move(model), m.participants, m.final, m.electors};
  send(from, accepted_msg{m.round, m.term, m.digest});
  if (leader_and_self_choose(from, m.participants.size())) {
    // Chosen already: no need to wait for the leader's commit message.
    const auto& a = *accepted_;
    commit(committed_state{m.round, m.term, from, a.digest, a.model, a.participants, a.final,
                           a.electors},
           false, false);
    return;
  }
  // A resent proposal, or one a new leader re-proposes, is no news.
  if (!known)
    announce(*accepted_);
}

bool round_coordinator::leader_and_self_choose(const std::string& leader,
                                               size_t participants) const {
  // Paxos' learner shortcut: a leader proposes only what it accepted
  // itself, so once this node accepts too, the two hold the value. If they
  // are a quorum and enough holders for min_peers, it is chosen: every
  // later leader hears of it from a voter and re-proposes it. The acceptor
  // then commits on its own and spares the round the commit message's trip
  // (every acceptor of a two- or three-node swarm).
  if (!cfg_.learn_on_accept || leader == self_)
    return false;
  size_t needed = std::min<size_t>(cfg_.min_peers, participants);
  return needed <= 2 && has_majority({leader, self_});
}

void round_coordinator::on_commit(const std::string& from, const commit_msg& m) {
  if (m.round <= committed_.round)
    return;
  if (m.round == committed_.round + 1 && accepted_ && accepted_->term == m.term
      && accepted_->digest == m.digest) {
    committed_state next{m.round,         m.term,
                         from,            m.digest,
                         accepted_->model, accepted_->participants,
                         accepted_->final, accepted_->electors};
    commit(std::move(next), false, false);
    return;
  }
  send(from, catch_up_request_msg{committed_.round});
}

void round_coordinator::send_catch_up(const std::string& to) {
  const auto& c = committed_;
  send(to, catch_up_msg{c.round, c.term, c.leader, c.digest, c.model, c.participants, c.final,
                        c.electors});
}

void round_coordinator::on_catch_up(const std::string& from, const catch_up_msg& m) {
  (void) from;
  if (m.round <= committed_.round || !m.model)
    return;
  ++stats_.catch_ups;
  committed_state next{m.round, m.term,         m.leader, m.digest,
                       m.model, m.participants, m.final,  m.electors};
  commit(std::move(next), false, true);
}

} // namespace swarm::merge
