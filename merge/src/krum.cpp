#include <algorithm>
#include <numeric>

#include "kernels_impl.hpp"
#include "strategy_impl.hpp"

// Krum (Blanchard et al., 2017): each model's score is the sum of squared
// L2 distances to its n - f - 2 nearest other models; Krum returns the model
// with the lowest score (ties: the lowest index), Multi-Krum the weighted
// mean of the m lowest-scoring ones. Scores ignore the weights: a byzantine
// peer must not buy influence over the selection by claiming a large
// weight; the weights only matter in Multi-Krum's average. merge_models
// has already checked n >= 2f + 3 and 1 <= m <= n.
//
// The n (n - 1) / 2 distances come from one pass over the inputs: per block
// of krum_block coordinates, every pair's squared difference is summed (in
// double) while all n blocks sit in L2.

namespace swarm::merge::detail {

namespace {

constexpr size_t krum_block = 4096;

/// Returns the n x n matrix of squared distances, row-major.
std::vector<double> pairwise_sq_distances(const merge_inputs& in) {
  auto n = in.size();
  std::vector<double> d2(n * n, 0.0);
  for (size_t base = 0; base < in.count; base += krum_block) {
    auto len = std::min(krum_block, in.count - base);
    for (size_t i = 0; i < n; ++i)
      for (size_t j = i + 1; j < n; ++j)
        d2[i * n + j] += sum_sq_diff(in.values[i] + base, in.values[j] + base, len);
  }
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < i; ++j)
      d2[i * n + j] = d2[j * n + i];
  return d2;
}

/// Returns Krum's score of every model: the sum of its `nearest` smallest
/// distances to the others, added smallest first.
std::vector<double> scores(const std::vector<double>& d2, size_t n, size_t nearest) {
  std::vector<double> result(n, 0.0);
  std::vector<double> row;
  for (size_t k = 0; k < n; ++k) {
    row.clear();
    for (size_t j = 0; j < n; ++j)
      if (j != k)
        row.push_back(d2[k * n + j]);
    std::sort(row.begin(), row.end());
    for (size_t j = 0; j < nearest; ++j)
      result[k] += row[j];
  }
  return result;
}

} // namespace

expected<tensor_bundle> merge_krum(const merge_inputs& in, size_t byzantine, bool multi,
                                   size_t multi_count) {
  auto n = in.size();
  auto score = scores(pairwise_sq_distances(in), n, n - byzantine - 2);
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return score[a] < score[b]; });
  if (!multi)
    return *in.contributions[order.front()].model;
  // Average in the contributions' order, not the score order, so that the
  // result is the plain weighted mean of the selected set.
  std::vector<size_t> chosen(order.begin(), order.begin() + static_cast<ptrdiff_t>(multi_count));
  std::sort(chosen.begin(), chosen.end());
  double total = 0;
  for (auto k : chosen)
    total += in.weights[k];
  std::vector<const float*> xs;
  std::vector<float> coeffs;
  for (auto k : chosen) {
    xs.push_back(in.values[k]);
    coeffs.push_back(static_cast<float>(in.weights[k] / total));
  }
  auto result = in.reused_output();
  if (weighted_sum(xs, coeffs, in.count, result.values))
    return make_error(errc::invalid_argument,
                      "the Multi-Krum mean overflows float (inputs near FLT_MAX)");
  return result;
}

} // namespace swarm::merge::detail
