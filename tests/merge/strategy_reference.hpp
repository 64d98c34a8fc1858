#pragma once

// Obviously-correct (and slow) references for the merge strategies, in
// double, one coordinate at a time, plus random inputs to compare them on.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "swarm/merge/strategy.hpp"

namespace merge_test {

using namespace swarm::merge;

/// A layout: (name, shape) pairs.
using layout = std::vector<std::pair<std::string, std::vector<int64_t>>>;

/// Layouts the randomized tests run on, from one scalar-like tensor to an
/// MNIST-like stack with a short last block.
inline std::vector<layout> test_layouts() {
  return {
    {{"w", {1}}},
    {{"dense/kernel", {3, 4}}, {"dense/bias", {5}}},
    {{"dense/kernel", {17, 9}}, {"dense/bias", {9}}, {"dense_1/kernel", {9, 3}},
     {"dense_1/bias", {3}}},
    {{"conv/kernel", {3, 3, 2, 8}}, {"conv/bias", {8}}},
  };
}

/// Random models and integer weights 1..100.
struct random_inputs {
  std::vector<tensor_bundle> models;
  std::vector<contribution> inputs;

  random_inputs(std::mt19937_64& rng, const layout& shape, size_t n) : models(n) {
    std::uniform_real_distribution<float> value(-1.0f, 1.0f);
    std::uniform_int_distribution<int> weight(1, 100);
    for (auto& m : models) {
      for (const auto& [name, dims] : shape)
        m.add(name, dims, nullptr);
      for (auto& v : m.values)
        v = value(rng);
    }
    for (size_t k = 0; k < n; ++k)
      inputs.push_back({"sl-" + std::to_string(k + 1), static_cast<double>(weight(rng)),
                        &models[k]});
  }
};

/// Values and weights of coordinate `i`.
inline std::vector<std::pair<double, double>> column(const std::vector<contribution>& in,
                                                     size_t i) {
  std::vector<std::pair<double, double>> result;
  for (const auto& c : in)
    result.emplace_back(c.model->values[i], c.weight);
  return result;
}

inline double total_weight(const std::vector<contribution>& in) {
  double result = 0;
  for (const auto& c : in)
    result += c.weight;
  return result;
}

/// The weighted mean of coordinate `i`, and the sum of its terms' magnitudes
/// (the scale of float rounding errors).
inline std::pair<double, double> ref_mean(const std::vector<contribution>& in, size_t i) {
  double sum = 0;
  double scale = 0;
  auto total = total_weight(in);
  for (const auto& [v, w] : column(in, i)) {
    sum += w / total * v;
    scale += std::abs(w / total * v);
  }
  return {sum, scale};
}

/// The smallest value whose cumulative weight reaches W/2; on exactly W/2,
/// the midpoint with the next value.
inline float ref_median(const std::vector<contribution>& in, size_t i) {
  auto col = column(in, i);
  std::sort(col.begin(), col.end());
  auto half = total_weight(in) / 2;
  double cum = 0;
  for (size_t k = 0; k < col.size(); ++k) {
    cum += col[k].second;
    if (cum == half)
      return static_cast<float>((col[k].first + col[k + 1].first) * 0.5);
    if (cum > half)
      return static_cast<float>(col[k].first);
  }
  return static_cast<float>(col.back().first);
}

/// The weighted mean of coordinate `i` without the floor(trim n) lowest and
/// highest values.
inline double ref_trimmed(const std::vector<contribution>& in, size_t i, double trim) {
  auto col = column(in, i);
  std::sort(col.begin(), col.end());
  auto n = col.size();
  auto cut = static_cast<size_t>(std::floor(trim * static_cast<double>(n) + 1e-9));
  if (2 * cut >= n)
    cut = (n - 1) / 2;
  double sum = 0;
  double total = 0;
  for (size_t k = cut; k < n - cut; ++k) {
    sum += col[k].second * col[k].first;
    total += col[k].second;
  }
  return sum / total;
}

/// sum_k w_k ||x_k - z||, in double.
inline double objective(const std::vector<contribution>& in, const std::vector<double>& z) {
  double result = 0;
  for (const auto& c : in) {
    double d2 = 0;
    for (size_t i = 0; i < z.size(); ++i) {
      double d = c.model->values[i] - z[i];
      d2 += d * d;
    }
    result += c.weight * std::sqrt(d2);
  }
  return result;
}

inline std::vector<double> as_double(const std::vector<float>& x) {
  return {x.begin(), x.end()};
}

/// Plain Weiszfeld in double from `start` (default: the weighted mean),
/// run far past any sensible tolerance.
inline std::vector<double> ref_geomedian(const std::vector<contribution>& in,
                                         std::vector<double> start = {}) {
  auto count = in.front().model->values.size();
  auto z = std::move(start);
  if (z.empty()) {
    z.resize(count);
    for (size_t i = 0; i < count; ++i)
      z[i] = ref_mean(in, i).first;
  }
  for (int it = 0; it < 20000; ++it) {
    std::vector<double> next(count, 0.0);
    double total = 0;
    for (const auto& c : in) {
      double d2 = 0;
      for (size_t i = 0; i < count; ++i)
        d2 += (c.model->values[i] - z[i]) * (c.model->values[i] - z[i]);
      double coeff = c.weight / std::max(std::sqrt(d2), 1e-15);
      total += coeff;
      for (size_t i = 0; i < count; ++i)
        next[i] += coeff * c.model->values[i];
    }
    double delta2 = 0;
    for (size_t i = 0; i < count; ++i) {
      next[i] /= total;
      delta2 += (next[i] - z[i]) * (next[i] - z[i]);
    }
    z = std::move(next);
    if (delta2 < 1e-26)
      break;
  }
  return z;
}

/// Krum's scores: the sum of each model's n - f - 2 smallest squared
/// distances to the others.
inline std::vector<double> ref_krum_scores(const std::vector<contribution>& in, size_t f) {
  auto n = in.size();
  std::vector<double> result;
  for (size_t k = 0; k < n; ++k) {
    std::vector<double> d;
    for (size_t j = 0; j < n; ++j) {
      if (j == k)
        continue;
      double d2 = 0;
      for (size_t i = 0; i < in[k].model->values.size(); ++i) {
        double x = static_cast<double>(in[k].model->values[i]) - in[j].model->values[i];
        d2 += x * x;
      }
      d.push_back(d2);
    }
    std::sort(d.begin(), d.end());
    double score = 0;
    for (size_t j = 0; j < n - f - 2; ++j)
      score += d[j];
    result.push_back(score);
  }
  return result;
}

/// Indexes by ascending score, ties by index.
inline std::vector<size_t> ref_krum_order(const std::vector<double>& scores) {
  std::vector<size_t> result(scores.size());
  for (size_t k = 0; k < result.size(); ++k)
    result[k] = k;
  std::stable_sort(result.begin(), result.end(),
                   [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  return result;
}

} // namespace merge_test
