#pragma once

// Sorting many small arrays at once: one array per coordinate, a block of
// coordinates side by side. Row k of a block holds value k of each lane, so
// one compare-exchange of a sorting network is a branch-free min/max/blend
// over the lanes. A per-coordinate insertion sort would instead branch on
// data, mispredict about half the time, and run several times slower.
//
// Two forms. Up to max_fixed_rows rows, the network is a compile-time
// sequence over rows of 16 lanes held in vector registers (GCC/Clang vector
// extensions), so a whole sort runs without touching memory. Beyond that,
// rows of `lanes` floats live in L1 and the network is a runtime list.

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace swarm::merge::detail {

/// Lanes of a memory row in the runtime form (four AVX-512 registers).
inline constexpr size_t lanes = 64;

/// Lanes of a register row in the compile-time form.
inline constexpr size_t row_lanes = 16;

/// Row counts up to this use the compile-time form: 16 value rows and 16
/// weight rows fill the 32 vector registers of AVX-512. (At 32, with
/// spills, the unrolled network still sorts 1.6 times faster than the
/// runtime one, but this file then takes four times longer to compile.)
inline constexpr size_t max_fixed_rows = 16;

/// One register row: 16 floats.
using row16 = float __attribute__((vector_size(64)));

/// The bits of a register row.
using row16_bits = uint32_t __attribute__((vector_size(64)));

/// Half a register row, and the same widened to double. Rows are spelled
/// out in vectors where GCC would unroll a 16-lane loop and then leave it
/// scalar (conversions between float and double, selects).
using row8 = float __attribute__((vector_size(32)));
using row8_wide = double __attribute__((vector_size(64)));

/// A register row widened to double, in two halves.
struct wide_row {
  row8_wide low;
  row8_wide high;
};

inline wide_row widen(row16 x) noexcept {
  return {__builtin_convertvector(__builtin_shufflevector(x, x, 0, 1, 2, 3, 4, 5, 6, 7),
                                  row8_wide),
          __builtin_convertvector(__builtin_shufflevector(x, x, 8, 9, 10, 11, 12, 13, 14, 15),
                                  row8_wide)};
}

/// Rounds a widened row back to float.
inline row16 narrow(wide_row x) noexcept {
  row8 low = __builtin_convertvector(x.low, row8);
  row8 high = __builtin_convertvector(x.high, row8);
  return __builtin_shufflevector(low, high, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
                                 15);
}

/// Returns the midpoints of `a` and `b`, computed in double and rounded
/// once.
inline row16 midpoints(row16 a, row16 b) noexcept {
  auto x = widen(a);
  auto y = widen(b);
  return narrow({(x.low + y.low) * 0.5, (x.high + y.high) * 0.5});
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
inline void compare_exchange(row16& a, row16& b, row16& pa, row16& pb) noexcept {
  auto swap = b < a;
  row16 x = a;
  row16 px = pa;
  a = swap ? b : x;
  b = swap ? x : b;
  pa = swap ? pb : px;
  pb = swap ? px : pb;
}

/// Orders each lane of register rows `a` and `b`.
inline void compare_exchange(row16& a, row16& b) noexcept {
  auto swap = b < a;
  row16 x = a;
  a = swap ? b : x;
  b = swap ? x : b;
}

template <size_t N, size_t... I>
inline void sort_rows([[maybe_unused]] row16* values, row16* payload,
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
inline void sort_rows(row16* values, row16* payload) noexcept {
  sort_rows<N>(values, payload, std::make_index_sequence<fixed_network<N>().size()>{});
}

} // namespace swarm::merge::detail
