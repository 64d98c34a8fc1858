// GCC 12 reports false "may be used uninitialized" positives inside Eigen's
// AVX-512 packet code (an intentionally undefined __m512), instantiated here.
#if defined(__GNUC__) && !defined(__clang__) // clang has no such group
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "swarm/ml/adam.hpp"

#include "swarm/ml/mlp.hpp"

#include "worker_pool.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

#include <Eigen/Core>

namespace swarm::ml {

namespace {

// Large enough to amortize a parallel region, small enough to stay in L2.
constexpr size_t chunk_floats = 16384;

} // namespace

adam::adam(size_t parameter_count, const adam_config& cfg)
  : cfg_(cfg), m_(parameter_count, 0.0f), v_(parameter_count, 0.0f) {
  // nop
}

float adam::corrected_learning_rate(uint64_t t) const {
  // TensorFlow evaluates the powers in float32; so do we, to match it.
  const auto step = static_cast<float>(t);
  const float beta_1_power = std::pow(cfg_.beta_1, step);
  const float beta_2_power = std::pow(cfg_.beta_2, step);
  return cfg_.learning_rate * std::sqrt(1.0f - beta_2_power) / (1.0f - beta_1_power);
}

void adam::step(std::span<float> parameters, std::span<const float> gradients) {
  assert(parameters.size() == m_.size());
  assert(gradients.size() == m_.size());
  ++iterations_;
  const float alpha = corrected_learning_rate(iterations_);
  const float one_minus_beta_1 = 1.0f - cfg_.beta_1;
  const float one_minus_beta_2 = 1.0f - cfg_.beta_2;
  const float epsilon = cfg_.epsilon;
  const auto n = static_cast<std::ptrdiff_t>(m_.size());
  const std::ptrdiff_t chunk = chunk_floats;
  const auto chunks = static_cast<size_t>((n + chunk - 1) / chunk);
  const size_t threads = std::min(chunks, static_cast<size_t>(compute_threads()));
  // Eigen's array sqrt vectorizes (std::sqrt does not, as it may set errno);
  // both are correctly rounded, so the result does not depend on which.
  detail::worker_pool::instance().run(threads, [&](size_t t, size_t count) {
    for (size_t c = t; c < chunks; c += count) {
      const auto first = static_cast<std::ptrdiff_t>(c) * chunk;
      const std::ptrdiff_t size = std::min(n - first, chunk);
      Eigen::Map<Eigen::ArrayXf> p{parameters.data() + first, size};
      Eigen::Map<const Eigen::ArrayXf> g{gradients.data() + first, size};
      Eigen::Map<Eigen::ArrayXf> m{m_.data() + first, size};
      Eigen::Map<Eigen::ArrayXf> v{v_.data() + first, size};
      m += (g - m) * one_minus_beta_1;
      v += (g.square() - v) * one_minus_beta_2;
      p -= (m * alpha) / (v.sqrt() + epsilon);
    }
  });
}

void adam::reset() {
  iterations_ = 0;
  std::fill(m_.begin(), m_.end(), 0.0f);
  std::fill(v_.begin(), v_.end(), 0.0f);
}

} // namespace swarm::ml
