// The AVX-512 passes of `mlp`: register-blocked products with fused
// epilogues, split across threads by hand.
//
// Layout as in the portable passes: activations hold one sample per column,
// and a row-major Keras kernel [in, out] is a column-major out x in matrix.
// The forward pass splits the batch's samples across threads; the backward
// pass splits the hidden units, so that each thread writes disjoint rows of
// the first kernel's gradient and no reduction across threads is needed.
// Each output is one FMA chain in index order whichever thread computes it,
// so the parameters do not depend on the thread count.

// GCC 12 warns about the deliberately undefined registers that its own
// AVX-512 intrinsics headers create (_mm512_undefined_*), inlined here.
#pragma GCC diagnostic ignored "-Wuninitialized"
#if defined(__GNUC__) && !defined(__clang__) // clang has no such group
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "swarm/ml/mlp.hpp"

#ifdef __AVX512F__

#include <algorithm>
#include <cassert>
#include <vector>

#include "gemm_avx512.hpp"
#include "mlp_detail.hpp"
#include "sparse_avx512.hpp"
#include "worker_pool.hpp"

namespace swarm::ml {

namespace {

// Below this many multiply-adds per batch a parallel region costs more than
// it saves.
constexpr size_t min_parallel_work = size_t{1} << 20;

// Everything one batch pass reads and writes, with the parts of the work a
// thread does.
struct batch_pass {
  size_t inputs;
  size_t hidden;
  size_t classes;
  size_t batch;
  const float* images;
  const uint8_t* labels;
  const float* w1;
  const float* b1;
  const float* w2;
  const float* b2;
  float* w1_panels; // w1 cut into 32-row panels
  float* w2t;       // w2 transposed: hidden x classes, column-major
  float* h;
  float* z;
  float* dh; // in 32-row panels
  float* gw1;
  float* gb1;
  float* gw2;
  float* gb2;
  double* sample_loss;
  uint8_t* sample_correct;
  bool dropping;
  uint64_t key;
  uint32_t threshold;
  float scale;
  float gradient_scale;

  void forward_samples(size_t first, size_t last, float* pack) const;
  void forward_sparse(size_t first, size_t last, float* pack) const;
  void logits(size_t first, size_t last, float* pack) const;
  void loss(size_t first, size_t last) const;
  void transpose_kernel_2() const;
  void backward_units(size_t first, size_t last, float* pack) const;
  void bias_2_gradient() const;

  // Returns where hidden unit `row` (a multiple of 16) of sample `col` lives
  // in the panel layout of dh.
  float* dh_at(size_t row, size_t col) const {
    return dh + (row & ~size_t{31}) * batch + col * avx512::tile_rows + (row & 31);
  }
};

// Expects the samples' images packed into `pack` and w1 in panels.
void batch_pass::forward_samples(size_t first, size_t last, float* pack) const {
  const size_t n = last - first;
  float* h_cols = h + first * hidden;
  const __m512 zero = _mm512_setzero_ps();
  const __m512 scale_v = _mm512_set1_ps(scale);
  const __m512i threshold_v = _mm512_set1_epi32(static_cast<int>(threshold));
  auto hidden_epilogue = [&](size_t row, size_t col, __m512 v, __mmask16 m) {
    v = _mm512_max_ps(_mm512_add_ps(v, _mm512_maskz_loadu_ps(m, b1 + row)), zero);
    if (dropping) {
      const __m512i bits = avx512::stream_bits(key, (first + col) * hidden + row);
      const __mmask16 keep = _mm512_cmpge_epu32_mask(bits, threshold_v);
      v = _mm512_maskz_mul_ps(keep, v, scale_v);
    }
    _mm512_mask_storeu_ps(h_cols + col * hidden + row, m, v);
  };
  avx512::gemm(0, hidden, n, inputs, {w1_panels, 0, true}, {pack, 0, true}, hidden_epilogue,
               {h_cols, hidden});
  logits(first, last, pack);
}

// The same hidden activations as forward_samples without dropout, from each
// sample's nonzero pixels only (bit for bit: see sparse_avx512.hpp). Needs
// neither packed images nor w1 in panels.
void batch_pass::forward_sparse(size_t first, size_t last, float* pack) const {
  assert(!dropping);
  thread_local std::vector<uint32_t> index;
  thread_local std::vector<float> value;
  index.resize(inputs + 16);
  value.resize(inputs + 16);
  const __m512 zero = _mm512_setzero_ps();
  for (size_t j = first; j < last; ++j) {
    float* h_col = h + j * hidden;
    auto epilogue = [&](size_t row, __m512 v, __mmask16 m) {
      v = _mm512_max_ps(_mm512_add_ps(v, _mm512_maskz_loadu_ps(m, b1 + row)), zero);
      _mm512_mask_storeu_ps(h_col + row, m, v);
    };
    const size_t count = avx512::gather_nonzero(images + j * inputs, inputs, index.data(),
                                                value.data());
    avx512::sparse_product(w1, hidden, hidden, index.data(), value.data(), count, epilogue);
  }
  logits(first, last, pack);
}

// Expects h of samples [first, last) computed.
void batch_pass::logits(size_t first, size_t last, float* pack) const {
  const size_t n = last - first;
  float* h_cols = h + first * hidden;
  float* z_cols = z + first * classes;
  auto logit_epilogue = [&](size_t row, size_t col, __m512 v, __mmask16 m) {
    v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, b2 + row));
    _mm512_mask_storeu_ps(z_cols + col * classes + row, m, v);
  };
  avx512::pack_columns(h_cols, hidden, hidden, n, pack);
  avx512::gemm(0, classes, n, hidden, {w2, classes, false}, {pack, 0, true}, logit_epilogue);
}

