#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "swarm/common/error.hpp"
#include "swarm/merge/bundle.hpp"
#include "swarm/ml/tensor.hpp"
#include "swarm/ml/trainer.hpp"
#include "swarm/mlsl/channel.hpp"
#include "swarm/mlsl/shared_weights.hpp"

/// The callback API: HPE's SwarmCallback for C++ training loops
/// (hpe-swarm-learning.md section 4). The user's ML program creates one
/// `swarm_callback` over its parameter buffers and hands it to its trainer;
/// the callback syncs with the node's SL over the ML<->SL channel.
namespace swarm::callback {

/// Environment variable that turns the swarm off (HPE's SWARM_LOOPBACK).
inline constexpr const char* loopback_env_var = "SWARM_LOOPBACK";

/// The SwarmCallback parameters, with HPE's names in the comments and its
/// defaults (hpe-swarm-learning.md section 4.1).
struct swarm_params {
  /// syncFrequency: batches of local training between two syncs; the
  /// start value when adaptive sync is on. Required, positive.
  int sync_frequency = 0;
  /// minPeers: nodes a merge round waits for. Required, positive.
  int min_peers = 0;
  /// trainingContract: groups the nodes that train one model.
  std::string training_contract = "defaultbb.cqdb.sml.hpe";
  /// useAdaptiveSync: let the SL change the interval from the validation
  /// loss; needs an evaluator.
  bool use_adaptive_sync = false;
  /// nodeWeightage: relative weight in the merge, 1 to 100.
  int node_weightage = 1;
  /// mergeMethod: a merge::merge_method name, any case ("mean", ...).
  std::string merge_method = "mean";
  /// checkinModelOnTrainEnd: what this node contributes after it finished
  /// its epochs: "inactive", "snapshot" or "active" (any case; HPE insists
  /// on lower case, we do not).
  std::string checkin_model_on_train_end = "snapshot";
  /// totalEpochs: for progress reports; 0 (unknown) logs a warning.
  int total_epochs = 0;
};

/// Checks `p` with HPE's rules; `has_validation` says whether an evaluator
/// exists (useAdaptiveSync needs one). The error (errc::invalid_argument)
/// names the parameter, e.g. "syncFrequency must be a positive integer, got 0".
status validate(const swarm_params& p, bool has_validation);

/// What an evaluation of the merged model on the validation data measured.
struct eval_result {
  /// Validation loss.
  double loss = 0.0;
  /// Validation metric (accuracy for MNIST).
  double metric = 0.0;
};

/// Evaluates the model as its parameters are now; may be empty.
using evaluator = std::function<eval_result()>;

/// Returns whether $SWARM_LOOPBACK is true ("True", "true", "1", "yes",
/// "on"; any case).
bool loopback_from_env();

/// Returns $SWARM_SL_CHANNEL, or an empty string.
std::string channel_path_from_env();

/// Returns false if `$SWARM_SHARED_WEIGHTS` is "0", "false", "no" or "off".
bool shared_weights_from_env();

/// How the callback reaches its SL.
struct callback_options {
  /// Train alone: no SL, nothing sent (default: $SWARM_LOOPBACK).
  bool loopback = loopback_from_env();
  /// The SL's channel socket (default: $SWARM_SL_CHANNEL, which `swarm sl
  /// --ml-cmd` sets for the ML it spawns).
  std::string channel_path = channel_path_from_env();
  /// How long to wait for the SL's socket to appear.
  int open_timeout_ms = 120000;
  /// Label of this ML node in the SL's logs; optional.
  std::string node_name;
  /// Offer the SL a shared memory region for model values, so a sync
  /// copies them once each way instead of through the socket (default:
  /// on unless $SWARM_SHARED_WEIGHTS says otherwise). The SL may decline.
  bool shared_weights = shared_weights_from_env();
};

/// HPE's SwarmCallback. Control flow (hpe-swarm-learning.md section 4.2):
/// - `create` validates and, unless in loopback mode, opens a session;
/// - `on_train_begin` syncs once, so that all nodes start from one model;
/// - `on_batch_end` syncs after exactly every `next_sync_interval` batches
///   (unlike HPE, whose off-by-one syncs every syncFrequency + 1);
/// - a sync sends the parameters, then loads every merged model the SL
///   offers (LossRequest) into the user's buffers, evaluates it and
///   answers, until the SL ends the sync (SyncResponse);
/// - `on_train_end` closes the session, taking part in rounds until the
///   whole swarm is done, and loads the final merged model.
/// Failures (an SL error, a lost channel, a merged model of another layout)
/// are logged at ERROR on "SwarmCallback", stop training, and stay in
/// `last_error()`. Every call must come from one thread (the training loop).
class swarm_callback : public ml::training_callback {
public:
  /// Creates the callback over `parameters`, the user's own buffers, which
  /// must stay valid while it lives: they are read at each sync (never per
  /// batch) and overwritten with each merged model. `evaluate` may be empty
  /// (loss and metric are then reported as 0). Connects to
  /// `opts.channel_path` unless in loopback mode.
  static expected<std::unique_ptr<swarm_callback>>
  create(swarm_params params, std::vector<ml::tensor_view> parameters, evaluator evaluate,
         callback_options opts = {});

