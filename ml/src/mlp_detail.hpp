// Pieces shared by the AVX-512 and the portable passes of `mlp`.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "swarm/ml/prng.hpp"

namespace swarm::ml::detail {

/// Returns the dropout threshold: a unit is kept when the high 32 bits of its
/// draw are at least `rate` * 2^32, as Keras keeps a unit whose uniform draw
/// is at least the rate.
inline uint32_t keep_threshold(float rate) {
  const double scaled = std::ldexp(static_cast<double>(rate), 32);
  return static_cast<uint32_t>(std::min(scaled, 4294967295.0));
}

/// Returns the dropout draw of hidden unit `unit` of sample `sample` in a
/// batch whose key is `key` (the portable twin of avx512::stream_bits).
inline uint32_t dropout_bits(uint64_t key, size_t sample, size_t unit, size_t hidden) {
  return static_cast<uint32_t>(stream_at(key, sample * hidden + unit) >> 32);
}

/// Measures one sample's cross-entropy from its logits `z` (computed around
/// the maximum, so it neither overflows nor takes log(0)); when
/// `gradient_scale` is not zero, overwrites `z` with the gradient of the
/// loss times `gradient_scale` (1 / batch for a mean loss).
inline double softmax_cross_entropy(float* z, size_t classes, size_t label,
                                    float gradient_scale, bool& correct) {
  const auto best = static_cast<size_t>(std::max_element(z, z + classes) - z);
  const float top = z[best];
  float sum = 0.0f;
  for (size_t k = 0; k < classes; ++k)
    sum += std::exp(z[k] - top);
  const float log_sum = std::log(sum);
  correct = best == label;
  const double loss = static_cast<double>(log_sum - (z[label] - top));
  if (gradient_scale != 0.0f) {
    // (softmax(z) - onehot(label)) * scale, in place.
    const float factor = gradient_scale / sum;
    for (size_t k = 0; k < classes; ++k)
      z[k] = std::exp(z[k] - top) * factor;
    z[label] -= gradient_scale;
  }
  return loss;
}

/// Returns the thread count `set_compute_threads` configured.
int configured_threads();

} // namespace swarm::ml::detail
