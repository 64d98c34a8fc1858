// A matrix-vector product that skips the vector's zeros: the first layer's
// forward pass for inputs like MNIST's, where four pixels in five are 0.
//
// Skipping is exact: for a finite weight w, fma(w, 0, s) == s, so one FMA
// chain over the nonzero entries in index order gives the same bits as the
// dense products' chain over all entries in index order (gemm_avx512.hpp).
#pragma once

#ifdef __AVX512F__

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "gemm_avx512.hpp"

namespace swarm::ml::avx512 {

/// Writes the indices and values of the entries of x[0, n) that are not
/// zero (NaN included), in index order; returns how many there are.
inline size_t gather_nonzero(const float* x, size_t n, uint32_t* index, float* value) {
  const __m512 zero = _mm512_setzero_ps();
  const __m512i lanes = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
  size_t count = 0;
  for (size_t k = 0; k < n; k += 16) {
    const __mmask16 m = lane_mask(static_cast<std::ptrdiff_t>(n - k));
    const __m512 v = _mm512_maskz_loadu_ps(m, x + k);
    const __mmask16 nz = _mm512_mask_cmp_ps_mask(m, v, zero, _CMP_NEQ_UQ);
    const __m512i at = _mm512_add_epi32(lanes, _mm512_set1_epi32(static_cast<int>(k)));
    _mm512_mask_compressstoreu_epi32(index + count, nz, at);
    _mm512_mask_compressstoreu_ps(value + count, nz, v);
    count += static_cast<size_t>(__builtin_popcount(nz));
  }
  return count;
}

/// Rows per block of `sparse_product`: 8 accumulators (measured best of
/// 64, 128, 256 and 512 rows with `eval_bench`).
constexpr size_t sparse_block_rows = 128;

/// Computes rows [0, rows) of A * x, where A(i, k) = a[k * lda + i] and x
/// has the `count` nonzero entries `index`/`value`, handing each 16-row
/// vector to `epi(row, v, mask)`.
template <class Epilogue>
inline void sparse_product(const float* a, size_t lda, size_t rows, const uint32_t* index,
                           const float* value, size_t count, Epilogue& epi) {
  constexpr int vectors = static_cast<int>(sparse_block_rows / 16);
  for (size_t i = 0; i < rows; i += sparse_block_rows) {
    __mmask16 m[vectors];
    __m512 acc[vectors];
#pragma GCC unroll 8
    for (int r = 0; r < vectors; ++r) {
      m[r] = lane_mask(static_cast<std::ptrdiff_t>(rows - i) - 16 * r);
      acc[r] = _mm512_setzero_ps();
    }
    const float* block = a + i;
    for (size_t e = 0; e < count; ++e) {
      const float* column = block + static_cast<size_t>(index[e]) * lda;
      const __m512 x = _mm512_set1_ps(value[e]);
#pragma GCC unroll 8
      for (int r = 0; r < vectors; ++r)
        acc[r] = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m[r], column + 16 * r), x, acc[r]);
    }
#pragma GCC unroll 8
    for (int r = 0; r < vectors; ++r)
      if (m[r] != 0)
        epi(i + 16 * static_cast<size_t>(r), acc[r], m[r]);
  }
}

} // namespace swarm::ml::avx512

#endif // __AVX512F__
