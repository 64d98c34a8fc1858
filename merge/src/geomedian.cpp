#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "kernels_impl.hpp"
#include "strategy_impl.hpp"

// The weighted geometric median: the z minimizing sum_k w_k ||x_k - z||_2,
// by Weiszfeld's iteration z <- sum_k (w_k / d_k) x_k / sum_k (w_k / d_k),
// d_k = ||x_k - z||, from the weighted mean.
//
// Shortcut: a contribution holding more than half the total weight is the
// geometric median (its subgradient condition holds by the triangle
// inequality), so it is returned as is; Weiszfeld would only crawl towards
// it linearly.
//
// Coincidence: when z lands on inputs (d_k <= 1e-12), Weiszfeld's step is
// undefined. Rather than clamping d_k (which pins z to that input whether
// or not it is optimal), this takes the Vardi-Zhang step: with C the
// coincident inputs, eta their weight, T the Weiszfeld point of the others
// and r = S ||T - z|| (S = sum of w_k / d_k outside C; r is the length of
// the others' pull), z is optimal if r <= eta; otherwise z moves to
// (1 - eta / r) T + (eta / r) z. That costs one extra pass, only then.
//
// Stopping, after each step of length delta = ||z_new - z||: delta below
// the tolerance (absolute L2, as HPE's 1e-6) or zero; the last three deltas
// equal (HPE's early stop: a cycle); or oscillation: delta has not
// decreased for three steps and z_new is within the tolerance of the
// estimate two steps back. The estimate is stored in float, so on large
// models rounding keeps delta above a tight absolute tolerance and one of
// the last two rules ends the loop. On the last two, and at the iteration
// cap, the better of the last two estimates by the objective is kept.
// Finally the input nearest to the estimate replaces it if its objective is
// no worse: when the median is an input point, Weiszfeld converges to it
// only sublinearly and stops short.
//
// Each step is one fused pass over the inputs, block by block: the new
// estimate's block is accumulated in double, rounded to float, compared
// with the current and the previous estimate, stored over the previous one,
// and the inputs' distances to it are summed while their blocks are still
// in cache. Two model-sized buffers in all.

namespace swarm::merge::detail {

namespace {

/// Coordinates per block of the fused pass (n inputs' blocks stay in L2).
constexpr size_t geo_block = 4096;

/// What one pass learns besides the new estimate.
struct pass_stats {
  /// ||x_k - z_new|| per input.
  std::vector<double> dist;
  /// ||z_new - z||, when z was given.
  double delta = 0;
  /// ||z_new - previous||, when the output buffer held the previous one.
  double back = 0;
  /// Whether `back` was measured.
  bool has_back = false;
  /// sum_k w_k ||x_k - z_new||.
  double objective = 0;
};

void accumulate(double* __restrict acc, const float* __restrict x, double c, size_t n,
                bool first) {
  if (first)
    for (size_t i = 0; i < n; ++i)
      acc[i] = c * static_cast<double>(x[i]);
  else
    for (size_t i = 0; i < n; ++i)
      acc[i] += c * static_cast<double>(x[i]);
}

/// Writes sum_k coeffs[k] x_k into `out` (which may hold the previous
/// estimate: `out_is_previous`) and measures the distances around it.
pass_stats combine(const merge_inputs& in, const std::vector<double>& coeffs, const float* z,
                   float* out, bool out_is_previous) {
  auto n = in.size();
  std::vector<double> dist2(n, 0.0);
  std::vector<double> acc(geo_block);
  std::vector<float> next(geo_block);
  double delta2 = 0;
  double back2 = 0;
  for (size_t base = 0; base < in.count; base += geo_block) {
    auto len = std::min(geo_block, in.count - base);
    bool first = true;
    for (size_t k = 0; k < n; ++k) {
      if (coeffs[k] == 0)
        continue;
      accumulate(acc.data(), in.values[k] + base, coeffs[k], len, first);
      first = false;
    }
    for (size_t i = 0; i < len; ++i)
      next[i] = static_cast<float>(acc[i]);
    if (z != nullptr)
      delta2 += sum_sq_diff(next.data(), z + base, len);
    if (out_is_previous)
      back2 += sum_sq_diff(next.data(), out + base, len);
    std::copy_n(next.data(), len, out + base);
    for (size_t k = 0; k < n; ++k)
      dist2[k] += sum_sq_diff(in.values[k] + base, next.data(), len);
  }
  pass_stats result;
  result.dist.resize(n);
  for (size_t k = 0; k < n; ++k) {
    result.dist[k] = std::sqrt(dist2[k]);
    result.objective += in.weights[k] * result.dist[k];
  }
  result.delta = std::sqrt(delta2);
  result.back = std::sqrt(back2);
  result.has_back = out_is_previous;
  return result;
}

constexpr double coincident = 1e-12;

/// One Weiszfeld (or Vardi-Zhang) step from `z` (distances `at_z`) into
/// `out`; returns nothing when z is optimal because it coincides with
/// inputs that outweigh the others' pull.
std::optional<pass_stats> step(const merge_inputs& in, const pass_stats& at_z, const float* z,
                               float* out, bool out_is_previous) {
  auto n = in.size();
  std::vector<double> coeffs(n, 0.0);
  double pull = 0;  // S
  double eta = 0;
  for (size_t k = 0; k < n; ++k) {
    if (at_z.dist[k] <= coincident) {
      eta += in.weights[k];
      continue;
    }
    coeffs[k] = in.weights[k] / at_z.dist[k];
    pull += coeffs[k];
  }
  if (pull == 0)
    return std::nullopt; // every input coincides with z
  for (auto& c : coeffs)
    c /= pull;
  if (eta == 0)
    return combine(in, coeffs, z, out, out_is_previous);
  auto towards = combine(in, coeffs, z, out, false);
  auto r = pull * towards.delta;
  if (r <= eta)
    return std::nullopt;
  auto lambda = eta / r;
  for (size_t k = 0; k < n; ++k)
    coeffs[k] = at_z.dist[k] <= coincident ? lambda * in.weights[k] / eta
                                           : (1 - lambda) * coeffs[k];
  return combine(in, coeffs, z, out, false);
}

/// Returns sum_k w_k ||x_k - x_j||: the objective at input j.
double objective_at_input(const merge_inputs& in, size_t j) {
  std::vector<double> dist2(in.size(), 0.0);
  for (size_t base = 0; base < in.count; base += geo_block) {
    auto len = std::min(geo_block, in.count - base);
    for (size_t k = 0; k < in.size(); ++k)
      if (k != j)
        dist2[k] += sum_sq_diff(in.values[j] + base, in.values[k] + base, len);
  }
  double result = 0;
  for (size_t k = 0; k < in.size(); ++k)
    result += in.weights[k] * std::sqrt(dist2[k]);
  return result;
}

/// The iteration's state: the current estimate and the one before it.
struct iteration {
  tensor_bundle buf[2];
  size_t cur = 0;
  /// Distances and objective of buf[cur].
  pass_stats now;
  /// Distances and objective of buf[1 - cur] (the previous estimate).
  pass_stats before;

