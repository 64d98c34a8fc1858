// Register-blocked AVX-512 matrix products for the seed's MLP shapes.
//
// Every output element is one FMA chain over the inner dimension in index
// order, whatever the tiling or the thread that computes it, so results do
// not depend on how work is split across threads. Products hand each finished
// 16-row vector to an epilogue, which fuses bias, activation, dropout or the
// plain store into the product instead of another pass over memory.
#pragma once

#ifdef __AVX512F__

#include <immintrin.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace swarm::ml::avx512 {

/// Columns per register tile: 2 x 12 accumulators leave room for the
/// operands in the 32 vector registers.
constexpr size_t tile_cols = 12;

/// Rows per register tile.
constexpr size_t tile_rows = 32;

/// Returns the lane mask for the first `remaining` of 16 rows.
inline __mmask16 lane_mask(std::ptrdiff_t remaining) {
  if (remaining >= 16)
    return static_cast<__mmask16>(0xffff);
  if (remaining <= 0)
    return 0;
  return static_cast<__mmask16>((1u << remaining) - 1);
}

/// One register tile of a product: `RV` x 16 rows and up to 12 columns of
/// sum_k A(row, k) * B(k, col) over a run of k, where A(i, k) = a[k * lda + i]
/// and B(k, c) = b[k * ldb + c].
struct tile_job {
  const float* a;
  size_t lda;
  __mmask16 m0;
  __mmask16 m1;
  const float* b;
  size_t ldb;
  size_t depth;
  size_t row;
  size_t col;
  // Partial sums of earlier k-blocks to continue from (C(i, c) at
  // c_in[c * ldc + i - row]), or null to start from zero.
  const float* c_in;
  size_t ldc;
};

/// Computes a tile and hands each 16-row vector to `epi`.
template <int RV, int NC, class Epilogue>
inline void micro_kernel(const tile_job& t, Epilogue& epi) {
  __m512 acc[RV][NC];
#pragma GCC unroll 12
  for (int c = 0; c < NC; ++c) {
    if (t.c_in != nullptr) {
      acc[0][c] = _mm512_maskz_loadu_ps(t.m0, t.c_in + c * t.ldc);
      if constexpr (RV > 1)
        acc[1][c] = _mm512_maskz_loadu_ps(t.m1, t.c_in + c * t.ldc + 16);
    } else {
      acc[0][c] = _mm512_setzero_ps();
      if constexpr (RV > 1)
        acc[1][c] = _mm512_setzero_ps();
    }
  }
  const float* a = t.a;
  const float* b = t.b;
  const size_t lda = t.lda;
  const size_t ldb = t.ldb;
  for (size_t k = t.depth; k > 0; --k, a += lda, b += ldb) {
    const __m512 a0 = _mm512_maskz_loadu_ps(t.m0, a);
    __m512 a1;
    if constexpr (RV > 1)
      a1 = _mm512_maskz_loadu_ps(t.m1, a + 16);
#pragma GCC unroll 12
    for (int c = 0; c < NC; ++c) {
      const __m512 bc = _mm512_set1_ps(b[c]);
      acc[0][c] = _mm512_fmadd_ps(a0, bc, acc[0][c]);
      if constexpr (RV > 1)
        acc[1][c] = _mm512_fmadd_ps(a1, bc, acc[1][c]);
    }
  }
#pragma GCC unroll 12
  for (int c = 0; c < NC; ++c) {
    epi(t.row, t.col + static_cast<size_t>(c), acc[0][c], t.m0);
    if constexpr (RV > 1)
      epi(t.row + 16, t.col + static_cast<size_t>(c), acc[1][c], t.m1);
  }
}

/// Dispatches a tile of `cols` <= 12 columns to the matching kernel.
template <int RV, class Epilogue>
inline void tile(const tile_job& t, size_t cols, Epilogue& epi) {
#define SWARM_TILE_CASE(n)                                                           \
  case n:                                                                            \
    micro_kernel<RV, n>(t, epi);                                                     \
    break;
  switch (cols) {
    SWARM_TILE_CASE(1)
    SWARM_TILE_CASE(2)
    SWARM_TILE_CASE(3)
    SWARM_TILE_CASE(4)
    SWARM_TILE_CASE(5)
    SWARM_TILE_CASE(6)
    SWARM_TILE_CASE(7)
    SWARM_TILE_CASE(8)
    SWARM_TILE_CASE(9)
    SWARM_TILE_CASE(10)
    SWARM_TILE_CASE(11)
    SWARM_TILE_CASE(12)
    default:
      break;
  }
#undef SWARM_TILE_CASE
}

/// The left operand of a product: either column-major (A(i, k) at
/// data[k * ld + i]) or cut into panels of 32 rows by `pack_panels`.
struct left_operand {
  /// First element.
  const float* data;
  /// Column stride when not in panels.
  size_t ld;
  /// Whether `pack_panels` laid it out.
  bool panels;

