#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "swarm/common/error.hpp"
#include "swarm/ml/adam.hpp"
#include "swarm/ml/dataset.hpp"
#include "swarm/ml/mlp.hpp"
#include "swarm/ml/prng.hpp"

namespace swarm::ml {

/// How a `trainer` runs epochs.
struct trainer_config {
  /// Samples per batch; the last batch of an epoch may be smaller.
  size_t batch_size = 128;
  /// Seeds the per-epoch shuffle and the dropout masks.
  uint64_t seed = 1;
  /// Whether to visit samples in a fresh random order each epoch.
  bool shuffle = true;
  /// Optimizer hyper-parameters.
  adam_config optimizer;
};

/// What one training batch measured (before its update was applied).
struct batch_stats {
  /// Epoch of this trainer, counted from 0 over all `fit` calls.
  size_t epoch = 0;
  /// Index of the batch within its epoch, from 0.
  size_t batch = 0;
  /// Index of the batch over all batches this trainer ran, from 0.
  size_t step = 0;
  /// Samples in the batch.
  size_t samples = 0;
  /// Mean loss over the batch, with dropout.
  double loss = 0.0;
  /// Fraction of the batch classified correctly, with dropout.
  double accuracy = 0.0;
};

/// What one (possibly stopped) epoch measured.
struct epoch_stats {
  /// Epoch of this trainer, counted from 0 over all `fit` calls.
  size_t epoch = 0;
  /// Batches trained.
  size_t batches = 0;
  /// Samples trained.
  size_t samples = 0;
  /// Mean training loss over the samples, as Keras reports it.
  double loss = 0.0;
  /// Training accuracy over the samples.
  double accuracy = 0.0;
  /// Wall-clock time of the epoch, callbacks included.
  double seconds = 0.0;
  /// `samples / seconds`.
  double samples_per_second = 0.0;
};

/// What a `fit` call did.
struct fit_result {
  /// One entry per epoch started, the last one partial if stopped early.
  std::vector<epoch_stats> epochs;
  /// Whether a callback asked to stop before all epochs ran.
  bool stopped_early = false;
  /// Wall-clock time of the whole call.
  double seconds = 0.0;
  /// Samples trained per second over the whole call.
  double samples_per_second = 0.0;
};

/// Loss and accuracy over a dataset, without dropout.
struct evaluation {
  /// Mean cross-entropy loss.
  double loss = 0.0;
  /// Fraction classified correctly.
  double accuracy = 0.0;
  /// Samples evaluated.
  size_t samples = 0;
};

/// Hooks into training, modelled on Keras callbacks (and so on HPE's
/// SwarmCallback): the swarm layer syncs parameters from `on_batch_end`.
class training_callback {
public:
  virtual ~training_callback();

  /// Called once before the first batch of a `fit` call.
  virtual void on_train_begin() {
    // nop
  }

  /// Called after each batch's update; return false to stop training.
  virtual bool on_batch_end(const batch_stats& stats) {
    (void) stats;
    return true;
  }

  /// Called after each epoch, also a stopped one; return false to stop.
  virtual bool on_epoch_end(const epoch_stats& stats) {
    (void) stats;
    return true;
  }

  /// Called once when a `fit` call ends, also after an early stop.
  virtual void on_train_end(const fit_result& result) {
    (void) result;
  }
};

/// Trains an `mlp` with Adam in mini-batches: per-epoch shuffle, a gather of
/// each batch into a contiguous buffer, forward, backward, Adam step. The
/// model is borrowed and must outlive the trainer; the optimizer state and
/// the random streams are the trainer's and carry over between `fit` calls,
/// so `fit(d, 1)` twice equals `fit(d, 2)`. The same seeds give bitwise
/// identical parameters on the same machine and build (for any thread count
/// with AVX-512, for the same count otherwise).
class trainer {
public:
  /// Creates a trainer for `model`.
  explicit trainer(mlp& model, const trainer_config& cfg = {});

  /// Trains for `epochs` epochs over `data`, calling `callback` (if not null)
  /// as Keras calls its callbacks. Fails if `data` does not fit the model.
  expected<fit_result> fit(const dataset& data, size_t epochs,
                           training_callback* callback = nullptr);

  /// Like `fit` with a callback whose only hook is `on_batch_end`.
  expected<fit_result> fit(const dataset& data, size_t epochs,
                           std::function<bool(const batch_stats&)> on_batch_end);

  /// Trains one batch: gradients of `labels.size()` samples in `images`
  /// (one after another) and one Adam step. Does not advance the counters.
  batch_result train_batch(std::span<const float> images,
                           std::span<const uint8_t> labels);

  /// Measures loss and accuracy over `data` in batches of `batch_size`
  /// (0: the configured one), without dropout and without updating.
  expected<evaluation> evaluate(const dataset& data, size_t batch_size = 0);

  /// Returns the model.
  mlp& model() noexcept {
    return model_;
  }

  /// Returns the optimizer, whose state survives parameter overwrites.
  adam& optimizer() noexcept {
    return optimizer_;
  }

  /// Returns the configuration.
  const trainer_config& config() const noexcept {
    return cfg_;
  }

  /// Returns how many epochs were started by `fit` calls so far.
  size_t epochs_started() const noexcept {
    return epoch_;
  }

  /// Returns how many batches `fit` calls trained so far.
  size_t steps() const noexcept {
    return step_;
  }

private:
  status check(const dataset& data) const;
  epoch_stats run_epoch(const dataset& data, training_callback* callback, bool& stop);
  void gather(const dataset& data, std::span<const size_t> indices);

  mlp& model_;
  trainer_config cfg_;
  adam optimizer_;
  prng shuffle_rng_;
  prng dropout_rng_;
  size_t epoch_ = 0;
  size_t step_ = 0;
  std::vector<size_t> order_;
  std::vector<float, Eigen::aligned_allocator<float>> batch_images_;
  std::vector<uint8_t> batch_labels_;
};

} // namespace swarm::ml
