#pragma once

#include <cstdint>
#include <memory>

#include "settings.hpp"
#include "swarm/callback/swarm_callback.hpp"
#include "swarm/common/error.hpp"
#include "swarm/ml/dataset.hpp"
#include "swarm/ml/mlp.hpp"
#include "swarm/ml/trainer.hpp"
#include "swarm/sl/embedded_sl.hpp"

/// mnist-ml's swarm mode (SWARM_LOOPBACK not true): the SwarmCallback
/// parameters from the environment, a cheap validation slice for the merged
/// models, and the final report.
namespace swarm::examples::mnist {

/// Samples of the test split on which each merged model is evaluated.
inline constexpr size_t validation_slice_size = 2000;

/// Returns the SwarmCallback parameters the settings ask for.
callback::swarm_params swarm_params_from(const settings& cfg);

/// Checks what swarm mode needs: MIN_PEERS set, and parameters the callback
/// accepts. Errors name the environment variable.
status check_swarm_settings(const settings& cfg);

/// Returns the seed of the trainer's shuffle and dropout. Alone, SWARM_SEED.
/// In a swarm, SWARM_SEED mixed with NODE_NAME (or, without one,
/// NODE_INDEX), so that two nodes do not train identically; the model's
/// initial values keep SWARM_SEED (the first sync equalizes them anyway).
uint64_t trainer_seed(const settings& cfg);

/// Returns the first `validation_slice_size` samples of `test`.
ml::dataset validation_slice(const ml::dataset& test);

/// Calls two callbacks in turn; stops when either asks to.
class callback_chain : public ml::training_callback {
public:
  /// Chains `first` and `second`, which must outlive the chain.
  callback_chain(ml::training_callback& first, ml::training_callback& second)
    : first_(first), second_(second) {
    // nop
  }

  /// Calls both.
  void on_train_begin() override;

  /// Calls both; false if either returns false.
  bool on_batch_end(const ml::batch_stats& stats) override;

  /// Calls both; false if either returns false.
  bool on_epoch_end(const ml::epoch_stats& stats) override;

  /// Calls both.
  void on_train_end(const ml::fit_result& result) override;

private:
  ml::training_callback& first_;
  ml::training_callback& second_;
};

/// Creates the SwarmCallback over `model`'s parameters; merged models are
/// evaluated with `trainer` on `validation`. Both must outlive it. With
/// SWARM_SL_EMBEDDED=True the SL runs inside this process (started into
/// `embedded`, which must outlive the callback; its settings come from
/// THIS_NODE_IP, SN_NODE_IP, SL_KEY, SL_CERT, SL_CAPATH, ...); otherwise the
/// callback connects to the `swarm sl` at SWARM_SL_CHANNEL.
expected<std::unique_ptr<callback::swarm_callback>>
make_swarm_callback(const settings& cfg, ml::mlp& model, ml::trainer& trainer,
                    const ml::dataset& validation, std::unique_ptr<sl::embedded_sl>& embedded);

/// Prints the final model's digest (merge::digest of its parameters), the
/// saved file's SHA-256, and the share of `wall_seconds` spent syncing.
status print_swarm_report(const callback::swarm_callback& cb, ml::mlp& model,
                          const std::filesystem::path& saved, double wall_seconds);

} // namespace swarm::examples::mnist