  /// Returns the first element of the 32-row block at `row` (a multiple of
  /// 32) and sets `stride` to the distance between its columns.
  const float* block(size_t row, size_t depth, size_t& stride) const {
    stride = panels ? tile_rows : ld;
    return panels ? data + row * depth : data + row;
  }
};

/// The right operand of a product: either B(k, c) at data[k * ld + c] (e.g.
/// B = X^T for a sample-major X, read in place) or tiles of 12 columns laid
/// out by `pack_columns`.
struct right_operand {
  /// First element.
  const float* data;
  /// Row stride when not packed.
  size_t ld;
  /// Whether `pack_columns` laid it out.
  bool packed;

  /// Returns the first element of the tile at column `col` (a multiple of
  /// 12) and sets `stride` to the distance between its rows.
  const float* tile(size_t col, size_t depth, size_t& stride) const {
    stride = packed ? tile_cols : ld;
    return packed ? data + col * depth : data + col;
  }
};

/// Where a k-blocked product keeps its partial sums between blocks: C(i, c)
/// at data[c * ld + i], in the coordinates the epilogue sees. Typically the
/// final destination itself.
struct partial_sums {
  /// First element, or null for a product in one pass over k.
  float* data = nullptr;
  /// Column stride.
  size_t ld = 0;
};

/// Longest run of k per pass when a product is k-blocked: a 32-row block of
/// A (32 KiB at most) and a 12-column tile of B then fit L1 together.
constexpr size_t max_depth_block = 256;

/// Computes rows [row_first, row_last) (row_first a multiple of 32) of
/// C = A * B for `n` columns, handing each finished 16-row vector to `epi`.
/// Rows outermost, so a block of A is reused from L1 across all column tiles;
/// with `partial`, deep products run in k-blocks (of a fixed length, so the
/// rounding does not depend on the caller's split of rows or columns).
template <class Epilogue>
void gemm(size_t row_first, size_t row_last, size_t n, size_t depth, const left_operand& a,
          const right_operand& b, Epilogue& epi, partial_sums partial = {}) {
  const size_t blocks
    = partial.data == nullptr ? 1 : (depth + max_depth_block - 1) / max_depth_block;
  const size_t kc = (depth + blocks - 1) / blocks;
  auto store_partial = [&](size_t row, size_t col, __m512 v, __mmask16 m) {
    _mm512_mask_storeu_ps(partial.data + col * partial.ld + row, m, v);
  };
  for (size_t i = row_first; i < row_last; i += tile_rows) {
    const auto left = static_cast<std::ptrdiff_t>(row_last - i);
    tile_job t{};
    t.m0 = lane_mask(left);
    t.m1 = lane_mask(left - 16);
    t.row = i;
    t.ldc = partial.ld;
    const float* a_block = a.block(i, depth, t.lda);
    for (size_t k = 0; k < depth; k += kc) {
      t.depth = std::min(kc, depth - k);
      t.a = a_block + k * t.lda;
      const bool last = k + t.depth == depth;
      for (size_t j = 0; j < n; j += tile_cols) {
        const size_t cols = std::min(tile_cols, n - j);
        t.b = b.tile(j, depth, t.ldb) + k * t.ldb;
        t.col = j;
        t.c_in = k == 0 ? nullptr : partial.data + j * partial.ld + i;
        if (left > 16) {
          if (last)
            tile<2>(t, cols, epi);
          else
            tile<2>(t, cols, store_partial);
        } else {
          if (last)
            tile<1>(t, cols, epi);
          else
            tile<1>(t, cols, store_partial);
        }
      }
    }
  }
}

/// Returns the floats `pack_panels` needs for `rows` rows of depth `depth`.
inline size_t panels_size(size_t rows, size_t depth) {
  return (rows + tile_rows - 1) / tile_rows * tile_rows * depth;
}

/// Copies rows [row_first, row_last) (row_first a multiple of 32) of the
/// column-major A (A(i, k) = a[k * lda + i]) into panels of 32 rows, each
/// k-major, so that a product streams each panel contiguously instead of
/// striding across pages.
inline void pack_panels(const float* a, size_t lda, size_t row_first, size_t row_last,
                        size_t depth, float* out) {
  for (size_t i = row_first; i < row_last; i += tile_rows) {
    const auto left = static_cast<std::ptrdiff_t>(row_last - i);
    const __mmask16 m0 = lane_mask(left);
    const __mmask16 m1 = lane_mask(left - 16);
    const float* src = a + i;
    float* panel = out + i * depth;
    for (size_t k = 0; k < depth; ++k, src += lda, panel += tile_rows) {
      _mm512_storeu_ps(panel, _mm512_maskz_loadu_ps(m0, src));
      _mm512_storeu_ps(panel + 16, _mm512_maskz_loadu_ps(m1, src + 16));
    }
  }
}

/// Returns the floats `pack_columns` needs for `n` columns of depth `depth`.
inline size_t packed_size(size_t n, size_t depth) {
  return (n + tile_cols - 1) / tile_cols * tile_cols * depth;
}

