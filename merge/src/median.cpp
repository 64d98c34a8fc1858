#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels_impl.hpp"
#include "sort_lanes_impl.hpp"
#include "strategy_impl.hpp"

// Coordinate-wise strategies: the weighted median and the trimmed mean.
// Both sort, per coordinate, the n contributions' values: a block of
// coordinates is transposed into n rows, sorted side by side with a sorting
// network (sort_lanes_impl.hpp) and reduced row by row. When the
// weights differ, a second set of rows carries each value's weight through
// the sort. Weights travel as float (relative error 6e-8; integer weights
// below 2^24 are exact): a float payload costs the network half of what a
// double one would, and a per-row lookup by index would be a gather.
//
// The weighted median. Sort the values with their weights; the median is
// the smallest value v whose cumulative weight reaches half the total, W/2.
// When the cumulative weight at v equals W/2 exactly, the median is the
// midpoint of v and the next value, so that equal weights and an even n
// give the usual mean of the two middle values. Cumulative weights are
// summed in double in sorted order, and W in the contributions' order;
// integer weights make the tie exact. Whole weights whose total is below
// 2^24 are summed in float instead: every partial sum is then exact in
// both, so the rows picked are the same, for a quarter of the work.
// Midpoints are computed in double and rounded once to float.
//
// Two shortcuts skip the sort: a weighted median of up to five models ranks
// instead (median_ranked.cpp), and a trimmed mean that trims nothing (fewer
// models than 1 / trim_fraction) is the weighted mean.
//
// Non-finite values are detected on the rows while they are in L1; only
// then are the inputs scanned for the exact error (first_non_finite_input),
// which spares a separate validation pass over every input.

namespace swarm::merge::detail {

namespace {

/// Writes the midpoints of `Lanes` pairs (a multiple of row_lanes).
/// In vectors: GCC unrolls the plain loops and then leaves them scalar.
template <size_t Lanes>
void write_midpoints(const float* a, const float* b, float* out) noexcept {
  static_assert(Lanes % row_lanes == 0);
  for (size_t l = 0; l < Lanes; l += row_lanes) {
    row x;
    row y;
    std::memcpy(&x, a + l, sizeof(x));
    std::memcpy(&y, b + l, sizeof(y));
    auto mid = midpoints(x, y);
    std::memcpy(out + l, &mid, sizeof(mid));
  }
}

/// The weighted median of sorted rows of `Lanes` values.
struct median_reducer {
  size_t n;
  /// Half the total weight (unused when the weights are equal).
  double half;
  bool weighted;
  /// Whether every weight is a whole number and their total is below
  /// 2^24: then every cumulative weight, and half the total, is exact in
  /// float, and a float sweep picks the same rows as a double one.
  bool exact_in_float = false;

  template <size_t Lanes>
  void reduce(const float* rows, const float* weights, float* out) const noexcept {
    if (!weighted)
      middle<Lanes>(rows, out);
    else if (exact_in_float)
      weighted_median_float<Lanes>(rows, weights, out);
    else
      weighted_median<Lanes>(rows, weights, out);
  }

  /// Equal weights: the middle row, or the midpoint of the two middle rows.
  template <size_t Lanes>
  void middle(const float* rows, float* out) const noexcept {
    const float* hi = rows + (n / 2) * Lanes;
    if (n % 2 == 1)
      std::copy_n(hi, Lanes, out);
    else
      write_midpoints<Lanes>(hi - Lanes, hi, out);
  }

  /// Cumulative weights increase down the rows, so the median's row is the
  /// one where the cumulative weight first reaches `half`, and on a tie
  /// (exactly `half`) the next row holds the value to average with. Both
  /// are picked up in one branch-free sweep, in double vectors (a plain
  /// per-lane loop mixing float and double stays scalar).
  template <size_t Lanes>
  void weighted_median(const float* rows, const float* weights, float* out) const noexcept {
    static_assert(Lanes % row_lanes == 0);
    for (size_t l = 0; l < Lanes; l += row_lanes) {
      wide_row lo = widen(row{});
      wide_row hi = lo;
      wide_row tie = lo;
      wide_row cum = lo;
      for (size_t k = 0; k < n; ++k) {
        row v;
        row w;
        std::memcpy(&v, rows + k * Lanes + l, sizeof(v));
        std::memcpy(&w, weights + k * Lanes + l, sizeof(w));
        auto wv = widen(v);
        auto ww = widen(w);
        sweep(cum.low, wv.low, ww.low, lo.low, hi.low, tie.low);
        sweep(cum.high, wv.high, ww.high, lo.high, hi.high, tie.high);
      }
      // Midpoints in double, rounded once; lo itself is a float already.
      wide_row mid{(lo.low + hi.low) * 0.5, (lo.high + hi.high) * 0.5};
      wide_row pick{tie.low != 0 ? mid.low : lo.low, tie.high != 0 ? mid.high : lo.high};
      auto result = narrow(pick);
      std::memcpy(out + l, &result, sizeof(result));
    }
  }

