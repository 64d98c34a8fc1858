// Small swarms share every model with every peer at check-in: proposals
// then carry only a digest, and each acceptor merges the same models
// itself (round_config::share_models_max_peers).

#include "swarm/merge/round_coordinator.hpp"

#include <algorithm>

namespace swarm::merge {

void round_coordinator::replay_ahead(int64_t now_ms) {
  auto open = committed_.round + 1;
  auto due = [open](const auto& kv) { return kv.second.round <= open; };
  if (std::none_of(ahead_.begin(), ahead_.end(), due))
    return;
  auto stash = std::exchange(ahead_, {});
  for (const auto& [from, m] : stash) {
    // Only peers membership knows alive: a replayed check-in of a dead one
    // would hold a place in the round until membership changes again.
    if (m.round == open && live_peers_.contains(from))
      on_checkin(from, m, now_ms);
    else if (m.round > open)
      ahead_.emplace(from, m);
  }
}

bool round_coordinator::shares_models() const {
  return audience().size() <= cfg_.share_models_max_peers;
}

namespace {

bool same_inputs(const std::vector<contribution>& x, const std::vector<contribution>& y) {
  return std::equal(x.begin(), x.end(), y.begin(), y.end(), [](const auto& a, const auto& b) {
    return a.peer == b.peer && a.weight == b.weight && a.model == b.model;
  });
}

} // namespace

std::vector<contribution> round_coordinator::expected_inputs() const {
  // What a leader merges when every live peer checked in: each check-in
  // with a weight, in name order (the order of its map of models).
  std::vector<contribution> inputs;
  for (const auto& [name, entry] : checkins_) {
    if (entry.first.weight <= 0.0)
      continue;
    const model_ptr* model = nullptr;
    if (name == self_)
      model = &my_model_;
    else if (auto i = early_models_.find(name); i != early_models_.end())
      model = &i->second.model;
    if (model == nullptr || !*model)
      return {};
    inputs.push_back(contribution{name, entry.first.weight, model->get()});
  }
  return inputs;
}

void round_coordinator::speculate() {
  // An acceptor would sit idle while the leader merges, then merge the same
  // models on the proposal: it merges now instead, so that it can accept
  // as soon as the proposal arrives. Only when the leader is bound to take
  // exactly these check-ins: every live peer's, with its model.
  if (!checked_in_ || lead_ || accepted_ || !shares_models() || candidate(term_) == self_
      || checkins_.size() < cfg_.min_peers)
    return;
  for (const auto& peer : audience())
    if (!checkins_.contains(peer))
      return;
  auto inputs = expected_inputs();
  if (inputs.empty() || (speculation_ && same_inputs(speculation_->inputs, inputs)))
    return;
  auto merged = spare_output();
  if (!merge_models_into(inputs, cfg_.merge, merged))
    return;
  ++stats_.speculative_merges;
  auto digest_of = digest(merged);
  speculation_ = speculation{std::move(inputs), digest_of, make_merged(std::move(merged))};
  ready_.speculated = digested_model{speculation_->digest, speculation_->model};
}

model_ptr round_coordinator::merge_shared(const proposal_msg& m) {
  // The leader's inputs, in its order (participants are sorted by name, as
  // its models were) and with the weights it used.
  std::vector<contribution> inputs;
  for (const auto& p : m.participants) {
    if (p.info.weight <= 0.0)
      continue;
    const model_ptr* model = nullptr;
    if (p.name == self_) {
      model = &my_model_;
    } else if (auto i = early_models_.find(p.name); i != early_models_.end()) {
      model = &i->second.model;
    }
    if (model == nullptr || !*model)
      return nullptr;
    inputs.push_back(contribution{p.name, p.info.weight, model->get()});
  }
  // Nobody contributed (all inactive): the leader kept a model of its own.
  if (inputs.empty())
    return nullptr;
  if (speculation_ && same_inputs(speculation_->inputs, inputs)) {
    if (speculation_->digest != m.digest)
      return nullptr;
    ++stats_.speculation_hits;
    return speculation_->model;
  }
  auto merged = spare_output();
  if (!merge_models_into(inputs, cfg_.merge, merged))
    return nullptr;
  // A different merge method or CPU may give other bytes: the digest says.
  if (digest(merged) != m.digest)
    return nullptr;
  return make_merged(std::move(merged));
}

void round_coordinator::retry_deferred(int64_t now_ms) {
  if (!deferred_)
    return;
  auto d = std::move(*deferred_);
  deferred_.reset();
  on_proposal(d.from, d.msg, now_ms);
}

void round_coordinator::on_proposal_request(const std::string& from,
                                            const proposal_request_msg& m) {
  if (!lead_ || lead_->phase != leader_state::proposing || m.round != committed_.round + 1
      || m.term != term_)
    return;
  const auto& p = *lead_->proposal;
  send(from, proposal_msg{m.round, term_, p.digest, p.model, p.participants, p.final, p.electors});
}

} // namespace swarm::merge
