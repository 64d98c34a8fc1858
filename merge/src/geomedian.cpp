#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include <Eigen/Dense>

#include "strategy_impl.hpp"

// The weighted geometric median: the z minimizing sum_k w_k ||x_k - z||_2,
// by Weiszfeld's iteration z <- sum_k (w_k / d_k) x_k / sum_k (w_k / d_k),
// d_k = ||x_k - z||, from the weighted mean.
//
// In the space of coefficients. Every estimate is a combination
// z = sum_k b_k x_k with sum_k b_k = 1, and a step needs of z only its
// distances to the inputs. With G the Gram matrix of the inputs'
// differences to the first one, G_ij = <x_i - x_0, x_j - x_0>:
//   ||z - x_j||^2 = b'Gb - 2 (Gb)_j + G_jj,
// and a step from b to b' has length ||z' - z||^2 = e'Ge (e = b' - b, whose
// entries sum to zero, so x_0 cancels). One pass over the inputs builds G
// (n x n, in double); the iteration then runs on n coefficients, to the
// same tolerance and under the same rules as on the models themselves; one
// more pass writes the estimate (the first one also finds any NaN or
// infinity). A model-sized pass per step, up to 100, made this strategy
// hundreds of times slower than the mean.
//
// Shortcut: a contribution holding more than half the total weight is the
// geometric median (its subgradient condition holds by the triangle
// inequality), so it is returned as is; Weiszfeld would only crawl towards
// it linearly.
//
// Coincidence: when z lands on inputs (d_k within 1e-6 of the inputs'
// spread, above the rounding of distances from G), Weiszfeld's step is
// undefined (or, a rounding error away, pins z there). Rather than
// clamping d_k (which pins z to that input whether or not it is
// optimal), this takes the Vardi-Zhang step: with C the
// coincident inputs, eta their weight, T the Weiszfeld point of the others
// and r = S ||T - z|| (S = sum of w_k / d_k outside C; r is the length of
// the others' pull), z is optimal if r <= eta (the input is returned as
// is); otherwise z moves to (1 - eta / r) T + (eta / r) z.
//
// Stopping, after each step of length delta = ||z_new - z||: delta below
// the tolerance (absolute L2, as HPE's 1e-6) or zero; the last three deltas
// equal (HPE's early stop: a cycle); or oscillation: delta has not
// decreased for three steps and z_new is within the tolerance of the
// estimate two steps back. On the last two, and at the iteration cap, the
// better of the last two estimates by the objective is kept. Finally the
// input nearest to the estimate replaces it if its objective is no worse:
// when the median is an input point, Weiszfeld converges to it only
// sublinearly and stops short.