  /// weighted_median for weights exact in float: the same sweep on whole
  /// float rows, a quarter of the double sweep's instructions.
  template <size_t Lanes>
  void weighted_median_float(const float* rows, const float* weights,
                             float* out) const noexcept {
    static_assert(Lanes % row_lanes == 0);
    const row h = row{} + static_cast<float>(half);
    for (size_t l = 0; l < Lanes; l += row_lanes) {
      row lo = {};
      row hi = {};
      row cum = {};
      row_bits tie = {};
      for (size_t k = 0; k < n; ++k) {
        row v;
        row w;
        std::memcpy(&v, rows + k * Lanes + l, sizeof(v));
        std::memcpy(&w, weights + k * Lanes + l, sizeof(w));
        row before = cum;
        cum = before + w;
        auto reaches = (before < h) & (cum >= h);
        lo = reaches ? v : lo;
        hi = before == h ? v : hi;
        tie |= cum == h;
      }
      row result = tie != 0 ? midpoints(lo, hi) : lo;
      std::memcpy(out + l, &result, sizeof(result));
    }
  }

  /// One row of the sweep on half a register row.
  void sweep(half_wide& cum, half_wide v, half_wide w, half_wide& lo, half_wide& hi,
             half_wide& tie) const noexcept {
    half_wide before = cum;
    half_wide c = before + w;
    auto reaches = (before < half) & (c >= half);
    lo = reaches ? v : lo;
    hi = before == half ? v : hi;
    tie = c == half ? half_wide{} + 1.0 : tie;
    cum = c;
  }
};

/// The weighted mean of sorted rows [first, last).
struct trimmed_reducer {
  size_t first;
  size_t last;
  bool weighted;