void batch_pass::loss(size_t first, size_t last) const {
  for (size_t j = first; j < last; ++j) {
    bool correct = false;
    sample_loss[j] = detail::softmax_cross_entropy(z + j * classes, classes, labels[j],
                                                   gradient_scale, correct);
    sample_correct[j] = correct ? 1 : 0;
  }
}

void batch_pass::transpose_kernel_2() const {
  for (size_t i = 0; i < hidden; ++i)
    for (size_t k = 0; k < classes; ++k)
      w2t[k * hidden + i] = w2[i * classes + k];
}

void batch_pass::backward_units(size_t first, size_t last, float* pack) const {
  // dH = W2^T dZ, through dropout and ReLU at once: a stored activation is
  // positive exactly when the unit was both kept and active.
  const __m512 zero = _mm512_setzero_ps();
  const __m512 scale_v = _mm512_set1_ps(scale);
  auto hidden_grad_epilogue = [&](size_t row, size_t col, __m512 v, __mmask16 m) {
    const __m512 a = _mm512_maskz_loadu_ps(m, h + col * hidden + row);
    const __mmask16 active = _mm512_mask_cmp_ps_mask(m, a, zero, _CMP_GT_OQ);
    _mm512_mask_storeu_ps(dh_at(row, col), m, _mm512_maskz_mul_ps(active, v, scale_v));
  };
  avx512::pack_columns(z, classes, classes, batch, pack);
  avx512::gemm(first, last, batch, classes, {w2t, hidden, false}, {pack, 0, true},
               hidden_grad_epilogue);

  for (size_t i = first; i < last; i += 16) {
    const __mmask16 m = avx512::lane_mask(static_cast<std::ptrdiff_t>(last - i));
    __m512 sum = zero;
    for (size_t j = 0; j < batch; ++j)
      sum = _mm512_add_ps(sum, _mm512_maskz_loadu_ps(m, dh_at(i, j)));
    _mm512_mask_storeu_ps(gb1 + i, m, sum);
  }

  // gW1 = dH X^T for these units; the first layer's input gradient is never
  // needed. X^T is read in place: sample j's pixels are row j.
  auto store_gw1 = [&](size_t row, size_t col, __m512 v, __mmask16 m) {
    _mm512_mask_storeu_ps(gw1 + col * hidden + row, m, v);
  };
  avx512::gemm(first, last, inputs, batch, {dh, 0, true}, {images, inputs, false}, store_gw1);

  // gW2 = dZ H^T for these units (columns of the classes x hidden matrix).
  float* gw2_cols = gw2 + first * classes;
  auto store_gw2 = [&](size_t row, size_t col, __m512 v, __mmask16 m) {
    _mm512_mask_storeu_ps(gw2_cols + col * classes + row, m, v);
  };
  avx512::gemm(0, classes, last - first, batch, {z, classes, false}, {h + first, hidden, false},
               store_gw2);
}

void batch_pass::bias_2_gradient() const {
  for (size_t k = 0; k < classes; ++k) {
    float sum = 0.0f;
    for (size_t j = 0; j < batch; ++j)
      sum += z[j * classes + k];
    gb2[k] = sum;
  }
}

