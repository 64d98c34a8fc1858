#pragma once

// Small loops shared by the strategies, written so that GCC and Clang
// auto-vectorize them (-O2/-O3 with -march=native): fixed-width partial sums
// instead of one scalar accumulator, because IEEE addition is not
// associative and the compiler may not reorder a plain reduction itself.
// The partial sums are combined in a fixed order, so results depend only on
// the data and the build, never on timing.

#include <bit>
#include <cstddef>
#include <cstdint>

namespace swarm::merge::detail {

/// Elements per block when streaming several models at once: 16 K floats
/// (64 KB) per input keeps one block of the output in L1/L2 while every
/// input's block streams through it.
inline constexpr size_t block_floats = 16 * 1024;

/// Lanes of the partial sums: four AVX-512 registers of doubles, enough
/// independent additions to hide the FMA latency.
inline constexpr size_t sum_lanes = 32;

/// Returns whether `x` is NaN or infinite (exponent bits all set).
inline bool non_finite_bits(float x) noexcept {
  return (std::bit_cast<uint32_t>(x) & 0x7f800000u) == 0x7f800000u;
}

/// Returns whether any of `n` values at `data` is NaN or infinite.
inline bool any_non_finite(const float* data, size_t n) noexcept {
  uint32_t bad = 0;
  for (size_t i = 0; i < n; ++i)
    bad |= non_finite_bits(data[i]) ? 1u : 0u;
  return bad != 0;
}

/// Returns the index of the first NaN or infinite value among `n` at
/// `data`, or `n`. Scans in blocks so the common all-finite case runs as a
/// vectorized OR-reduction.
inline size_t first_non_finite(const float* data, size_t n) noexcept {
  constexpr size_t step = 4096;
  for (size_t base = 0; base < n; base += step) {
    size_t len = n - base < step ? n - base : step;
    if (!any_non_finite(data + base, len))
      continue;
    for (size_t i = 0; i < len; ++i)
      if (non_finite_bits(data[base + i]))
        return base + i;
  }
  return n;
}

/// Returns the sum of squared differences of `n` values, in double (each
/// difference is exact in double).
inline double sum_sq_diff(const float* a, const float* b, size_t n) noexcept {
  double part[sum_lanes] = {};
  size_t i = 0;
  for (; i + sum_lanes <= n; i += sum_lanes)
    for (size_t j = 0; j < sum_lanes; ++j) {
      double d = static_cast<double>(a[i + j]) - static_cast<double>(b[i + j]);
      part[j] += d * d;
    }
  double result = 0;
  for (; i < n; ++i) {
    double d = static_cast<double>(a[i]) - static_cast<double>(b[i]);
    result += d * d;
  }
  for (size_t j = 0; j < sum_lanes; ++j)
    result += part[j];
  return result;
}

} // namespace swarm::merge::detail