  /// Makes the better of the last two estimates the current one.
  void keep_better() {
    if (before.objective < now.objective) {
      cur = 1 - cur;
      std::swap(now, before);
    }
  }
};

/// Runs Weiszfeld from the weighted mean until a stopping rule holds,
/// leaving the estimate in it.buf[it.cur]; returns the input at which the
/// estimate stopped when that input is optimal.
std::optional<size_t> run(const merge_inputs& in, iteration& it, double tolerance,
                          size_t max_iterations) {
  std::vector<double> coeffs(in.size());
  for (size_t k = 0; k < in.size(); ++k)
    coeffs[k] = in.weights[k] / in.total_weight;
  it.now = combine(in, coeffs, nullptr, it.buf[0].values.data(), false);
  it.before.objective = std::numeric_limits<double>::infinity();
  std::vector<double> deltas;
  size_t stalled = 0;
  for (size_t i = 0; i < max_iterations; ++i) {
    auto next = step(in, it.now, it.buf[it.cur].values.data(),
                     it.buf[1 - it.cur].values.data(), i > 0);
    if (!next) {
      for (size_t k = 0; k < in.size(); ++k)
        if (it.now.dist[k] <= coincident)
          return k;
      return std::nullopt;
    }
    it.cur = 1 - it.cur;
    it.before = std::move(it.now);
    it.now = std::move(*next);
    auto delta = it.now.delta;
    if (delta < tolerance || delta == 0)
      return std::nullopt;
    if (deltas.size() >= 2 && delta == deltas.back() && delta == deltas[deltas.size() - 2])
      break;
    stalled = !deltas.empty() && delta >= deltas.back() ? stalled + 1 : 0;
    if (stalled >= 3 && it.now.has_back && it.now.back < tolerance)
      break;
    deltas.push_back(delta);
  }
  it.keep_better();
  return std::nullopt;
}

} // namespace

tensor_bundle merge_geomedian(const merge_inputs& in, double tolerance,
                              size_t max_iterations) {
  auto n = in.size();
  for (size_t k = 0; k < n; ++k)
    if (in.weights[k] > in.total_weight / 2)
      return *in.contributions[k].model;
  iteration it;
  it.buf[0] = in.output();
  it.buf[1] = in.output();
  if (auto optimal = run(in, it, tolerance, max_iterations))
    return *in.contributions[*optimal].model;
  // When the median is an input point, Weiszfeld only creeps towards it
  // (sublinearly) and stops short; the nearest input then has the lower
  // objective. One more pass settles it.
  auto nearest = static_cast<size_t>(
    std::min_element(it.now.dist.begin(), it.now.dist.end()) - it.now.dist.begin());
  if (it.now.dist[nearest] > 0 && objective_at_input(in, nearest) <= it.now.objective)
    return *in.contributions[nearest].model;
  return std::move(it.buf[it.cur]);
}

} // namespace swarm::merge::detail