namespace swarm::merge::detail {

namespace {

using matrix = Eigen::MatrixXd;
using vector = Eigen::VectorXd;
using index = Eigen::Index;

/// Coordinates per block of the Gram pass (n rows of 8 KiB stay in L2).
constexpr size_t geo_block = 1024;

/// Distances at or below this share of the inputs' spread (or 1e-12)
/// count as zero: z is on that input. Distances from G carry rounding
/// errors of about 1e-8 of the spread (a square root of the error of
/// its sums), so a z on an input seldom measures exactly zero from it.
constexpr double coincident_share = 1e-6;

/// Four doubles, one AVX register where the target has them (GCC's and
/// Clang's generic vectors: no intrinsics, any target).
typedef double lanes __attribute__((vector_size(4 * sizeof(double))));

lanes load(const double* x) noexcept {
  lanes v;
  std::memcpy(&v, x, sizeof(v));
  return v;
}

/// Adds sum_i x_i y_j,i over `len` doubles (a multiple of 8) to sums[j]
/// for the four rows y_j: x is loaded once for all four, and two sums per
/// row overlap the additions. The order is fixed, so every node that
/// merges the same inputs gets the same bits.
void dot4(const double* x, const double* const y[4], size_t len, double sums[4]) noexcept {
  lanes s[8] = {};
  for (size_t i = 0; i < len; i += 8) {
    auto lo = load(x + i);
    auto hi = load(x + i + 4);
    for (int j = 0; j < 4; ++j) {
      s[2 * j] += lo * load(y[j] + i);
      s[2 * j + 1] += hi * load(y[j] + i + 4);
    }
  }
  for (int j = 0; j < 4; ++j) {
    lanes t = s[2 * j] + s[2 * j + 1];
    sums[j] += (t[0] + t[1]) + (t[2] + t[3]);
  }
}

/// Returns G_ij = <x_i - x_0, x_j - x_0>, summed in double block by block:
/// the block's differences are formed once, in double, and the pairs' dot
/// products run over them four at a time while they are in cache.
matrix difference_gram(const merge_inputs& in) {
  auto n = in.size();
  // Row 0 (x_0 - x_0) and rows past n stay zero; rows are padded to whole
  // groups of 8.
  auto rows = n + 3;
  std::vector<double> diff(rows * geo_block, 0.0);
  matrix g = matrix::Zero(static_cast<index>(rows), static_cast<index>(rows));
  const float* origin = in.values[0];
  for (size_t base = 0; base < in.count; base += geo_block) {
    auto len = std::min(geo_block, in.count - base);
    auto padded = (len + 7) / 8 * 8;
    for (size_t k = 1; k < n; ++k) {
      double* row = diff.data() + k * geo_block;
      const float* x = in.values[k] + base;
      for (size_t i = 0; i < len; ++i)
        row[i] = static_cast<double>(x[i]) - static_cast<double>(origin[base + i]);
      std::fill(row + len, row + padded, 0.0);
    }
    for (size_t a = 1; a < n; ++a)
      for (size_t b = a; b < n; b += 4) {
        const double* ys[4];
        double sums[4];
        for (size_t j = 0; j < 4; ++j) {
          ys[j] = diff.data() + (b + j) * geo_block;
          sums[j] = g(static_cast<index>(a), static_cast<index>(b + j));
        }
        dot4(diff.data() + a * geo_block, ys, padded, sums);
        for (size_t j = 0; j < 4; ++j)
          g(static_cast<index>(a), static_cast<index>(b + j)) = sums[j];
      }
  }
  matrix result = g.topLeftCorner(static_cast<index>(n), static_cast<index>(n));
  return result.selfadjointView<Eigen::Upper>();
}

/// An estimate z = sum_k beta_k x_k, its distances to the inputs and
/// objective sum_k w_k d_k.
struct estimate {
  vector beta;
  vector dist;
  double objective = std::numeric_limits<double>::infinity();
};

/// The problem in the space of coefficients.
struct problem {
  matrix g;
  vector w;
  /// Distances at or below this count as zero.
  double coincident = 1e-12;

  problem(matrix gram, vector weights) : g(std::move(gram)), w(std::move(weights)) {
    auto spread = std::sqrt(std::max(0.0, g.diagonal().maxCoeff()));
    coincident = std::max(coincident, coincident_share * spread);
  }

  estimate at(vector beta) const {
    vector gb = g * beta;
    double bgb = beta.dot(gb);
    estimate e;
    e.dist.resize(w.size());
    for (index k = 0; k < w.size(); ++k)
      e.dist[k] = std::sqrt(std::max(0.0, bgb - 2 * gb[k] + g(k, k)));
    e.objective = w.dot(e.dist);
    e.beta = std::move(beta);
    return e;
  }

  /// Returns ||z_b - z_a||.
  double length(const vector& a, const vector& b) const {
    vector e = b - a;
    return std::sqrt(std::max(0.0, e.dot(g * e)));
  }

  /// Returns sum_k w_k ||x_k - x_j||: the objective at input j.
  double objective_at_input(index j) const {
    double result = 0;
    for (index k = 0; k < w.size(); ++k)
      result += w[k] * std::sqrt(std::max(0.0, g(k, k) + g(j, j) - 2 * g(k, j)));
    return result;
  }