  /// Same over an already connected channel (its ML end): for an SL
  /// embedded in this process and for tests. `opts.loopback` is ignored.
  static expected<std::unique_ptr<swarm_callback>>
  create(swarm_params params, std::vector<ml::tensor_view> parameters, evaluator evaluate,
         mlsl::ml_channel channel, callback_options opts = {});

  /// Kills the session if `on_train_end` never ran (the SL stops waiting).
  ~swarm_callback() override;

  /// Syncs once so that all nodes start from the same model.
  void on_train_begin() override;

  /// Counts the batch; syncs when the interval is reached. Returns false
  /// once the swarm's training is over or the callback failed.
  bool on_batch_end(const ml::batch_stats& stats) override;

  /// Counts the epoch; returns false like `on_batch_end`.
  bool on_epoch_end(const ml::epoch_stats& stats) override;

  /// Closes the session and loads the final merged model.
  void on_train_end(const ml::fit_result& result) override;

  /// Returns whether this callback runs without a swarm.
  bool loopback() const noexcept {
    return loopback_;
  }

  /// Returns whether the SL said the swarm's training is over.
  bool training_over() const noexcept {
    return over_;
  }

  /// Returns the failure that stopped training, if any.
  const std::optional<error>& last_error() const noexcept {
    return last_error_;
  }

  /// Returns whether the final merged model was loaded at the end.
  bool final_model_loaded() const noexcept {
    return final_loaded_;
  }

  /// Returns the completed syncs, the initial one included.
  size_t rounds_synced() const noexcept {
    return rounds_;
  }

  /// Returns how many merged models were loaded into the parameters.
  size_t merged_models_loaded() const noexcept {
    return merged_loaded_;
  }

  /// Returns the time spent inside syncs and the closing exchange (waiting
  /// for peers included): the training loop's overhead from the swarm.
  std::chrono::steady_clock::duration sync_time() const noexcept {
    return sync_time_;
  }

  /// Returns `sync_time()` in seconds.
  double sync_seconds() const noexcept {
    return std::chrono::duration<double>(sync_time_).count();
  }

  /// Returns how long each sync took in milliseconds, in order, the closing
  /// exchange last: lined up across nodes, the shortest of a round is what
  /// the round itself cost (the others also waited for a slower peer).
  const std::vector<double>& sync_durations_ms() const noexcept {
    return sync_ms_;
  }

  /// Returns the session id the SL assigned (0 in loopback mode).
  uint64_t session_id() const noexcept {
    return session_id_;
  }

private:
  swarm_callback(swarm_params params, std::vector<ml::tensor_view> parameters,
                 evaluator evaluate, callback_options opts);

  static expected<std::unique_ptr<swarm_callback>>
  prepare(swarm_params params, std::vector<ml::tensor_view> parameters, evaluator evaluate,
          callback_options opts);
  status init_layout();
  status open_session();
  bool stop(error err);
  bool keep_training() const noexcept;
  void timed_sync(mlsl::MessageType request, mlsl::MessageType response);
  status sync(mlsl::MessageType request, mlsl::MessageType response);
  status finish_sync(const mlsl::SyncResponse& resp, mlsl::MessageType type);
  status handle_loss_request(const mlsl::frame& f);
  status load_merged(const mlsl::LossRequest& req);
  void capture_parameters(char* data);
  void load_parameters(const merge::tensor_bundle& x);
  /// Copies values laid out as `local_` into the parameters.
  void load_values(const float* values);
  /// Copies values laid out as `local_` into the parameters, checking each
  /// piece once copied; on a NaN or infinity, restores the parameters from
  /// this sync's check-in in the shared region and returns false.
  bool load_values_checked(const float* values);
  /// Keeps the parameters, which hold the final model, in `last_merged_`.
  void keep_final_model();
  void send_kill(mlsl::Status::Code code, const std::string& message);

  swarm_params params_;
  std::vector<ml::tensor_view> views_;
  evaluator evaluate_;
  callback_options opts_;
  bool loopback_ = false;
  std::optional<mlsl::ml_channel> channel_;
  uint64_t session_id_ = 0;
  uint64_t seq_ = 0;
  std::vector<double> sync_ms_;
  size_t interval_ = 0;
  size_t batches_since_sync_ = 0;
  uint64_t samples_since_sync_ = 0;
  uint32_t epochs_done_ = 0;
  bool began_ = false;
  bool ended_ = false;
  bool over_ = false;
  bool final_loaded_ = false;
  std::optional<error> last_error_;
  size_t rounds_ = 0;
  size_t merged_loaded_ = 0;
  std::chrono::steady_clock::duration sync_time_{};
  // Kept across syncs so that a sync does not reallocate: the parameters'
  // layout (with their values at creation), and the request, into whose
  // data the parameters are copied at each sync.
  merge::tensor_bundle local_;
  mlsl::SyncRequest request_;
  // The final model, kept when the SL says the swarm is over (the
  // parameters hold it then), loaded again at the end if this node still
  // trained after that.
  merge::tensor_bundle last_merged_;
  // A merged model was loaded during the current sync.
  bool loaded_this_sync_ = false;
  // The region both sides put model values into, if the SL took it.
  std::optional<mlsl::shared_weights> shared_;
};

} // namespace swarm::callback
