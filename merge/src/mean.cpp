#include <algorithm>
#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "kernels_impl.hpp"
#include "strategy_impl.hpp"

// The weighted mean streams every input once into one output buffer. Per
// block of block_floats elements, a scratch block is initialized from the
// first two inputs and then accumulates the others two at a time, so it
// stays in L1/L2 while the inputs stream from memory, and is then appended
// to the output: no per-peer copy, one pass over the inputs' bytes, and one
// write of the output's. Coefficients are the normalized weights
// w_k / W rounded to float and the sum is kept in float: the inputs are
// float, the error is a few ulps, and float halves the work per element
// compared with double. Terms are added in the contributions' order, so the
// result is deterministic; with one contribution the coefficient is exactly
// 1 and the result equals the input bitwise.

namespace swarm::merge::detail {

namespace {

void scale_into(float* __restrict out, const float* __restrict x, float a, size_t n) {
  for (size_t i = 0; i < n; ++i)
    out[i] = a * x[i];
}

void scale_two(float* __restrict out, const float* __restrict x, float a,
               const float* __restrict y, float b, size_t n) {
  for (size_t i = 0; i < n; ++i)
    out[i] = a * x[i] + b * y[i];
}

void add_one(float* __restrict out, const float* __restrict x, float a, size_t n) {
  for (size_t i = 0; i < n; ++i)
    out[i] += a * x[i];
}

// Adds two terms in order ((out + a x) + b y) with half the loads and
// stores of the output that two add_one calls would take.
void add_two(float* __restrict out, const float* __restrict x, float a,
             const float* __restrict y, float b, size_t n) {
  for (size_t i = 0; i < n; ++i)
    out[i] = (out[i] + a * x[i]) + b * y[i];
}

/// Maps the pages of [data, data + bytes) in one system call. A fresh
/// 100 MiB output otherwise takes 25,600 page faults, which in a VM cost
/// about four memcpys of the output; MADV_POPULATE_WRITE (Linux 5.14) does
/// the same work in about a fifth less time. A hint only: where it is
/// missing or fails, the pages fault in as usual.
void prefault([[maybe_unused]] void* data, [[maybe_unused]] size_t bytes) noexcept {
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
  constexpr uintptr_t page = 4096;
  constexpr size_t worth_it = size_t{2} << 20;
  if (bytes < worth_it)
    return;
  auto begin = (reinterpret_cast<uintptr_t>(data) + page - 1) & ~(page - 1);
  auto end = (reinterpret_cast<uintptr_t>(data) + bytes) & ~(page - 1);
  if (end > begin)
    (void) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE);
#endif
}

} // namespace

tensor_bundle merge_inputs::empty_output() const {
  tensor_bundle result;
  result.tensors = contributions.front().model->tensors;
  if (recycled != nullptr && recycled->capacity() >= count) {
    // Warm pages: no faults, no prefault call.
    result.values = std::move(*recycled);
    result.values.clear();
    return result;
  }
  result.values.reserve(count);
  prefault(result.values.data(), count * sizeof(float));
  return result;
}

tensor_bundle merge_inputs::reused_output() const {
  if (recycled == nullptr || recycled->size() != count)
    return empty_output();
  tensor_bundle result;
  result.tensors = contributions.front().model->tensors;
  result.values = std::move(*recycled);
  return result;
}

bool weighted_sum(std::span<const float* const> xs, std::span<const float> coeffs, size_t count,
                  std::vector<float>& out) {
  auto n = xs.size();
  bool bad = false;
  bool in_place = out.size() == count;
  std::vector<float> block(in_place ? 0 : std::min(block_floats, count));
  for (size_t base = 0; base < count; base += block_floats) {
    auto len = std::min(block_floats, count - base);
    float* o = in_place ? out.data() + base : block.data();
    size_t k = 1;
    if (n >= 2) {
      scale_two(o, xs[0] + base, coeffs[0], xs[1] + base, coeffs[1], len);
      k = 2;
    } else {
      scale_into(o, xs[0] + base, coeffs[0], len);
    }
    for (; k + 1 < n; k += 2)
      add_two(o, xs[k] + base, coeffs[k], xs[k + 1] + base, coeffs[k + 1], len);
    if (k < n)
      add_one(o, xs[k] + base, coeffs[k], len);
    // Checked while the block is hot: a NaN or Inf input always leaves a
    // non-finite output, so the inputs need no separate pass.
    bad = bad || any_non_finite(o, len);
    if (!in_place)
      out.insert(out.end(), o, o + len);
  }
  return bad;
}

status first_non_finite_input(const merge_inputs& in) {
  for (const auto& c : in.contributions)
    if (auto ok = check_finite(*c.model, c.peer); !ok)
      return ok;
  return {};
}

expected<tensor_bundle> merge_mean(const merge_inputs& in) {
  std::vector<float> coeffs(in.size());
  for (size_t k = 0; k < in.size(); ++k)
    coeffs[k] = static_cast<float>(in.weights[k] / in.total_weight);
  auto result = in.reused_output();
  if (!weighted_sum(in.values, coeffs, in.count, result.values))
    return result;
  if (auto ok = first_non_finite_input(in); !ok)
    return ok.error();
  return make_error(errc::invalid_argument,
                    "the weighted mean overflows float (inputs near FLT_MAX)");
}

} // namespace swarm::merge::detail
