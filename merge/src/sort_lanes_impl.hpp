#pragma once

// Sorting many small arrays at once: one array per coordinate, a block of
// coordinates side by side. Row k of a block holds value k of each lane, so
// one compare-exchange of a sorting network is a branch-free min/max/blend
// over the lanes. A per-coordinate insertion sort would instead branch on
// data, mispredict about half the time, and run several times slower.
//
// Two forms. Up to max_fixed_rows rows, the network is a compile-time
// sequence over rows of one vector register each (GCC/Clang vector
// extensions), so a whole sort runs without touching memory. Beyond that,
// rows of `lanes` floats live in L1 and the network is a runtime list.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

namespace swarm::merge::detail {

/// Lanes of a memory row in the runtime form (four AVX-512 registers).
inline constexpr size_t lanes = 64;

/// Lanes of a register row in the compile-time form: one vector register
/// of the build's target. Rows wider than the registers would make GCC
/// split every operation and, past a point, give up and go scalar (14 to
/// 60 times slower on AVX2).
#if defined(__AVX512F__)
inline constexpr size_t row_lanes = 16;
#else
inline constexpr size_t row_lanes = 8;
#endif

/// Row counts up to this use the compile-time form: 16 value rows and 16
/// weight rows fill the 32 vector registers of AVX-512. (At 32, with
/// spills, the unrolled network still sorts 1.6 times faster than the
/// runtime one, but this file then takes four times longer to compile.)
inline constexpr size_t max_fixed_rows = 16;

/// One register row of floats.
using row = float __attribute__((vector_size(row_lanes * sizeof(float))));

/// The bits of a register row.
using row_bits = uint32_t __attribute__((vector_size(row_lanes * sizeof(float))));

/// Half a register row widened to double (a whole register).
using half_wide = double __attribute__((vector_size(row_lanes * sizeof(float))));

/// A register row widened to double, in two halves.
struct wide_row {
  half_wide low;
  half_wide high;
};

/// Half a register row of floats.
using half_row = float __attribute__((vector_size(row_lanes * sizeof(float) / 2)));

inline wide_row widen(row x) noexcept {
  half_row low;
  half_row high;
  std::memcpy(&low, &x, sizeof(low));
  std::memcpy(&high, reinterpret_cast<const char*>(&x) + sizeof(low), sizeof(high));
  return {__builtin_convertvector(low, half_wide), __builtin_convertvector(high, half_wide)};
}

/// Rounds a widened row back to float.
inline row narrow(wide_row x) noexcept {
  half_row low = __builtin_convertvector(x.low, half_row);
  half_row high = __builtin_convertvector(x.high, half_row);
  row result;
  std::memcpy(&result, &low, sizeof(low));
  std::memcpy(reinterpret_cast<char*>(&result) + sizeof(low), &high, sizeof(high));
  return result;
}

/// Returns the midpoints of `a` and `b`, computed in double and rounded
/// once.
inline row midpoints(row a, row b) noexcept {
  auto x = widen(a);
  auto y = widen(b);
  return narrow({(x.low + y.low) * 0.5, (x.high + y.high) * 0.5});
}

/// Loads row_lanes coordinates from `x` into a register row (zeros past
/// `len`).
inline row load_row(const float* x, size_t len) noexcept {
  row row = {};
  if (len == row_lanes)
    std::memcpy(&row, x, sizeof(row)); // constant size: one vector load
  else
    std::memcpy(&row, x, len * sizeof(float));
  return row;
}

/// Returns non-zero lanes where `row` holds NaN or Inf.
inline row_bits non_finite_lanes(row row) noexcept {
  constexpr uint32_t exponent = 0x7f800000u;
  row_bits bits;
  std::memcpy(&bits, &row, sizeof(bits));
  return (bits & exponent) == exponent;
}

/// A comparator: after it, row `first` holds the smaller value.
using comparator = std::pair<uint32_t, uint32_t>;

/// Calls emit(i, j) for each comparator of a sorting network for `n` rows:
/// Batcher's odd-even merge sort for the next power of two, without the
/// comparators that touch rows >= n (think of those rows as +Inf: such
/// comparators never swap, so the pruned network still sorts).
/// O(n log^2 n) comparators, 63 for n = 16.
template <class Emit>
constexpr void batcher_network(size_t n, Emit&& emit) {
  size_t size = 1;
  while (size < n)
    size <<= 1;
  for (size_t p = 1; p < size; p <<= 1)
    for (size_t k = p; k >= 1; k >>= 1)
      for (size_t j = k % p; j + k < size; j += 2 * k)
        for (size_t i = 0; i < k && i + j + k < size; ++i)
          if ((i + j) / (2 * p) == (i + j + k) / (2 * p) && i + j + k < n)
            emit(i + j, i + j + k);
}

/// Returns the network for `n` rows as a list.
inline std::vector<comparator> sorting_network(size_t n) {
  std::vector<comparator> result;
  batcher_network(n, [&](size_t i, size_t j) {
    result.emplace_back(static_cast<uint32_t>(i), static_cast<uint32_t>(j));
  });
  return result;
}

/// Returns the network for N rows as a compile-time array.
template <size_t N>
constexpr auto fixed_network() {
  constexpr size_t size = [] {
    size_t count = 0;
    batcher_network(N, [&](size_t, size_t) { ++count; });
    return count;
  }();
  std::array<comparator, size> result{};
  size_t at = 0;
  batcher_network(N, [&](size_t i, size_t j) {
    result[at++] = {static_cast<uint32_t>(i), static_cast<uint32_t>(j)};
  });
  return result;
}

/// Orders each lane of memory rows `a` and `b` (smaller value into `a`).
inline void compare_exchange(float* __restrict a, float* __restrict b) noexcept {
  for (size_t l = 0; l < lanes; ++l) {
    float x = a[l];
    float y = b[l];
    a[l] = y < x ? y : x;
    b[l] = y < x ? x : y;
  }
}

/// Orders each lane of memory rows `a` and `b` and moves the payloads (the
/// contributions' weights) along with the values.
inline void compare_exchange(float* __restrict a, float* __restrict b, float* __restrict pa,
                             float* __restrict pb) noexcept {
  for (size_t l = 0; l < lanes; ++l) {
    float x = a[l];
    float y = b[l];
    float px = pa[l];
    float py = pb[l];
    bool swap = y < x;
    a[l] = swap ? y : x;
    b[l] = swap ? x : y;
    pa[l] = swap ? py : px;
    pb[l] = swap ? px : py;
  }
}

/// Sorts every lane of `values` (n memory rows), ascending, and permutes
/// `payload` (same shape, or null) alike.
inline void sort_lanes(const std::vector<comparator>& net, float* values,
                       float* payload) noexcept {
  if (payload == nullptr) {
    for (auto [i, j] : net)
      compare_exchange(values + i * lanes, values + j * lanes);
    return;
  }
  for (auto [i, j] : net)
    compare_exchange(values + i * lanes, values + j * lanes, payload + i * lanes,
                     payload + j * lanes);
}

/// Orders each lane of register rows `a` and `b`, payloads alike.
inline void compare_exchange(row& a, row& b, row& pa, row& pb) noexcept {
  auto swap = b < a;
  row x = a;
  row px = pa;
  a = swap ? b : x;
  b = swap ? x : b;
  pa = swap ? pb : px;
  pb = swap ? px : pb;
}

/// Orders each lane of register rows `a` and `b`.
inline void compare_exchange(row& a, row& b) noexcept {
  auto swap = b < a;
  row x = a;
  a = swap ? b : x;
  b = swap ? x : b;
}

template <size_t N, size_t... I>
inline void sort_rows([[maybe_unused]] row* values, row* payload,
                      std::index_sequence<I...>) noexcept {
  [[maybe_unused]] constexpr auto net = fixed_network<N>();
  if (payload == nullptr)
    (compare_exchange(values[net[I].first], values[net[I].second]), ...);
  else
    (compare_exchange(values[net[I].first], values[net[I].second], payload[net[I].first],
                      payload[net[I].second]),
     ...);
}

/// Sorts every lane of N register rows, ascending, and permutes `payload`
/// (N rows, or null) alike; the network is unrolled at compile time.
template <size_t N>
inline void sort_rows(row* values, row* payload) noexcept {
  sort_rows<N>(values, payload, std::make_index_sequence<fixed_network<N>().size()>{});
}

} // namespace swarm::merge::detail
