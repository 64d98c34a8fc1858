// The SL's side of the ML<->SL protocol (proto/swarm/mlsl.proto): a session
// opened by the ML, a sync per sync point, merged models handed back
// through LossRequests, the final model at CloseSession.

#include <chrono>
#include <cstring>
#include <functional>

#include <spdlog/spdlog.h>

#include "swarm/common/log.hpp"
#include "swarm/sl/sl_delegate.hpp"
#include "swarm/wire/bundle_convert.hpp"

namespace swarm::sl {

namespace {

std::shared_ptr<spdlog::logger> logger() {
  static auto result = log::get("swarm.SL");
  return result;
}

mlsl::Status status_of(mlsl::Status::Code code, const std::string& message) {
  mlsl::Status result;
  result.set_code(code);
  result.set_message(message);
  return result;
}

bool valid_contract(const std::string& x) {
  if (x.empty() || x.size() > 255)
    return false;
  for (char c : x)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-')
      return false;
  return true;
}

// Checks the session parameters as HPE's SwarmCallback does; empty if fine.
std::string check_open(const mlsl::OpenSessionRequest& req) {
  if (req.sync_interval() == 0)
    return "syncFrequency must be a positive integer, got 0";
  if (req.min_peers() == 0)
    return "minPeers must be a positive integer, got 0";
  if (req.node_weightage() < 1 || req.node_weightage() > 100)
    return "nodeWeightage must be an integer between 1 and 100, got "
           + std::to_string(req.node_weightage());
  if (!merge::parse_merge_method(req.merge_method().empty() ? "mean" : req.merge_method()))
    return "mergeMethod '" + req.merge_method()
           + "' is not one of mean, coordmedian, geomedian, trimmedmean, krum, multikrum";
  auto mode = req.checkin_model_on_train_end();
  if (!mode.empty() && !merge::parse_train_end_mode(mode))
    return "checkinModelOnTrainEnd '" + mode + "' is not one of inactive, snapshot, active";
  if (!req.training_contract().empty() && !valid_contract(req.training_contract()))
    return "trainingContract '" + req.training_contract()
           + "' must be 1-255 characters of A-Z a-z 0-9 . _ -";
  return {};
}

} // namespace

void sl_delegate::on_ml_frame(transport::node_context& ctx, const mlsl::frame& f) {
  now_ms_ = ctx.now_ms();
  switch (f.type) {
    case mlsl::OPEN_SESSION_REQUEST:
      open_session(ctx, f);
      break;
    case mlsl::SYNC_REQUEST:
      sync_request(ctx, f, false);
      break;
    case mlsl::CLOSE_SESSION_REQUEST:
      sync_request(ctx, f, true);
      break;
    case mlsl::GET_LOSS_RESPONSE:
      loss_response(ctx, f);
      break;
    case mlsl::KILL_SESSION_REQUEST:
      logger()->info("the ML ended its session (KillSession)");
      phase_ = session_phase::ended;
      ended_ms_ = now_ms_;
      break;
    default:
      fail_session("unexpected message " + mlsl::type_name(f.type) + " from the ML",
                   mlsl::Status::ERROR_IN_USER);
  }

  if (coord_)
    flush(ctx);
}

void sl_delegate::on_ml_gone(transport::node_context& ctx, const std::string& why) {
  (void) ctx;
  lose_ml(why);
}

void sl_delegate::lose_ml(const std::string& why) {
  if (phase_ == session_phase::ended)
    return;
  failure_ = why;
  logger()->error("ML session lost: {}", why);
  // An ML still waiting for an answer must not wait forever.
  if (ml_)
    ml_->shutdown();
  phase_ = session_phase::ended;
  ended_ms_ = now_ms_;
}

void sl_delegate::open_session(transport::node_context& ctx, const mlsl::frame& f) {
  mlsl::OpenSessionRequest req;
  mlsl::OpenSessionResponse resp;
  std::string problem;
  if (auto st = mlsl::parse_body(f, req); !st)
    problem = st.error().message;
  else if (phase_ != session_phase::idle)
    problem = "a session is already open: one ML per SL";
  else
    problem = check_open(req);
  if (!problem.empty()) {
    logger()->error("refused the ML's session: {}", problem);
    *resp.mutable_status() = status_of(mlsl::Status::ERROR_IN_USER, problem);
    if (ml_)
      (void) ml_->send(mlsl::OPEN_SESSION_RESPONSE, resp);
    return;
  }
  contract_ = req.training_contract().empty() ? "defaultbb.cqdb.sml.hpe"
                                              : req.training_contract();
  merge_method_ = req.merge_method().empty() ? "mean" : req.merge_method();
  if (!req.checkin_model_on_train_end().empty())
    end_mode_ = *merge::parse_train_end_mode(req.checkin_model_on_train_end());
  auto cfg = opts_.rounds;
  cfg.min_peers = req.min_peers();
  cfg.announce_tentative = true;
  cfg.merge.method = *merge::parse_merge_method(merge_method_);
  coord_.emplace(self_id_, cfg, ctx.now_ms());
  sync_interval_ = current_interval_ = req.sync_interval();
  adaptive_ = req.use_adaptive_sync();
  node_weightage_ = req.node_weightage();
  session_id_ = std::hash<std::string>{}(ctx.name()) ^ static_cast<uint64_t>(ctx.now_ms());
  phase_ = session_phase::training;
  logger()->info("ML session opened: contract {}, minPeers {}, syncFrequency {}, mergeMethod {}"
                 ", nodeWeightage {}",
                 contract_, cfg.min_peers, sync_interval_, merge_method_, node_weightage_);
  adopt_shared_weights(req, f);
  *resp.mutable_status() = status_of(mlsl::Status::STATUS_OK, {});
  resp.set_session_id(session_id_);
  resp.set_shared_weights(shared_.has_value());
  (void) ml_->send(mlsl::OPEN_SESSION_RESPONSE, resp);
  enroll(ctx, ctx.now_ms());
}

void sl_delegate::adopt_shared_weights(const mlsl::OpenSessionRequest& req,
                                       const mlsl::frame& f) {
  if (req.shared_weights_bytes() == 0)
    return;
  if (!f.attached_fd) {
    logger()->warn("the ML announced a shared weights region but attached none: model "
                   "values travel in the messages");
    return;
  }
  auto region = mlsl::shared_weights::adopt(*f.attached_fd, req.shared_weights_bytes());
  if (!region) {
    logger()->warn("not using the ML's shared weights region ({}): model values travel in "
                   "the messages",
                   region.error().message);
    return;
  }
  shared_ = std::move(*region);
}

void sl_delegate::sync_request(transport::node_context& ctx, const mlsl::frame& f, bool close) {
  mlsl::SyncRequest req;
  if (auto st = mlsl::parse_body(f, req); !st)
    return fail_session(st.error().message, mlsl::Status::ERROR_IN_USER);
  if (!coord_ || phase_ != session_phase::training || req.session_id() != session_id_)
    return fail_session("SyncRequest outside an open session (or wrong sessionID)",
                        mlsl::Status::ERROR_IN_USER);
  if (req.weights_shared() && !shared_)
    return fail_session("the SyncRequest has its values in shared memory, but the session "
                        "shares none",
                        mlsl::Status::ERROR_IN_USER);
  auto model = req.weights_shared()
                 ? wire::from_wire(req.weights(), {shared_->to_sl(), shared_->model_bytes()},
                                   "ML " + ctx.name(), wire::max_model_bytes)
                 : wire::from_wire(req.weights(), "ML " + ctx.name(), wire::max_model_bytes);
  if (!model)
    return fail_session(model.error().message, mlsl::Status::ERROR_IN_USER);
  sync_seq_ = req.sync_seq_num();
  bool first_sync = !synced_;
  synced_ = true;
  last_info_.weight = req.node_weightage() > 0 ? req.node_weightage() : node_weightage_;
  last_info_.samples = req.samples();
  last_info_.epochs_done = req.epochs_done();
  last_info_.total_epochs = req.total_epochs();
  last_info_.done = close;
  auto ptr = std::make_shared<const merge::tensor_bundle>(std::move(*model));
  phase_ = close ? session_phase::closing : session_phase::syncing;
  if (final_event_) {
    // The swarm finished without this node: hand it the final model.
    deliver(*final_event_);
    return;
  }
  if (first_sync && !close && coord_->committed_model()) {
    // The swarm trained before this ML's first sync (a late joiner, or an
    // ML that loaded its data after opening the session, while catch-ups
    // arrived): start from the latest committed model rather than offer
    // untrained values to the next round.
    merge::round_event ev;
    ev.round = coord_->committed_round();
    ev.digest = coord_->committed_digest();
    ev.model = coord_->committed_model();
    ev.caught_up = true;
    logger()->info("the ML starts from the latest committed model (round {})", ev.round);
    deliver(ev);
    return;
  }
  if (close)
    coord_->finish(end_mode_, last_info_, std::move(ptr), ctx.now_ms());
  else
    coord_->check_in(last_info_, std::move(ptr), ctx.now_ms());
}

void sl_delegate::on_round_event(transport::node_context& ctx, const merge::round_event& ev) {
  (void) ctx;
  if (ev.kind == merge::round_event::refused) {
    logger()->error("round {}: leader {} refused this node's model: {}", ev.round, node_of(ev.leader),
                    ev.reason);
    if (phase_ == session_phase::syncing || phase_ == session_phase::closing)
      fail_session("the swarm refused this node's model: " + ev.reason,
                   mlsl::Status::ERROR_IN_USER);
    return;
  }
  if (ev.kind == merge::round_event::tentative) {
    // The ML loads and evaluates the round's likely value while the
    // commit is on its way; SyncResponse still waits for the commit.
    if (phase_ == session_phase::syncing && ev.round == coord_->committed_round() + 1)
      deliver(ev);
    return;
  }
  if (ev.led_by_me)
    write_record(ev);
  logger()->info("round {} committed: leader {} (term {}), {} participants, digest {}{}{}",
                 ev.round, node_of(ev.leader), ev.term, ev.participants.size(),
                 to_hex(ev.digest).substr(0, 16), ev.final ? ", final" : "",
                 ev.caught_up ? ", caught up" : "");
  if (phase_ == session_phase::syncing || phase_ == session_phase::closing)
    deliver(ev);
  else if (phase_ == session_phase::awaiting_commit)
    settle_tentative(ev);
  else if (phase_ == session_phase::loss_pending)
    delivering_queue_ = ev;
  else if (ev.final)
    final_event_ = ev;
}

void sl_delegate::deliver(const merge::round_event& ev) {
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
  delivering_for_close_ = phase_ == session_phase::closing;
  delivering_ = ev;
  phase_ = session_phase::loss_pending;
  if (auto st = ml_->send(mlsl::GET_LOSS_REQUEST, req); !st)
    lose_ml(st.error().message);
}

void sl_delegate::loss_response(transport::node_context& ctx, const mlsl::frame& f) {
  (void) ctx;
  mlsl::LossResponse resp;
  if (auto st = mlsl::parse_body(f, resp); !st)
    return fail_session(st.error().message, mlsl::Status::ERROR_IN_USER);
  if (phase_ != session_phase::loss_pending || resp.loss_seq_num() != loss_seq_
      || resp.session_id() != session_id_)
    return fail_session("LossResponse does not answer the pending LossRequest",
                        mlsl::Status::ERROR_IN_USER);
  if (resp.status().code() != mlsl::Status::STATUS_OK)
    return fail_session("the ML could not load the merged model: " + resp.status().message(),
                        mlsl::Status::ERROR_IN_USER);
  last_info_.loss = resp.loss();
  last_info_.metric = resp.metric();
  auto ev = std::move(*delivering_);
  delivering_.reset();
  if (!delivering_for_close_) {
    if (ev.kind != merge::round_event::tentative) {
      finish_sync(ev.final);
      return;
    }
    tentative_ = std::move(ev);
    phase_ = session_phase::awaiting_commit;
    if (delivering_queue_) {
      auto committed = std::move(*delivering_queue_);
      delivering_queue_.reset();
      settle_tentative(std::move(committed));
    }
    return;
  }
  if (ev.final) {
    mlsl::SyncResponse done;
    done.set_session_id(session_id_);
    done.set_sync_seq_num(sync_seq_);
    *done.mutable_status() = status_of(mlsl::Status::STATUS_OK, {});
    done.set_training_over(true);
    (void) ml_->send(mlsl::CLOSE_SESSION_RESPONSE, done);
    logger()->info("final model delivered to the ML (round {})", ev.round);
    phase_ = session_phase::ended;
    ended_ms_ = now_ms_;
    return;
  }
  phase_ = session_phase::closing;
  if (delivering_queue_) {
    auto next = std::move(*delivering_queue_);
    delivering_queue_.reset();
    if (next.round > ev.round)
      deliver(next);
  }
}

void sl_delegate::settle_tentative(merge::round_event committed) {
  // The ML holds the value this node proposed or accepted: the usual case
  // is that it committed, and the sync ends at once; otherwise the ML
  // loads what did commit.
  bool same = tentative_ && tentative_->digest == committed.digest;
  tentative_.reset();
  phase_ = session_phase::syncing;
  if (same)
    finish_sync(committed.final);
  else
    deliver(committed);
}

void sl_delegate::finish_sync(bool final) {
  mlsl::SyncResponse resp;
  resp.set_session_id(session_id_);
  resp.set_sync_seq_num(sync_seq_);
  *resp.mutable_status() = status_of(mlsl::Status::STATUS_OK, {});
  resp.set_next_sync_interval(next_interval(last_info_.loss));
  resp.set_training_over(final);
  phase_ = final ? session_phase::ended : session_phase::training;
  if (final)
    ended_ms_ = now_ms_;
  delivering_queue_.reset();
  if (auto st = ml_->send(mlsl::SYNC_RESPONSE, resp); !st)
    lose_ml(st.error().message);
}

void sl_delegate::fail_session(const std::string& why, int code) {
  logger()->error("ML session failed: {}", why);
  if (ml_ && ml_->is_open()) {
    mlsl::SyncResponse resp;
    resp.set_session_id(session_id_);
    resp.set_sync_seq_num(sync_seq_);
    *resp.mutable_status() = status_of(static_cast<mlsl::Status::Code>(code), why);
    auto type = phase_ == session_phase::closing ? mlsl::CLOSE_SESSION_RESPONSE
                                                 : mlsl::SYNC_RESPONSE;
    (void) ml_->send(type, resp);
  }
  failure_ = why;
  phase_ = session_phase::ended;
  ended_ms_ = now_ms_;
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
    current_interval_ = std::min(high, current_interval_ + std::max<uint32_t>(1, current_interval_ / 2));
  } else {
    current_interval_ = std::max(low, current_interval_ / 2);
  }
  return current_interval_;
}

} // namespace swarm::sl
