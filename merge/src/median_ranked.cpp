#include <array>
#include <cstring>
#include <utility>

#include "sort_lanes_impl.hpp"
#include "strategy_impl.hpp"

// The weighted median of a few contributions, without sorting. Sorting
// carries every weight through the network and then sweeps cumulative
// weights in double; for n <= max_ranked_inputs it is cheaper to rank.
//
// Value i's rank is the set of values before it in sorted order: those
// smaller, and among equal ones those of a lower index (ties are broken by
// index; the median does not depend on how). With n - 1 other values, a
// rank is an (n - 1)-bit mask, and the weight before value i is a sum over
// that mask. As the weights are the same for every coordinate, whether
// value i is the median's low value, completes half the weight exactly
// (a tie), or is the value after such a tie depends only on (i, mask):
// three bit tables per i, computed once in double, as median.cpp sums. Per
// coordinate that leaves n(n-1)/2 comparisons, a table lookup by a
// variable shift, and selects, all branch-free over a register row.

namespace swarm::merge::detail {

namespace {

/// Bit tables of one value: bit `mask` says what the value is when `mask`
/// holds the values before it.
struct rank_tables {
  uint32_t low = 0;
  uint32_t tie = 0;
  uint32_t next = 0;
};

/// The position of value j among the values other than i.
constexpr size_t other_bit(size_t i, size_t j) noexcept { return j < i ? j : j - 1; }

template <size_t N> std::array<rank_tables, N> make_tables(const merge_inputs& in, double half) {
  std::array<rank_tables, N> tables{};
  for (size_t i = 0; i < N; ++i) {
    auto own = static_cast<double>(static_cast<float>(in.weights[i]));
    for (uint32_t mask = 0; mask < (1u << (N - 1)); ++mask) {
      double before = 0;
      for (size_t j = 0; j < N; ++j)
        if (j != i && (mask >> other_bit(i, j)) & 1u)
          before += static_cast<float>(in.weights[j]);
      double through = before + own;
      tables[i].low |= static_cast<uint32_t>(before < half && through >= half) << mask;
      tables[i].tie |= static_cast<uint32_t>(through == half) << mask;
      tables[i].next |= static_cast<uint32_t>(before == half) << mask;
    }
  }
  return tables;
}

/// All bits set in the lanes where `table` has the bit `mask` says.
inline row_bits lookup(uint32_t table, row_bits mask) noexcept {
  return -(((row_bits{} + table) >> mask) & 1u);
}

/// The weighted medians of one register row of coordinates.
template <size_t N>
row ranked_row(const row (&x)[N], const std::array<rank_tables, N>& tables) noexcept {
  row_bits rank[N] = {};
  for (size_t j = 0; j < N; ++j)
    for (size_t i = j + 1; i < N; ++i) {
      // j (the lower index) comes first when not greater.
      auto j_first = (row_bits)(x[j] <= x[i]);
      rank[i] |= j_first & (1u << other_bit(i, j));
      rank[j] |= ~j_first & (1u << other_bit(j, i));
    }
  row_bits low = {};
  row_bits next = {};
  row_bits tie = {};
  for (size_t i = 0; i < N; ++i) {
    row_bits bits;
    std::memcpy(&bits, &x[i], sizeof(bits));
    low |= lookup(tables[i].low, rank[i]) & bits;
    next |= lookup(tables[i].next, rank[i]) & bits;
    tie |= lookup(tables[i].tie, rank[i]);
  }
  row lo;
  row hi;
  std::memcpy(&lo, &low, sizeof(lo));
  std::memcpy(&hi, &next, sizeof(hi));
  return tie != 0 ? midpoints(lo, hi) : lo;
}

template <size_t N> expected<tensor_bundle> ranked_median(const merge_inputs& in, double half) {
  auto tables = make_tables<N>(in, half);
  auto result = in.empty_output();
  constexpr size_t chunk = 4096;
  static_assert(chunk % row_lanes == 0);
  alignas(64) float out[chunk];
  row_bits bad = {};
  for (size_t base = 0; base < in.count; base += chunk) {
    auto chunk_len = std::min(chunk, in.count - base);
    for (size_t at = 0; at < chunk_len; at += row_lanes) {
      auto len = std::min(row_lanes, chunk_len - at);
      row x[N];
      for (size_t k = 0; k < N; ++k) {
        x[k] = load_row(in.values[k] + base + at, len);
        bad |= non_finite_lanes(x[k]);
      }
      auto medians = ranked_row<N>(x, tables);
      std::memcpy(out + at, &medians, sizeof(medians));
    }
    result.values.insert(result.values.end(), out, out + chunk_len);
  }
  for (size_t l = 0; l < row_lanes; ++l)
    if (bad[l] != 0) {
      if (auto ok = first_non_finite_input(in); !ok)
        return ok.error();
      break;
    }
  return result;
}

template <size_t... I>
expected<tensor_bundle> dispatch(const merge_inputs& in, double half, std::index_sequence<I...>) {
  using form = expected<tensor_bundle> (*)(const merge_inputs&, double);
  static constexpr form forms[] = {&ranked_median<I + 2>...};
  return forms[in.size() - 2](in, half);
}

} // namespace

expected<tensor_bundle> ranked_weighted_median(const merge_inputs& in, double half) {
  return dispatch(in, half, std::make_index_sequence<max_ranked_inputs - 1>{});
}

} // namespace swarm::merge::detail
