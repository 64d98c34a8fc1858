// The SL's side of the ML<->SL protocol (proto/swarm/mlsl.proto): a session
// opened by the ML and a sync per sync point (the models it hands back are
// in sl_delivery.cpp).

#include <chrono>
#include <cstring>
#include <functional>

#include <spdlog/spdlog.h>

#include "sl_support.hpp"
#include "swarm/common/log.hpp"
#include "swarm/sl/sl_delegate.hpp"
#include "swarm/wire/bundle_convert.hpp"

namespace swarm::sl {

namespace {

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
      sl_logger()->info("the ML ended its session (KillSession)");
      flow_.end();
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
  if (phase() == session_phase::ended)
    return;
  failure_ = why;
  sl_logger()->error("ML session lost: {}", why);
  // An ML still waiting for an answer must not wait forever.
  if (ml_)
    ml_->shutdown();
  flow_.end();
  ended_ms_ = now_ms_;
}

void sl_delegate::open_session(transport::node_context& ctx, const mlsl::frame& f) {
  mlsl::OpenSessionRequest req;
  mlsl::OpenSessionResponse resp;
  std::string problem;
  if (auto st = mlsl::parse_body(f, req); !st)
    problem = st.error().message;
  else if (phase() != session_phase::idle)
    problem = "a session is already open: one ML per SL";
  else
    problem = check_open(req);
  if (!problem.empty()) {
    sl_logger()->error("refused the ML's session: {}", problem);
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
  if (auto st = open_rounds(ctx, cfg); !st) {
    problem = "cannot keep the round state: " + st.error().message;
    sl_logger()->error("refused the ML's session: {}", problem);
    *resp.mutable_status() = status_of(mlsl::Status::ERROR_IN_SL, problem);
    if (ml_)
      (void) ml_->send(mlsl::OPEN_SESSION_RESPONSE, resp);
    return;
  }
  note_members(ctx.now_ms());
  sync_interval_ = current_interval_ = req.sync_interval();
  adaptive_ = req.use_adaptive_sync();
  node_weightage_ = req.node_weightage();
  session_id_ = std::hash<std::string>{}(ctx.name()) ^ static_cast<uint64_t>(ctx.now_ms());
  flow_.open();
  sl_logger()->info("ML session opened: contract {}, minPeers {}, syncFrequency {}, mergeMethod {}"
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
    sl_logger()->warn("the ML announced a shared weights region but attached none: model "
                      "values travel in the messages");
    return;
  }
  auto region = mlsl::shared_weights::adopt(*f.attached_fd, req.shared_weights_bytes());
  if (!region) {
    sl_logger()->warn("not using the ML's shared weights region ({}): model values travel in "
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
  if (!coord_ || phase() != session_phase::training || req.session_id() != session_id_)
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
  if (auto actions = flow_.begin_sync(close); !actions.empty()) {
    // The swarm finished without this node: it gets the final model.
    run(std::move(actions));
    return;
  }
  if (first_sync && resumed_ && coord_->committed_model()) {
    // The saved state is of another model (the user changed it between
    // runs): it cannot be this ML's; take part afresh instead.
    if (auto st = merge::check_same_layout(*coord_->committed_model(), *ptr, "the ML"); !st)
      start_afresh(ctx, "its committed model does not fit the ML's: " + st.error().message);
  }
  resumed_ = false;
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
    sl_logger()->info("the ML starts from the latest committed model (round {})", ev.round);
    run(flow_.load(std::move(ev)));
    return;
  }
  if (close)
    coord_->finish(end_mode_, last_info_, std::move(ptr), ctx.now_ms());
  else
    coord_->check_in(last_info_, std::move(ptr), ctx.now_ms());
}

void sl_delegate::fail_session(const std::string& why, int code) {
  sl_logger()->error("ML session failed: {}", why);
  if (ml_ && ml_->is_open()) {
    mlsl::SyncResponse resp;
    resp.set_session_id(session_id_);
    resp.set_sync_seq_num(sync_seq_);
    *resp.mutable_status() = status_of(static_cast<mlsl::Status::Code>(code), why);
    auto type = phase() == session_phase::closing ? mlsl::CLOSE_SESSION_RESPONSE
                                                  : mlsl::SYNC_RESPONSE;
    (void) ml_->send(type, resp);
  }
  failure_ = why;
  flow_.end();
  ended_ms_ = now_ms_;
}

} // namespace swarm::sl
