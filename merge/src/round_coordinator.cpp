// The round coordinator's inputs: peers, check-ins, message routing,
// commits and ticks. The acceptor's side lives in round_acceptor.cpp,
// election in round_election.cpp, the leader's exchange and merge in
// round_leader.cpp.

#include "swarm/merge/round_coordinator.hpp"

#include <algorithm>
#include <cassert>
#include <cctype>

namespace swarm::merge {

namespace {

template <class... Fs>
struct overload : Fs... {
  using Fs::operator()...;
};

template <class... Fs>
overload(Fs...) -> overload<Fs...>;

} // namespace

std::optional<train_end_mode> parse_train_end_mode(std::string_view text) noexcept {
  std::string lower;
  for (char c : text)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower == "inactive")
    return train_end_mode::inactive;
  if (lower == "snapshot")
    return train_end_mode::snapshot;
  if (lower == "active")
    return train_end_mode::active;
  return std::nullopt;
}

const char* kind_name(const round_message& x) noexcept {
  static constexpr const char* names[] = {
    "checkin",  "vote_request", "vote",   "model_request", "model_reply",      "heartbeat",
    "proposal", "accepted",     "commit", "refusal",       "catch_up_request", "catch_up",
    "proposal_request", "final_loaded",
  };
  return names[x.index()];
}

round_coordinator::round_coordinator(std::string self, round_config cfg, int64_t now_ms)
  : self_(std::move(self)), cfg_(std::move(cfg)), last_new_peer_ms_(now_ms),
    last_leader_sign_ms_(now_ms), last_resend_ms_(now_ms) {
  if (cfg_.min_peers == 0)
    cfg_.min_peers = 1;
}

void round_coordinator::set_peers(const std::set<std::string>& live_peers, int64_t now_ms) {
  if (committed_.round == 0 && !checked_in_) {
    // A node that has not taken part yet (a late joiner, a restart) asks
    // new peers for the latest model: if training already ended, nobody
    // would ever send it anything.
    for (const auto& name : live_peers)
      if (name != self_ && !live_peers_.contains(name))
        send(name, catch_up_request_msg{0});
  }
  std::vector<std::string> found;
  for (const auto& name : live_peers)
    if (name != self_ && !live_peers_.contains(name))
      found.push_back(name);
  live_peers_ = live_peers;
  live_peers_.erase(self_);
  if (checked_in_) {
    // A peer found after this node checked in (typically at the first
    // sync, while the SLs still discover each other) would otherwise hear
    // of the check-in only at the next resend, a heartbeat interval later:
    // measured, that was most of the first round's latency. With the model,
    // as check_in would have sent it: without, the leader asks for it, and
    // an acceptor cannot merge the proposal itself and asks for that.
    auto leader = term_ == 0 ? candidate(0) : std::nullopt;
    bool share = shares_models();
    for (const auto& name : found)
      send(name, checkin_msg{committed_.round + 1, term_, my_info_,
                             share || leader == name ? my_model_ : nullptr});
  }
  note_seen(live_peers_, now_ms);
  std::erase_if(checkins_, [&](const auto& kv) {
    return kv.first != self_ && !live_peers_.contains(kv.first);
  });
  // early_models_ stay: a dead peer's model may still be needed to rebuild
  // a proposal made before it died. They go at the next commit.
  std::erase_if(ahead_, [&](const auto& kv) { return !live_peers_.contains(kv.first); });
  if (checkins_.size() < cfg_.min_peers)
    quorum_since_ms_.reset();
  try_lead(now_ms);
}

void round_coordinator::check_in(const checkin_info& info, model_ptr model, int64_t now_ms) {
  if (checked_in_ || committed_.final)
    return;
  assert(model != nullptr);
  checked_in_ = true;
  my_info_ = info;
  my_info_.eligible = cfg_.eligible;
  my_model_ = std::move(model);
  checkins_[self_] = {my_info_, term_};
  // The expected leader gets the model right away (every peer does in a
  // small swarm); if another node ends up leading, it asks for the model.
  auto leader = term_ == 0 ? candidate(0) : std::nullopt;
  bool share = shares_models();
  for (const auto& to : audience())
    send(to, checkin_msg{committed_.round + 1, term_, my_info_,
                         share || leader == to ? my_model_ : nullptr});
  last_resend_ms_ = now_ms;
  if (!quorum_since_ms_ && checkins_.size() >= cfg_.min_peers)
    quorum_since_ms_ = now_ms;
  last_leader_sign_ms_ = std::max(last_leader_sign_ms_, now_ms);
  try_lead(now_ms);
  replay_ahead(now_ms);
  speculate();
}