/// Transposes the 16 x 16 block held one row per register in `r`.
inline void transpose_16x16(__m512 (&r)[16]) {
  __m512 t[16];
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
  // Afterwards r[4g + m] holds, per 128-bit lane L, element 4L + m of rows
  // 4g .. 4g + 3.
  for (int g = 0; g < 16; g += 4) {
    const __m512d t0 = _mm512_castps_pd(t[g]);
    const __m512d t1 = _mm512_castps_pd(t[g + 1]);
    const __m512d t2 = _mm512_castps_pd(t[g + 2]);
    const __m512d t3 = _mm512_castps_pd(t[g + 3]);
    r[g] = _mm512_castpd_ps(_mm512_unpacklo_pd(t0, t2));
    r[g + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(t0, t2));
    r[g + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(t1, t3));
    r[g + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(t1, t3));
  }
  for (int m = 0; m < 4; ++m) {
    t[m] = _mm512_shuffle_f32x4(r[m], r[4 + m], 0x88);
    t[m + 4] = _mm512_shuffle_f32x4(r[m], r[4 + m], 0xdd);
    t[m + 8] = _mm512_shuffle_f32x4(r[8 + m], r[12 + m], 0x88);
    t[m + 12] = _mm512_shuffle_f32x4(r[8 + m], r[12 + m], 0xdd);
  }
  for (int m = 0; m < 4; ++m) {
    r[m] = _mm512_shuffle_f32x4(t[m], t[m + 8], 0x88);
    r[m + 8] = _mm512_shuffle_f32x4(t[m], t[m + 8], 0xdd);
    r[m + 4] = _mm512_shuffle_f32x4(t[m + 4], t[m + 12], 0x88);
    r[m + 12] = _mm512_shuffle_f32x4(t[m + 4], t[m + 12], 0xdd);
  }
}

/// Repacks the column-major `depth` x `n` matrix B (B(k, j) = b[j * ldb + k])
/// into tiles of 12 columns, each k-major, so that a tile's 12 values for one
/// k are adjacent. Works in 16 x 16 register transposes.
inline void pack_columns(const float* b, size_t ldb, size_t depth, size_t n, float* out) {
  static_assert(tile_cols <= 16);
  const auto row_mask = static_cast<__mmask16>((1u << tile_cols) - 1);
  for (size_t j = 0; j < n; j += tile_cols) {
    const size_t cols = std::min(tile_cols, n - j);
    float* tile_out = out + j * depth;
    for (size_t k = 0; k < depth; k += 16) {
      const size_t ks = std::min<size_t>(16, depth - k);
      const __mmask16 m = lane_mask(static_cast<std::ptrdiff_t>(ks));
      __m512 r[16];
      for (size_t c = 0; c < 16; ++c)
        r[c] = c < cols ? _mm512_maskz_loadu_ps(m, b + (j + c) * ldb + k) : _mm512_setzero_ps();
      transpose_16x16(r);
      for (size_t kk = 0; kk < ks; ++kk)
        _mm512_mask_storeu_ps(tile_out + (k + kk) * tile_cols, row_mask, r[kk]);
    }
  }
}

/// Returns, per lane, the high 32 bits of `stream_at(key, counter + lane)`
/// (see prng.hpp) for 16 consecutive counters.
inline __m512i stream_bits(uint64_t key, uint64_t counter) {
  const __m512i golden = _mm512_set1_epi64(static_cast<long long>(0x9e3779b97f4a7c15ULL));
  const __m512i c1 = _mm512_set1_epi64(static_cast<long long>(0xbf58476d1ce4e5b9ULL));
  const __m512i c2 = _mm512_set1_epi64(static_cast<long long>(0x94d049bb133111ebULL));
  const __m512i lanes = _mm512_set_epi64(8, 7, 6, 5, 4, 3, 2, 1);
  auto mix = [&](uint64_t first) {
    const __m512i index = _mm512_add_epi64(_mm512_set1_epi64(static_cast<long long>(first)), lanes);
    __m512i z = _mm512_add_epi64(_mm512_set1_epi64(static_cast<long long>(key)),
                                 _mm512_mullo_epi64(index, golden));
    z = _mm512_mullo_epi64(_mm512_xor_si512(z, _mm512_srli_epi64(z, 30)), c1);
    z = _mm512_mullo_epi64(_mm512_xor_si512(z, _mm512_srli_epi64(z, 27)), c2);
    z = _mm512_xor_si512(z, _mm512_srli_epi64(z, 31));
    return _mm512_cvtepi64_epi32(_mm512_srli_epi64(z, 32));
  };
  const __m256i low = mix(counter);
  const __m256i high = mix(counter + 8);
  return _mm512_inserti64x4(_mm512_castsi256_si512(low), high, 1);
}

} // namespace swarm::ml::avx512

#endif // __AVX512F__
