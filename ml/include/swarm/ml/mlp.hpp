#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <Eigen/Core>

#include "swarm/ml/prng.hpp"
#include "swarm/ml/tensor.hpp"

namespace swarm::ml {

/// Sizes of the seed's model: Flatten -> Dense(hidden, ReLU) ->
/// Dropout(dropout_rate) -> Dense(classes, softmax).
struct mlp_config {
  /// Inputs per sample (28 x 28 pixels for MNIST).
  size_t inputs = 784;
  /// Units of the hidden ReLU layer.
  size_t hidden = 512;
  /// Output classes.
  size_t classes = 10;
  /// Fraction of hidden units dropped at training time, in [0, 1).
  float dropout_rate = 0.2f;
};

/// What one forward pass over a batch measured.
struct batch_result {
  /// Sum over the samples of the cross-entropy loss (divide by `samples`).
  double loss_sum = 0.0;
  /// Samples whose highest logit is at their label.
  size_t correct = 0;
  /// Samples in the batch.
  size_t samples = 0;

  /// Returns the mean loss.
  double mean_loss() const noexcept {
    return samples == 0 ? 0.0 : loss_sum / static_cast<double>(samples);
  }

  /// Returns the fraction of correct samples.
  double accuracy() const noexcept {
    return samples == 0 ? 0.0
                        : static_cast<double>(correct) / static_cast<double>(samples);
  }
};

/// The seed's two-layer perceptron with sparse categorical cross-entropy,
/// computed from logits. Parameters live in one buffer in Keras layout and
/// naming (`dense/kernel` [inputs, hidden] row-major, `dense/bias`,
/// `dense_1/kernel` [hidden, classes], `dense_1/bias`), so the swarm layer can
/// read and overwrite them in place through `parameters()`. Gradients live in a
/// second buffer with the same layout. Not thread-safe: batches share scratch
/// buffers that are kept across calls to avoid allocating per batch.
class mlp {
public:
  /// Creates the model and initializes it as Keras does: Glorot-uniform
  /// kernels drawn from a generator seeded with `seed`, zero biases.
  explicit mlp(uint64_t seed, const mlp_config& cfg = {});

  /// Re-draws all parameters as the constructor does.
  void initialize(uint64_t seed);

  /// Returns views of the four parameter tensors, in the order above. They
  /// alias this model's buffer and stay valid until the model is destroyed
  /// or moved from.
  std::vector<tensor_view> parameters();

  /// Returns views of the gradients of the last `compute_gradients` call,
  /// laid out and named like `parameters()`.
  std::vector<tensor_view> gradients();

  /// Returns all parameters as one span, padding between tensors included
  /// (there is none for the default sizes); the optimizer steps over it.
  std::span<float> parameter_buffer() noexcept {
    return {params_.data(), params_.size()};
  }

  /// Returns all gradients as one span laid out like `parameter_buffer()`.
  std::span<const float> gradient_buffer() const noexcept {
    return {grads_.data(), grads_.size()};
  }

  /// Returns the sizes.
  const mlp_config& config() const noexcept {
    return cfg_;
  }

  /// Runs a forward and a backward pass over a batch of `labels.size()`
  /// samples (`images` holds them one after another) and stores the gradient
  /// of the mean loss. Takes one draw from `dropout` to key the batch's masks
  /// (unit i of sample j is kept when the high half of
  /// `stream_at(key, j * hidden + i)` is at least rate * 2^32); pass nullptr
  /// to disable dropout. Labels must be below `config().classes`.
  batch_result compute_gradients(std::span<const float> images,
                                 std::span<const uint8_t> labels, prng* dropout);

  /// Runs a forward pass without dropout and measures loss and accuracy.
  batch_result evaluate_batch(std::span<const float> images,
                              std::span<const uint8_t> labels);

  /// Writes the logits of each sample (`classes` floats per sample, one
  /// sample after another) for the `out.size() / classes` samples in `images`.
  void predict_logits(std::span<const float> images, std::span<float> out);

private:
  using buffer = std::vector<float, Eigen::aligned_allocator<float>>;

  struct layout {
    size_t kernel_1 = 0;
    size_t bias_1 = 0;
    size_t kernel_2 = 0;
    size_t bias_2 = 0;
    size_t total = 0;
  };

  static layout make_layout(const mlp_config& cfg);
  std::vector<tensor_view> views(float* base);
  void reserve(size_t batch);
  // One forward (and optionally backward) pass over `batch` samples; the
  // AVX-512 and the portable backends each define it. Without labels only
  // the logits are computed.
  batch_result run_batch(const float* images, const uint8_t* labels, size_t batch,
                         prng* dropout, bool backward);

  mlp_config cfg_;
  layout layout_;
  buffer params_;
  buffer grads_;
  // Per-batch scratch, grown on demand and reused (hidden x batch and
  // classes x batch, column j holding sample j).
  buffer hidden_;
  buffer logits_;
  buffer hidden_grad_;
  buffer transposed_kernel_2_;
  buffer packed_kernel_1_;
  buffer packed_;
  std::vector<double> sample_loss_;
  std::vector<uint8_t> sample_correct_;
};

/// Sets how many threads the model's passes and the optimizer use
/// (process-wide); 0 restores the default (one per core). With AVX-512 the
/// parameters a training run produces are bitwise the same for any count;
/// the portable build is bitwise reproducible for a fixed count.
void set_compute_threads(int threads);

/// Returns how many threads the model's passes use.
int compute_threads();

} // namespace swarm::ml