// Returns whether at least 60% of x[0, n) are zeros: then the sparse
// forward pass does less than a third of the dense one's multiply-adds and
// is faster, although it streams the weights once per sample.
bool mostly_zero(const float* x, size_t n) {
  size_t zeros = 0;
  for (size_t i = 0; i < n; ++i)
    zeros += x[i] == 0.0f ? 1 : 0;
  return zeros * 5 >= n * 3;
}

// Returns the first of the `count` parts of [0, n) in whole `unit`s.
size_t part_begin(size_t n, size_t unit, size_t part, size_t count) {
  const size_t units = (n + unit - 1) / unit;
  return std::min(n, units * part / count * unit);
}

} // namespace

batch_result mlp::run_batch(const float* images, const uint8_t* labels, size_t batch,
                            prng* dropout, bool backward) {
  assert(!backward || labels != nullptr);
  reserve(batch);
  const bool dropping = dropout != nullptr && cfg_.dropout_rate > 0.0f;
  const float* p = params_.data();
  float* g = grads_.data();
  const batch_pass pass{
    cfg_.inputs, cfg_.hidden, cfg_.classes, batch, images, labels,
    p + layout_.kernel_1, p + layout_.bias_1, p + layout_.kernel_2, p + layout_.bias_2,
    packed_kernel_1_.data(), transposed_kernel_2_.data(), hidden_.data(), logits_.data(),
    hidden_grad_.data(),
    g + layout_.kernel_1, g + layout_.bias_1, g + layout_.kernel_2, g + layout_.bias_2,
    sample_loss_.data(), sample_correct_.data(), dropping,
    dropping ? dropout->next() : 0, detail::keep_threshold(cfg_.dropout_rate),
    dropping ? 1.0f / (1.0f - cfg_.dropout_rate) : 1.0f,
    backward ? 1.0f / static_cast<float>(batch) : 0.0f};

  const size_t work = cfg_.inputs * cfg_.hidden * batch;
  const int threads = work < min_parallel_work ? 1 : detail::configured_threads();
  const size_t depth = std::max({cfg_.inputs, cfg_.hidden, cfg_.classes});
  const size_t slot = avx512::packed_size(batch, depth);
  if (packed_.size() < slot * static_cast<size_t>(threads))
    packed_.resize(slot * static_cast<size_t>(threads));
  // Evaluation skips the zero pixels when they are many; training keeps the
  // dense products, whose dropout and backward pass need the packed layout.
  const bool sparse = !backward && !dropping && mostly_zero(images, batch * cfg_.inputs);
  auto& pool = detail::worker_pool::instance();
  pool.run(static_cast<size_t>(threads), [&](size_t t, size_t count) {
    float* pack = packed_.data() + t * slot;
    // Forward: each thread packs a share of w1 and its own samples, then
    // runs its samples through all of w1.
    const size_t first = part_begin(batch, 1, t, count);
    const size_t last = part_begin(batch, 1, t + 1, count);
    const size_t unit_first = part_begin(cfg_.hidden, avx512::tile_rows, t, count);
    const size_t unit_last = part_begin(cfg_.hidden, avx512::tile_rows, t + 1, count);
    if (sparse) {
      if (first < last)
        pass.forward_sparse(first, last, pack);
    } else {
      avx512::pack_panels(pass.w1, cfg_.hidden, unit_first, unit_last, cfg_.inputs,
                          pass.w1_panels);
      avx512::pack_columns(images + first * cfg_.inputs, cfg_.inputs, cfg_.inputs,
                           last - first, pack);
      if (backward && t == 0)
        pass.transpose_kernel_2();
      pool.sync();
      if (first < last)
        pass.forward_samples(first, last, pack);
    }
    if (first < last && labels != nullptr)
      pass.loss(first, last);
    if (backward) {
      // Backward: each thread owns whole 32-unit panels of the hidden layer,
      // so it writes disjoint rows of the gradients.
      pool.sync();
      if (unit_first < unit_last)
        pass.backward_units(unit_first, unit_last, pack);
      if (t == 0)
        pass.bias_2_gradient();
    }
  });

  batch_result result;
  result.samples = batch;
  if (labels == nullptr)
    return result;
  // Summed in sample order, so the reported loss is thread-count independent.
  for (size_t j = 0; j < batch; ++j) {
    result.loss_sum += sample_loss_[j];
    result.correct += sample_correct_[j];
  }
  return result;
}

} // namespace swarm::ml

#endif // __AVX512F__