void round_coordinator::finish(train_end_mode mode, checkin_info info, model_ptr model,
                               int64_t now_ms) {
  end_mode_ = mode;
  end_info_ = info;
  end_info_.done = true;
  end_model_ = std::move(model);
  if (checked_in_) {
    // Already waiting (e.g. a sync point on the very last batch): the round
    // should still learn that this node is done.
    my_info_.done = true;
    checkins_[self_].first.done = true;
    return;
  }
  standing_check_in(now_ms);
}

void round_coordinator::standing_check_in(int64_t now_ms) {
  if (!end_mode_ || checked_in_ || committed_.final)
    return;
  auto info = end_info_;
  model_ptr model = end_model_;
  if (*end_mode_ == train_end_mode::inactive)
    info.weight = 0.0;
  else if (*end_mode_ == train_end_mode::active && committed_.model)
    model = committed_.model;
  check_in(info, std::move(model), now_ms);
}

void round_coordinator::step(const std::string& from, const round_message& msg, int64_t now_ms) {
  if (from == self_)
    return;
  std::visit(overload{
               [&](const checkin_msg& m) { on_checkin(from, m, now_ms); },
               [&](const vote_request_msg& m) { on_vote_request(from, m, now_ms); },
               [&](const vote_msg& m) { on_vote(from, m, now_ms); },
               [&](const model_request_msg& m) { on_model_request(from, m, now_ms); },
               [&](const model_reply_msg& m) { on_model_reply(from, m, now_ms); },
               [&](const heartbeat_msg& m) {
                 if (m.round == committed_.round + 1 && m.term >= term_) {
                   adopt_term(m.term, now_ms);
                   if (candidate(term_) == from)
                     last_leader_sign_ms_ = now_ms;
                 } else {
                   route_by_round(from, m.round);
                 }
               },
               [&](const proposal_msg& m) { on_proposal(from, m, now_ms); },
               [&](const accepted_msg& m) { on_accepted(from, m); },
               [&](const commit_msg& m) { on_commit(from, m); },
               [&](const refusal_msg& m) { on_refusal(from, m); },
               [&](const catch_up_request_msg& m) {
                 if (committed_.round > m.committed_round)
                   send_catch_up(from);
               },
               [&](const catch_up_msg& m) { on_catch_up(from, m); },
               [&](const proposal_request_msg& m) { on_proposal_request(from, m); },
               [&](const final_loaded_msg& m) { on_final_loaded(from, m); },
             },
             msg);
  replay_ahead(now_ms);
  try_lead(now_ms);
}

bool round_coordinator::route_by_round(const std::string& from, uint64_t round) {
  auto open = committed_.round + 1;
  if (round == open)
    return true;
  if (round < open) {
    // The sender is behind: hand it the latest committed model.
    if (committed_.round > 0)
      send_catch_up(from);
  } else {
    send(from, catch_up_request_msg{committed_.round});
  }
  return false;
}

void round_coordinator::on_checkin(const std::string& from, const checkin_msg& m,
                                   int64_t now_ms) {
  if (m.info.done)
    done_peers_.insert(from);
  // A peer that heard of the open round's commit first is a round ahead:
  // its check-in (with its model) counts once this node commits too.
  if (m.round == committed_.round + 2)
    ahead_[from] = m;
  if (!route_by_round(from, m.round))
    return;
  // Not added to live_peers_: a check-in still in flight when its sender
  // died would make a dead node live again until membership changes (it
  // then blocked the final round forever). checkins_ covers peers that
  // membership has not reported yet.
  if (auto early = early_models_.find(from); early != early_models_.end()) {
    // A new check-in to the same round (the peer restarted under its name)
    // voids the model of its first one. Only `done` may change in between.
    auto was = early->second.info;
    was.done = m.info.done;
    if (!(was == m.info))
      early_models_.erase(early);
  }
  checkins_[from] = {m.info, m.term};
  note_seen({from}, now_ms);
  if (m.model) {
    early_models_[from] = {m.info, m.model};
    // A leader already exchanging may be waiting for just this model.
    if (lead_ && lead_->phase == leader_state::exchanging && m.term == term_) {
      take_model(from, m.info, m.model);
      try_merge(now_ms, false);
    }
  }
  if (m.term > term_)
    adopt_term(m.term, now_ms);
  if (!quorum_since_ms_ && checkins_.size() >= cfg_.min_peers)
    quorum_since_ms_ = now_ms;
  // A finished node follows every round the others open.
  standing_check_in(now_ms);
  if (m.model) {
    speculate();
    retry_deferred(now_ms);
  }
}

