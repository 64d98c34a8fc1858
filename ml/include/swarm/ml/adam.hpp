#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <Eigen/Core>

namespace swarm::ml {

/// Hyper-parameters of Adam, with Keras' defaults as the seed uses them.
struct adam_config {
  /// Base step size.
  float learning_rate = 1e-3f;
  /// Decay of the first-moment estimate.
  float beta_1 = 0.9f;
  /// Decay of the second-moment estimate.
  float beta_2 = 0.999f;
  /// Keras' epsilon, added to sqrt(v) (not to the bias-corrected sqrt(v)).
  float epsilon = 1e-7f;
};

/// Adam exactly as Keras 2 / TensorFlow's ApplyAdam computes it:
/// `lr_t = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)`,
/// `m += (g - m) * (1 - beta_1)`, `v += (g^2 - v) * (1 - beta_2)`,
/// `p -= lr_t * m / (sqrt(v) + epsilon)`.
/// Its state (m, v and the step count) is kept apart from the parameters, so
/// the swarm layer can overwrite parameters with merged ones while the
/// optimizer keeps its moments, as a Keras model does after a swarm sync.
class adam {
public:
  /// Creates an optimizer for `parameter_count` floats with zero moments.
  explicit adam(size_t parameter_count, const adam_config& cfg = {});

  /// Applies one update to `parameters` given `gradients` of the same size
  /// as this optimizer, on `compute_threads()` threads; elementwise, so the
  /// result does not depend on the thread count.
  void step(std::span<float> parameters, std::span<const float> gradients);

  /// Returns how many steps were applied (Keras' `iterations`).
  uint64_t iterations() const noexcept {
    return iterations_;
  }

  /// Returns the learning rate of step `t` (1-based) after bias correction.
  float corrected_learning_rate(uint64_t t) const;

  /// Returns the first-moment estimates.
  std::span<const float> first_moment() const noexcept {
    return {m_.data(), m_.size()};
  }

  /// Returns the second-moment estimates.
  std::span<const float> second_moment() const noexcept {
    return {v_.data(), v_.size()};
  }

  /// Returns the hyper-parameters.
  const adam_config& config() const noexcept {
    return cfg_;
  }

  /// Zeroes the moments and the step count.
  void reset();

private:
  using buffer = std::vector<float, Eigen::aligned_allocator<float>>;

  adam_config cfg_;
  uint64_t iterations_ = 0;
  buffer m_;
  buffer v_;
};

} // namespace swarm::ml
