// The SL's side of the ML<->SL protocol, the way back: each committed (or
// tentatively accepted) round's model goes to the ML in a LossRequest; the
// sync ends with SyncResponse once the ML holds the committed model, and
// the session with CloseSessionResponse once it holds the final one.

#include <cstring>

#include <spdlog/spdlog.h>

#include "sl_support.hpp"
#include "swarm/sl/sl_delegate.hpp"
#include "swarm/wire/bundle_convert.hpp"

namespace swarm::sl {

void sl_delegate::on_round_event(transport::node_context& ctx, const merge::round_event& ev) {
  (void) ctx;
  if (ev.kind == merge::round_event::refused) {
    sl_logger()->error("round {}: leader {} refused this node's model: {}", ev.round,
                       node_of(ev.leader), ev.reason);
    if (phase() == session_phase::syncing || phase() == session_phase::closing)
      fail_session("the swarm refused this node's model: " + ev.reason,
                   mlsl::Status::ERROR_IN_USER);
    return;
  }
  if (ev.kind == merge::round_event::committed) {
    if (ev.led_by_me)
      write_record(ev);
    sl_logger()->info("round {} committed: leader {} (term {}), {} participants, digest {}{}{}",
                      ev.round, node_of(ev.leader), ev.term, ev.participants.size(),
                      to_hex(ev.digest).substr(0, 16), ev.final ? ", final" : "",
                      ev.caught_up ? ", caught up" : "");
  }
  run(flow_.on_round(ev, coord_->committed_round() + 1));
}

void sl_delegate::run(std::vector<delivery_action> actions) {
  for (auto& a : actions) {
    switch (a.what) {
      case delivery_action::kind::load:
        send_model(a.event);
        break;
      case delivery_action::kind::end_sync:
        send_sync_response(a.final);
        break;
      case delivery_action::kind::end_session:
        send_close_response(a.event);
        break;
    }
  }
}

void sl_delegate::send_model(const merge::round_event& ev) {
  mlsl::LossRequest req;
  req.set_session_id(session_id_);
  req.set_sync_seq_num(sync_seq_);
  req.set_loss_seq_num(++loss_seq_);
  // No digest: the local socket guarantees integrity, and the ML would
  // spend about a millisecond per sync checking it.
  if (shared_ && ev.model->size_bytes() <= shared_->model_bytes()) {
    wire::layout_to_wire(*ev.model, *req.mutable_weights());
    std::memcpy(shared_->to_ml(), ev.model->values.data(), ev.model->size_bytes());
    req.set_weights_shared(true);
  } else {
    wire::to_wire(*ev.model, *req.mutable_weights());
  }
  if (auto st = ml_->send(mlsl::GET_LOSS_REQUEST, req); !st)
    lose_ml(st.error().message);
}

void sl_delegate::loss_response(transport::node_context& ctx, const mlsl::frame& f) {
  (void) ctx;
  mlsl::LossResponse resp;
  if (auto st = mlsl::parse_body(f, resp); !st)
    return fail_session(st.error().message, mlsl::Status::ERROR_IN_USER);
  if (phase() != session_phase::loss_pending || resp.loss_seq_num() != loss_seq_
      || resp.session_id() != session_id_)
    return fail_session("LossResponse does not answer the pending LossRequest",
                        mlsl::Status::ERROR_IN_USER);
  if (resp.status().code() != mlsl::Status::STATUS_OK)
    return fail_session("the ML could not load the merged model: " + resp.status().message(),
                        mlsl::Status::ERROR_IN_USER);
  last_info_.loss = resp.loss();
  last_info_.metric = resp.metric();
  run(flow_.on_loaded());
}

void sl_delegate::send_sync_response(bool final) {
  mlsl::SyncResponse resp;
  resp.set_session_id(session_id_);
  resp.set_sync_seq_num(sync_seq_);
  *resp.mutable_status() = status_of(mlsl::Status::STATUS_OK, {});
  resp.set_next_sync_interval(next_interval(last_info_.loss));
  resp.set_training_over(final);
  if (final) {
    ended_ms_ = now_ms_;
    coord_->final_loaded();
  }
  if (auto st = ml_->send(mlsl::SYNC_RESPONSE, resp); !st)
    lose_ml(st.error().message);
}

void sl_delegate::send_close_response(const merge::round_event& last) {
  mlsl::SyncResponse done;
  done.set_session_id(session_id_);
  done.set_sync_seq_num(sync_seq_);
  *done.mutable_status() = status_of(mlsl::Status::STATUS_OK, {});
  done.set_training_over(true);
  (void) ml_->send(mlsl::CLOSE_SESSION_RESPONSE, done);
  sl_logger()->info("final model delivered to the ML (round {})", last.round);
  ended_ms_ = now_ms_;
  coord_->final_loaded();
}

uint32_t sl_delegate::next_interval(float loss) {
  if (!adaptive_)
    return sync_interval_;
  // HPE's adaptive sync: the interval grows while the validation loss
  // improves and shrinks when it does not, within [1/4, 4] x syncFrequency.
  uint32_t low = std::max<uint32_t>(1, sync_interval_ / 4);
  uint32_t high = sync_interval_ * 4;
  if (!has_best_loss_ || loss < best_loss_) {
    has_best_loss_ = true;
    best_loss_ = loss;
    auto grown = current_interval_ + std::max<uint32_t>(1, current_interval_ / 2);
    current_interval_ = std::min(high, grown);
  } else {
    current_interval_ = std::max(low, current_interval_ / 2);
  }
  return current_interval_;
}

} // namespace swarm::sl