void round_coordinator::on_model_request(const std::string& from, const model_request_msg& m,
                                         int64_t now_ms) {
  if (!route_by_round(from, m.round) || m.term < term_ || !checked_in_)
    return;
  adopt_term(m.term, now_ms);
  last_leader_sign_ms_ = now_ms;
  send(from, model_reply_msg{m.round, m.term, my_info_, my_model_});
}

void round_coordinator::on_refusal(const std::string& from, const refusal_msg& m) {
  if (m.round != committed_.round + 1 || !checked_in_)
    return;
  round_event ev;
  ev.kind = round_event::refused;
  ev.round = m.round;
  ev.leader = from;
  ev.reason = m.reason;
  ready_.events.push_back(std::move(ev));
}

void round_coordinator::commit(committed_state next, bool led_by_me, bool caught_up) {
  // Did this node's check-in make it into the round? If not (and it
  // checked in), it is a straggler that skips to the committed model.
  bool took_part = std::any_of(next.participants.begin(), next.participants.end(),
                               [&](const participant& p) { return p.name == self_; });
  committed_ = std::move(next);
  for (const auto& p : committed_.participants)
    if (p.info.done && p.name != self_)
      done_peers_.insert(p.name);
  ++stats_.rounds_committed;
  if (led_by_me)
    ++stats_.rounds_led;
  round_event ev;
  ev.kind = round_event::committed;
  ev.round = committed_.round;
  ev.term = committed_.term;
  ev.leader = committed_.leader;
  ev.digest = committed_.digest;
  ev.model = committed_.model;
  ev.participants = committed_.participants;
  ev.electors = committed_.electors;
  ev.final = committed_.final;
  ev.led_by_me = led_by_me;
  ev.caught_up = caught_up || !took_part;
  ready_.events.push_back(std::move(ev));
  // Open the next round.
  term_ = 0;
  voted_for_.clear();
  checkins_.clear();
  early_models_.clear();
  speculation_.reset();
  checked_in_ = false;
  my_model_.reset();
  accepted_.reset();
  lead_.reset();
  quorum_since_ms_.reset();
}

void round_coordinator::send(const std::string& to, round_message msg) {
  ready_.messages.push_back(outgoing_message{to, std::move(msg)});
}

void round_coordinator::broadcast(const round_message& msg) {
  for (const auto& to : audience())
    send(to, msg);
}

void round_coordinator::tick(int64_t now_ms) {
  if (committed_.final)
    return;
  if (deferred_) {
    // The missing model did not come by itself: ask for the merged one.
    send(deferred_->from, proposal_request_msg{deferred_->msg.round, deferred_->msg.term});
    deferred_.reset();
  }
  if (lead_) {
    leader_tick(now_ms);
  } else if (checked_in_ && quorum_since_ms_
             && now_ms - last_leader_sign_ms_ >= cfg_.leader_timeout_ms) {
    bump_term(now_ms);
  }
  if (checked_in_ && now_ms - last_resend_ms_ >= cfg_.heartbeat_interval_ms) {
    // Messages may be lost: a waiting node repeats its check-in so the
    // round cannot stall on one drop (a candidate repeats its vote
    // requests in leader_tick).
    last_resend_ms_ = now_ms;
    broadcast(checkin_msg{committed_.round + 1, term_, my_info_, nullptr});
  }
  if (!checked_in_ && end_mode_) {
    // Finished nodes check in when another node does; but if every live
    // peer is finished too (the last round was not final, e.g. because a
    // dead node was still in its electorate, or some missed it), nobody
    // would ever start the final round.
    bool all_done = std::all_of(live_peers_.begin(), live_peers_.end(),
                                [&](const auto& name) { return done_peers_.contains(name); });
    if (all_done)
      standing_check_in(now_ms);
  }
  if (!checked_in_ && (end_mode_ || committed_.round == 0)
      && now_ms - last_resend_ms_ >= cfg_.leader_timeout_ms) {
    // A node that waits for nobody (finished, or not started yet) would
    // never hear of a round that committed without it, e.g. the final one
    // while it was cut off, or when its first catch-up request was lost.
    last_resend_ms_ = now_ms;
    for (const auto& peer : live_peers_)
      send(peer, catch_up_request_msg{committed_.round});
  }
  try_lead(now_ms);
}

} // namespace swarm::merge
