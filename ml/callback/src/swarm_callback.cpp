#include "swarm/callback/swarm_callback.hpp"

#include <cstring>

#include "swarm/common/log.hpp"
#include "swarm/merge/strategy.hpp"
#include "swarm/wire/limits.hpp"

namespace swarm::callback {

namespace {

std::shared_ptr<spdlog::logger> logger() {
  return log::get("SwarmCallback");
}

std::string lower(std::string text) {
  for (auto& c : text)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

/// Checks one parameter view before anything reads through it.
status check_view(const ml::tensor_view& v) {
  if (v.data == nullptr)
    return make_error(errc::invalid_argument, "parameter '" + v.name + "' has no buffer");
  if (v.shape.size() > wire::max_tensor_rank)
    return make_error(errc::invalid_argument,
                      "parameter '" + v.name + "' has rank " + std::to_string(v.shape.size())
                        + ", at most " + std::to_string(wire::max_tensor_rank));
  for (auto dim : v.shape)
    if (dim <= 0)
      return make_error(errc::invalid_argument, "parameter '" + v.name + "' has dimension "
                                                  + std::to_string(dim) + ", not positive");
  return {};
}

} // namespace

swarm_callback::swarm_callback(swarm_params params, std::vector<ml::tensor_view> parameters,
                               evaluator evaluate, callback_options opts)
  : params_(std::move(params)), views_(std::move(parameters)), evaluate_(std::move(evaluate)),
    opts_(std::move(opts)) {
  // Send the canonical spellings: the SL compares them with its peers'.
  params_.merge_method =
    std::string{merge::to_string(*merge::parse_merge_method(params_.merge_method))};
  params_.checkin_model_on_train_end = lower(params_.checkin_model_on_train_end);
  interval_ = static_cast<size_t>(params_.sync_frequency);
}

swarm_callback::~swarm_callback() {
  // A program that ends (or throws) without on_train_end still tells its SL,
  // so the SL does not wait for a sync that never comes.
  if (channel_ && channel_->is_open() && !ended_)
    send_kill(mlsl::Status::ERROR_IN_USER, "the ML ended its session without on_train_end");
}

expected<std::unique_ptr<swarm_callback>>
swarm_callback::prepare(swarm_params params, std::vector<ml::tensor_view> parameters,
                        evaluator evaluate, callback_options opts) {
  if (auto st = validate(params, static_cast<bool>(evaluate)); !st)
    return st.error();
  if (params.total_epochs == 0)
    logger()->warn("totalEpochs not set: progress and ETA cannot be reported");
  std::unique_ptr<swarm_callback> result{new swarm_callback(
    std::move(params), std::move(parameters), std::move(evaluate), std::move(opts))};
  if (auto st = result->init_layout(); !st)
    return st.error();
  return result;
}

expected<std::unique_ptr<swarm_callback>>
swarm_callback::create(swarm_params params, std::vector<ml::tensor_view> parameters,
                       evaluator evaluate, callback_options opts) {
  auto result = prepare(std::move(params), std::move(parameters), std::move(evaluate), opts);
  if (!result)
    return result;
  auto& cb = **result;
  if (opts.loopback) {
    cb.loopback_ = true;
    logger()->info("SWARM_LOOPBACK is on: training locally, nothing is synced with a swarm");
    return result;
  }
  if (opts.channel_path.empty())
    return make_error(errc::invalid_config,
                      std::string{"no SL channel: set "} + mlsl::channel_env_var
                        + " (swarm sl --ml-cmd sets it for the ML it starts), or "
                        + loopback_env_var + "=True to train alone");
  // Said once: the SL may well start after its ML, as HPE's does.
  auto say_waiting = [&](int attempt) {
    if (attempt == 1)
      logger()->info("waiting for the SL to listen at {}", opts.channel_path);
  };
  auto channel = mlsl::ml_channel::connect(opts.channel_path, opts.open_timeout_ms,
                                           say_waiting);
  if (!channel)
    return channel.error();
  cb.channel_ = std::move(*channel);
  if (auto st = cb.open_session(); !st)
    return st.error();
  return result;
}

expected<std::unique_ptr<swarm_callback>>
swarm_callback::create(swarm_params params, std::vector<ml::tensor_view> parameters,
                       evaluator evaluate, mlsl::ml_channel channel, callback_options opts) {
  auto result = prepare(std::move(params), std::move(parameters), std::move(evaluate),
                        std::move(opts));
  if (!result)
    return result;
  (*result)->channel_ = std::move(channel);
  if (auto st = (*result)->open_session(); !st)
    return st.error();
  return result;
}

status swarm_callback::init_layout() {
  if (views_.empty())
    return make_error(errc::invalid_argument, "no parameters to sync");
  if (views_.size() > wire::max_tensors)
    return make_error(errc::invalid_argument,
                      std::to_string(views_.size()) + " parameter tensors, at most "
                        + std::to_string(wire::max_tensors));
  size_t bytes = 0;
  for (const auto& v : views_) {
    if (auto st = check_view(v); !st)
      return st;
    bytes += v.size_bytes();
  }
  if (bytes > wire::max_model_bytes)
    return make_error(errc::invalid_argument,
                      "the parameters take " + std::to_string(bytes) + " bytes, at most "
                        + std::to_string(wire::max_model_bytes) + " can be synced");
  local_.values.reserve(bytes / sizeof(float));
  for (const auto& v : views_)
    local_.add(v.name, v.shape, v.data);
  return merge::check_layout(local_, "this ML");
}

status swarm_callback::open_session() {
  mlsl::OpenSessionRequest req;
  req.set_sync_interval(static_cast<uint32_t>(params_.sync_frequency));
  req.set_min_peers(static_cast<uint32_t>(params_.min_peers));
  req.set_max_peers(0);
  req.set_use_adaptive_sync(params_.use_adaptive_sync);
  req.set_checkin_model_on_train_end(params_.checkin_model_on_train_end);
  req.set_node_weightage(static_cast<uint32_t>(params_.node_weightage));
  req.set_training_contract(params_.training_contract);
  req.set_merge_method(params_.merge_method);
  req.set_total_epochs(static_cast<uint32_t>(params_.total_epochs));
  req.set_node_name(opts_.node_name);
  std::optional<mlsl::shared_weights> offered;
  if (opts_.shared_weights) {
    // Declined or impossible: the values go in the messages, as always.
    auto region = mlsl::shared_weights::create(local_.size_bytes());
    if (region) {
      req.set_shared_weights_bytes(region->region_bytes());
      offered = std::move(*region);
    } else {
      logger()->debug("no shared weights region: {}", region.error().message);
    }
  }
  if (auto st = channel_->send(mlsl::OPEN_SESSION_REQUEST, req, offered ? offered->fd() : -1); !st)
    return st;
  mlsl::OpenSessionResponse resp;
  if (auto st = channel_->receive_as(mlsl::OPEN_SESSION_RESPONSE, resp); !st)
    return st;
  if (resp.status().code() != mlsl::Status::STATUS_OK)
    return make_error(errc::invalid_argument,
                      "the SL refused the Swarm session ("
                        + mlsl::Status::Code_Name(resp.status().code())
                        + "): " + resp.status().message());
  session_id_ = resp.session_id();
  if (offered && resp.shared_weights())
    shared_ = std::move(offered);
  logger()->info("Swarm session {} opened with the SL {}: syncFrequency={} minPeers={} "
                 "mergeMethod={} nodeWeightage={} trainingContract={}{}",
                 session_id_, channel_->where(), params_.sync_frequency, params_.min_peers,
                 params_.merge_method, params_.node_weightage, params_.training_contract,
                 shared_ ? " (model values through shared memory)" : "");
  return {};
}

bool swarm_callback::stop(error err) {
  logger()->error("{}; stopping training", err.message);
  last_error_ = std::move(err);
  return false;
}

bool swarm_callback::keep_training() const noexcept {
  return !over_ && !last_error_;
}

void swarm_callback::on_train_begin() {
  if (loopback_)
    return;
  if (began_) {
    // One session per callback: a second fit trains without the swarm.
    logger()->warn("on_train_begin again: the Swarm session already started; "
                      "create a new SwarmCallback for another training");
    return;
  }
  began_ = true;
  if (!keep_training())
    return;
  timed_sync(mlsl::SYNC_REQUEST, mlsl::SYNC_RESPONSE);
}

bool swarm_callback::on_batch_end(const ml::batch_stats& stats) {
  if (loopback_)
    return true;
  if (!keep_training())
    return false;
  ++batches_since_sync_;
  samples_since_sync_ += stats.samples;
  // Exactly every interval: the sync happens after the interval-th batch.
  if (batches_since_sync_ >= interval_)
    timed_sync(mlsl::SYNC_REQUEST, mlsl::SYNC_RESPONSE);
  return keep_training();
}

bool swarm_callback::on_epoch_end(const ml::epoch_stats& stats) {
  (void) stats;
  if (loopback_)
    return true;
  ++epochs_done_;
  return keep_training();
}

void swarm_callback::on_train_end(const ml::fit_result& result) {
  (void) result;
  if (loopback_ || ended_ || !channel_)
    return;
  ended_ = true;
  if (last_error_) {
    send_kill(mlsl::Status::ERROR_IN_USER, last_error_->message);
  } else if (over_) {
    // The swarm finished while this node still trained: take its last model.
    if (!last_merged_.tensors.empty()) {
      load_parameters(last_merged_);
      final_loaded_ = true;
    }
    send_kill(mlsl::Status::STATUS_OK, {});
  } else {
    auto before = merged_loaded_;
    timed_sync(mlsl::CLOSE_SESSION_REQUEST, mlsl::CLOSE_SESSION_RESPONSE);
    final_loaded_ = !last_error_ && merged_loaded_ > before;
  }
  if (final_loaded_)
    logger()->info("All peers and Swarm training rounds finished. Final Swarm model was "
                   "loaded.");
  else if (!last_error_)
    logger()->warn("The Swarm training finished without a final merged model; the "
                      "local model is kept");
  channel_->close();
}

void swarm_callback::send_kill(mlsl::Status::Code code, const std::string& message) {
  mlsl::KillSessionRequest req;
  req.set_session_id(session_id_);
  req.mutable_reason()->set_code(code);
  req.mutable_reason()->set_message(message);
  // Best effort: the SL may be gone already, which is why we are here.
  if (auto st = channel_->send(mlsl::KILL_SESSION_REQUEST, req); !st)
    logger()->debug("could not send KillSessionRequest: {}", st.error().message);
}

} // namespace swarm::callback
