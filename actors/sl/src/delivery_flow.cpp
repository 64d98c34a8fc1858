// Which round's model the ML loads next, and when its sync ends.

#include "swarm/sl/delivery_flow.hpp"

#include <cassert>

namespace swarm::sl {

void delivery_flow::open() {
  assert(phase_ == session_phase::idle);
  phase_ = session_phase::training;
}

void delivery_flow::end() {
  phase_ = session_phase::ended;
  delivering_.reset();
  queued_.reset();
  tentative_.reset();
}

std::vector<delivery_action> delivery_flow::begin_sync(bool close) {
  assert(phase_ == session_phase::training);
  std::vector<delivery_action> out;
  phase_ = close ? session_phase::closing : session_phase::syncing;
  if (final_event_) {
    // The swarm finished without this node: hand it the final model.
    deliver(*final_event_, out);
  }
  return out;
}

std::vector<delivery_action> delivery_flow::load(merge::round_event ev) {
  assert(phase_ == session_phase::syncing || phase_ == session_phase::closing);
  std::vector<delivery_action> out;
  deliver(std::move(ev), out);
  return out;
}

std::vector<delivery_action> delivery_flow::on_round(const merge::round_event& ev,
                                                     uint64_t open_round) {
  std::vector<delivery_action> out;
  if (ev.kind == merge::round_event::tentative) {
    // The ML loads and evaluates the round's likely value while the commit
    // is on its way; SyncResponse still waits for the commit.
    if (phase_ == session_phase::syncing && ev.round == open_round)
      deliver(ev, out);
    return out;
  }
  switch (phase_) {
    case session_phase::syncing:
    case session_phase::closing:
      deliver(ev, out);
      break;
    case session_phase::awaiting_commit:
      settle(ev, out);
      break;
    case session_phase::loss_pending:
      queued_ = ev;
      break;
    default:
      if (ev.final)
        final_event_ = ev;
      break;
  }
  return out;
}

std::vector<delivery_action> delivery_flow::on_loaded() {
  assert(phase_ == session_phase::loss_pending && delivering_);
  std::vector<delivery_action> out;
  auto ev = std::move(*delivering_);
  delivering_.reset();
  if (!delivering_for_close_) {
    if (ev.kind != merge::round_event::tentative) {
      end_sync(ev.final, out);
      return out;
    }
    tentative_ = std::move(ev);
    phase_ = session_phase::awaiting_commit;
    if (queued_) {
      auto committed = std::move(*queued_);
      queued_.reset();
      settle(std::move(committed), out);
    }
    return out;
  }
  if (ev.final) {
    phase_ = session_phase::ended;
    out.push_back({delivery_action::kind::end_session, std::move(ev), true});
    return out;
  }
  // A round before the final one: the ML keeps waiting for the final model.
  phase_ = session_phase::closing;
  if (queued_) {
    auto next = std::move(*queued_);
    queued_.reset();
    if (next.round > ev.round)
      deliver(std::move(next), out);
  }
  return out;
}

void delivery_flow::deliver(merge::round_event ev, std::vector<delivery_action>& out) {
  delivering_for_close_ = phase_ == session_phase::closing;
  delivering_ = ev;
  phase_ = session_phase::loss_pending;
  out.push_back({delivery_action::kind::load, std::move(ev), false});
}

void delivery_flow::settle(merge::round_event committed, std::vector<delivery_action>& out) {
  // The ML holds the value this node proposed or accepted: the usual case
  // is that it committed, and the sync ends at once; otherwise the ML
  // loads what did commit.
  const bool same = tentative_ && tentative_->digest == committed.digest;
  tentative_.reset();
  phase_ = session_phase::syncing;
  if (same)
    end_sync(committed.final, out);
  else
    deliver(std::move(committed), out);
}

void delivery_flow::end_sync(bool final, std::vector<delivery_action>& out) {
  phase_ = final ? session_phase::ended : session_phase::training;
  queued_.reset();
  out.push_back({delivery_action::kind::end_sync, {}, final});
}

} // namespace swarm::sl