  /// One Weiszfeld (or Vardi-Zhang) step from `z`; returns nothing when z
  /// is optimal because it coincides with inputs that outweigh the
  /// others' pull.
  std::optional<vector> step(const estimate& z) const {
    auto n = w.size();
    vector c = vector::Zero(n);
    double pull = 0; // S
    double eta = 0;
    for (index k = 0; k < n; ++k) {
      if (z.dist[k] <= coincident) {
        eta += w[k];
        continue;
      }
      c[k] = w[k] / z.dist[k];
      pull += c[k];
    }
    if (pull == 0)
      return std::nullopt; // every input coincides with z
    c /= pull;
    if (eta == 0)
      return c;
    auto r = pull * length(z.beta, c);
    if (r <= eta)
      return std::nullopt;
    auto lambda = eta / r;
    for (index k = 0; k < n; ++k)
      c[k] = z.dist[k] <= coincident ? lambda * w[k] / eta : (1 - lambda) * c[k];
    return c;
  }
};

/// Where the iteration stopped: an estimate, or an input that is optimal.
struct outcome {
  estimate z;
  std::optional<index> optimal_input;
};

/// Runs Weiszfeld from the weighted mean until a stopping rule holds.
outcome run(const problem& p, double tolerance, size_t max_iterations) {
  estimate now = p.at(p.w / p.w.sum());
  estimate before;
  std::vector<double> deltas;
  size_t stalled = 0;
  for (size_t i = 0; i < max_iterations; ++i) {
    auto next = p.step(now);
    if (!next) {
      for (index k = 0; k < p.w.size(); ++k)
        if (now.dist[k] <= p.coincident)
          return {std::move(now), k};
      return {std::move(now), std::nullopt};
    }
    auto delta = p.length(now.beta, *next);
    bool has_back = i > 0;
    auto back = has_back ? p.length(before.beta, *next) : 0.0;
    before = std::exchange(now, p.at(std::move(*next)));
    if (delta < tolerance || delta == 0)
      return {std::move(now), std::nullopt};
    if (deltas.size() >= 2 && delta == deltas.back() && delta == deltas[deltas.size() - 2])
      break;
    stalled = !deltas.empty() && delta >= deltas.back() ? stalled + 1 : 0;
    if (stalled >= 3 && has_back && back < tolerance)
      break;
    deltas.push_back(delta);
  }
  if (before.objective < now.objective)
    std::swap(now, before);
  return {std::move(now), std::nullopt};
}

} // namespace

expected<tensor_bundle> merge_geomedian(const merge_inputs& in, double tolerance,
                                        size_t max_iterations) {
  auto n = in.size();
  for (size_t k = 0; k < n; ++k)
    if (in.weights[k] > in.total_weight / 2) {
      if (auto ok = first_non_finite_input(in); !ok)
        return ok.error();
      return *in.contributions[k].model;
    }
  problem p{difference_gram(in), vector::Map(in.weights.data(), static_cast<index>(n))};
  // A NaN or infinity in any input makes G non-finite (float values cannot
  // overflow it in double): the inputs need no separate pass.
  if (!p.g.allFinite()) {
    if (auto ok = first_non_finite_input(in); !ok)
      return ok.error();
    return make_error(errc::invalid_argument, "the geometric median's distances overflow");
  }
  auto [z, optimal] = run(p, tolerance, max_iterations);
  if (optimal)
    return *in.contributions[static_cast<size_t>(*optimal)].model;
  // When the median is an input point, Weiszfeld only creeps towards it
  // (sublinearly) and stops short; the nearest input then has the lower
  // objective, and is returned bit for bit.
  index nearest = 0;
  z.dist.minCoeff(&nearest);
  if (z.dist[nearest] <= p.coincident || p.objective_at_input(nearest) <= z.objective)
    return *in.contributions[static_cast<size_t>(nearest)].model;
  // The estimate, written as the mean is (float coefficients summing to
  // one within rounding, float sums): an error of a few ulps, far inside
  // the tolerance, at the speed of the mean.
  std::vector<float> coeffs(n);
  for (size_t k = 0; k < n; ++k)
    coeffs[k] = static_cast<float>(z.beta[static_cast<index>(k)]);
  auto result = in.reused_output();
  if (weighted_sum(in.values, coeffs, in.count, result.values))
    return make_error(errc::invalid_argument, "the geometric median overflows float");
  return result;
}

} // namespace swarm::merge::detail