  template <size_t Lanes>
  void reduce(const float* rows, const float* weights, float* out) const noexcept {
    static_assert(Lanes % row_lanes == 0);
    for (size_t l = 0; l < Lanes; l += row_lanes) {
      wide_row sum = {};
      wide_row total = {};
      for (size_t k = first; k < last; ++k) {
        row v;
        row w = row{} + 1.0f;
        std::memcpy(&v, rows + k * Lanes + l, sizeof(v));
        if (weighted)
          std::memcpy(&w, weights + k * Lanes + l, sizeof(w));
        auto wv = widen(v);
        auto ww = widen(w);
        sum.low += ww.low * wv.low;
        sum.high += ww.high * wv.high;
        total.low += ww.low;
        total.high += ww.high;
      }
      auto mean = narrow({sum.low / total.low, sum.high / total.high});
      std::memcpy(out + l, &mean, sizeof(mean));
    }
  }
};

/// The weights as the rows carry them; empty when they are all equal (the
/// unweighted fast path).
std::vector<float> row_weights(const merge_inputs& in) {
  std::vector<float> result;
  if (!in.equal_weights)
    for (auto w : in.weights)
      result.push_back(static_cast<float>(w));
  return result;
}

/// Reports a non-finite value seen in a block, or returns the result.
expected<tensor_bundle> finish(const merge_inputs& in, tensor_bundle result, bool non_finite) {
  if (non_finite)
    if (auto ok = first_non_finite_input(in); !ok)
      return ok.error();
  return result;
}

/// The runtime form: blocks of `lanes` coordinates in memory rows.
template <class Reducer>
expected<tensor_bundle> sort_in_memory(const merge_inputs& in, const std::vector<float>& weights,
                                       const Reducer& reducer) {
  auto n = in.size();
  auto result = in.empty_output();
  auto net = sorting_network(n);
  std::vector<float> rows(n * lanes);
  std::vector<float> payload(n * lanes);
  float* pay = weights.empty() ? nullptr : payload.data();
  float out[lanes];
  bool non_finite = false;
  for (size_t base = 0; base < in.count; base += lanes) {
    auto len = std::min(lanes, in.count - base);
    for (size_t k = 0; k < n; ++k) {
      float* row = rows.data() + k * lanes;
      std::memcpy(row, in.values[k] + base, len * sizeof(float));
      std::fill(row + len, row + lanes, 0.0f);
      non_finite = non_finite || any_non_finite(row, lanes);
      if (pay != nullptr)
        std::fill_n(pay + k * lanes, lanes, weights[k]);
    }
    sort_lanes(net, rows.data(), pay);
    reducer.template reduce<lanes>(rows.data(), payload.data(), out);
    result.values.insert(result.values.end(), out, out + len);
  }
  return finish(in, std::move(result), non_finite);
}

/// Coordinates per output chunk of the compile-time form: reduced into a
/// small buffer and appended to the output in one go.
constexpr size_t out_chunk = 4096;
static_assert(out_chunk % row_lanes == 0);

/// The compile-time form for N contributions: blocks of row_lanes coordinates in
/// register rows.
template <size_t N, class Reducer>
expected<tensor_bundle> sort_in_registers(const merge_inputs& in,
                                          const std::vector<float>& weights,
                                          const Reducer& reducer) {
  auto result = in.empty_output();
  row values[N];
  row payload[N] = {};
  row* pay = weights.empty() ? nullptr : payload;
  alignas(64) float rows[N * row_lanes];
  alignas(64) float weight_rows[N * row_lanes] = {};
  std::vector<float> out(out_chunk);
  row_bits bad = {};
  for (size_t chunk = 0; chunk < in.count; chunk += out_chunk) {
    auto chunk_len = std::min(out_chunk, in.count - chunk);
    for (size_t at = 0; at < chunk_len; at += row_lanes) {
      auto len = std::min(row_lanes, chunk_len - at);
      for (size_t k = 0; k < N; ++k) {
        values[k] = load_row(in.values[k] + chunk + at, len);
        bad |= non_finite_lanes(values[k]);
        if (pay != nullptr)
          payload[k] = row{} + weights[k];
      }
      sort_rows<N>(values, pay);
      std::memcpy(rows, values, sizeof(rows));
      if (pay != nullptr)
        std::memcpy(weight_rows, payload, sizeof(weight_rows));
      // out_chunk is a multiple of row_lanes: room for a whole block.
      reducer.template reduce<row_lanes>(rows, weight_rows, out.data() + at);
    }
    result.values.insert(result.values.end(), out.data(), out.data() + chunk_len);
  }
  bool non_finite = false;
  for (size_t l = 0; l < row_lanes; ++l)
    non_finite = non_finite || bad[l] != 0;
  return finish(in, std::move(result), non_finite);
}

template <class Reducer, size_t... I>
expected<tensor_bundle> sort_and_reduce(const merge_inputs& in, const Reducer& reducer,
                                        std::index_sequence<I...>) {
  using form =
    expected<tensor_bundle> (*)(const merge_inputs&, const std::vector<float>&, const Reducer&);
  static constexpr form in_registers[] = {&sort_in_registers<I + 1, Reducer>...};
  auto weights = row_weights(in);
  if (in.size() <= sizeof...(I))
    return in_registers[in.size() - 1](in, weights, reducer);
  return sort_in_memory(in, weights, reducer);
}

/// Sorts every coordinate's values (with their weights when they differ)
/// and reduces them with `reducer`.
template <class Reducer>
expected<tensor_bundle> sort_and_reduce(const merge_inputs& in, const Reducer& reducer) {
  return sort_and_reduce(in, reducer, std::make_index_sequence<max_fixed_rows>{});
}

} // namespace

expected<tensor_bundle> merge_coordmedian(const merge_inputs& in) {
  double total = 0;
  for (auto w : in.weights)
    total += static_cast<float>(w);
  if (!in.equal_weights && in.size() >= 2 && in.size() <= max_ranked_inputs)
    return ranked_weighted_median(in, total / 2);
  median_reducer reducer{in.size(), total / 2, !in.equal_weights};
  auto whole = [](double w) {
    auto f = static_cast<float>(w);
    return f == std::floor(f);
  };
  reducer.exact_in_float =
    total < 16777216.0 && std::all_of(in.weights.begin(), in.weights.end(), whole);
  return sort_and_reduce(in, reducer);
}

expected<tensor_bundle> merge_trimmedmean(const merge_inputs& in, double trim_fraction) {
  auto n = in.size();
  // The epsilon keeps products such as 0.29 * 100 = 28.999999999999996
  // from dropping one value fewer than the fraction says.
  auto trim = static_cast<size_t>(std::floor(trim_fraction * static_cast<double>(n) + 1e-9));
  if (2 * trim >= n)
    trim = (n - 1) / 2;
  // Nothing to trim (fewer than 1 / trim_fraction contributions): the
  // weighted mean, without sorting.
  if (trim == 0)
    return merge_mean(in);
  return sort_and_reduce(in, trimmed_reducer{trim, n - trim, !in.equal_weights});
}

} // namespace swarm::merge::detail
