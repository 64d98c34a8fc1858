// The portable passes of `mlp` (no AVX-512): Eigen products over the model's
// buffers, threaded by Eigen.
//
// Activations are stored one sample per column (hidden x batch), which is
// what a sample-major image batch already is when read as a column-major
// inputs x batch matrix, and a row-major Keras kernel [in, out] is a
// column-major out x in matrix W. So every layer is a plain product
// H = W * X over the model's own buffers, with no transposed copies.

// GCC 12 reports false "may be used uninitialized" positives inside Eigen's
// vector packet code (an intentionally undefined register), instantiated here.
#if defined(__GNUC__) && !defined(__clang__) // clang has no such group
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "swarm/ml/mlp.hpp"

#ifndef __AVX512F__

#include <algorithm>
#include <cassert>

#include "mlp_detail.hpp"

namespace swarm::ml {

namespace {

using matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>;
using matrix_map = Eigen::Map<matrix, Eigen::Aligned16>;
using const_matrix_map = Eigen::Map<const matrix, Eigen::Aligned16>;
using input_map = Eigen::Map<const matrix>; // caller's images: any alignment
using vector_map = Eigen::Map<Eigen::VectorXf, Eigen::Aligned16>;
using const_vector_map = Eigen::Map<const Eigen::VectorXf, Eigen::Aligned16>;

} // namespace

batch_result mlp::run_batch(const float* images, const uint8_t* labels, size_t batch,
                            prng* dropout, bool backward) {
  reserve(batch);
  const bool dropping = dropout != nullptr && cfg_.dropout_rate > 0.0f;
  const uint64_t key = dropping ? dropout->next() : 0;
  const uint32_t threshold = detail::keep_threshold(cfg_.dropout_rate);
  const float scale = dropping ? 1.0f / (1.0f - cfg_.dropout_rate) : 1.0f;
  const auto in = static_cast<Eigen::Index>(cfg_.inputs);
  const auto hid = static_cast<Eigen::Index>(cfg_.hidden);
  const auto out = static_cast<Eigen::Index>(cfg_.classes);
  const auto n = static_cast<Eigen::Index>(batch);
  input_map x{images, in, n};
  const float* b1 = params_.data() + layout_.bias_1;
  const_matrix_map w1{params_.data() + layout_.kernel_1, hid, in};
  const_matrix_map w2{params_.data() + layout_.kernel_2, out, hid};
  const_vector_map b2{params_.data() + layout_.bias_2, out};
  matrix_map h{hidden_.data(), hid, n};
  matrix_map z{logits_.data(), out, n};

  h.noalias() = w1 * x;
  // Bias, ReLU and dropout in one pass while the block is still in cache.
  for (size_t j = 0; j < batch; ++j) {
    float* col = hidden_.data() + j * cfg_.hidden;
    for (size_t i = 0; i < cfg_.hidden; ++i) {
      // Zero first: std::max returns its first argument when the other is
      // NaN, so a NaN input ends at 0 here, as in the AVX-512 kernels.
      const float a = std::max(0.0f, col[i] + b1[i]);
      const bool keep = !dropping || detail::dropout_bits(key, j, i, cfg_.hidden) >= threshold;
      col[i] = keep ? a * scale : 0.0f;
    }
  }
  z.noalias() = w2 * h;
  z.colwise() += b2;
  batch_result result;
  result.samples = batch;
  if (labels == nullptr)
    return result;
  const float gradient_scale = backward ? 1.0f / static_cast<float>(batch) : 0.0f;
  for (size_t j = 0; j < batch; ++j) {
    bool correct = false;
    result.loss_sum += detail::softmax_cross_entropy(logits_.data() + j * cfg_.classes,
                                                     cfg_.classes, labels[j], gradient_scale,
                                                     correct);
    result.correct += correct ? 1 : 0;
  }
  if (!backward)
    return result;

  const_matrix_map dz{logits_.data(), out, n};
  matrix_map dh{hidden_grad_.data(), hid, n};
  matrix_map gw1{grads_.data() + layout_.kernel_1, hid, in};
  vector_map gb1{grads_.data() + layout_.bias_1, hid};
  matrix_map gw2{grads_.data() + layout_.kernel_2, out, hid};
  vector_map gb2{grads_.data() + layout_.bias_2, out};
  gw2.noalias() = dz * h.transpose();
  gb2.noalias() = dz.rowwise().sum();
  dh.noalias() = w2.transpose() * dz;
  // Through dropout and ReLU at once: a stored activation is positive
  // exactly when the unit was both kept and active.
  dh = (h.array() > 0.0f).select(dh * scale, 0.0f);
  gb1.noalias() = dh.rowwise().sum();
  // The input gradient of the first layer is never needed.
  gw1.noalias() = dh * x.transpose();
  return result;
}

} // namespace swarm::ml

#endif // __AVX512F__
