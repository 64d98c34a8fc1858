#pragma once

// The strategies behind merge_models, on inputs it has already validated.

#include <cstddef>
#include <span>
#include <vector>

#include "swarm/common/error.hpp"
#include "swarm/merge/strategy.hpp"

namespace swarm::merge::detail {

/// The validated inputs of a merge, flattened for the kernels: every model
/// has the first one's layout, and every weight is finite and positive.
struct merge_inputs {
  /// The contributions, in the caller's order (the order of summation).
  std::span<const contribution> contributions;
  /// Each contribution's values.
  std::vector<const float*> values;
  /// Each contribution's weight.
  std::vector<double> weights;
  /// The sum of `weights`, in order.
  double total_weight = 0;
  /// Elements per model.
  size_t count = 0;
  /// Whether all weights are equal, so that the unweighted fast paths of
  /// the per-coordinate strategies give the same result.
  bool equal_weights = false;
  /// Storage the caller offers for the output (merge_models_into); taken
  /// by empty_output when it is large enough.
  std::vector<float>* recycled = nullptr;

  /// Returns the number of contributions.
  size_t size() const noexcept {
    return values.size();
  }

  /// Returns a bundle with the common layout and zero values.
  tensor_bundle output() const {
    return zeros_like(*contributions.front().model);
  }

  /// Returns a bundle with the common layout and no values yet, but room
  /// for all: single-pass strategies append their output block by block,
  /// which spares zero-filling it first (a whole extra pass, plus reading
  /// the zeros back). Large outputs are prefaulted in one call, unless
  /// `recycled` storage (already mapped) is large enough.
  tensor_bundle empty_output() const;

  /// Returns `recycled` storage that already holds `count` values (the
  /// previous merged model), to be overwritten in place: appending to it
  /// would copy every block once more. Otherwise returns empty_output().
  tensor_bundle reused_output() const;
};

/// Writes sum_k coeffs[k] * xs[k][i] for i < count into `out` (in place
/// when it holds `count` values, else appended to it), in float,
/// the terms added in the order of `xs`; returns whether any output value
/// is NaN or infinite (which, as the coefficients are not negative, means
/// an input value was, or the sum overflowed).
bool weighted_sum(std::span<const float* const> xs, std::span<const float> coeffs, size_t count,
                  std::vector<float>& out);

/// Runs check_finite on every contribution in order and returns the first
/// failure; called once a kernel saw a non-finite output, so that the error
/// is the one validating up front would have given.
status first_non_finite_input(const merge_inputs& in);

/// The weighted mean.
expected<tensor_bundle> merge_mean(const merge_inputs& in);

/// The weighted median per coordinate.
expected<tensor_bundle> merge_coordmedian(const merge_inputs& in);

/// Contribution counts up to this take ranked_weighted_median.
inline constexpr size_t max_ranked_inputs = 5;

/// The weighted median per coordinate by ranking rather than sorting, for
/// 2 to max_ranked_inputs contributions with unequal weights; `half` is
/// half their total weight, summed as float weights in double.
expected<tensor_bundle> ranked_weighted_median(const merge_inputs& in, double half);

/// The weighted mean per coordinate after trimming `trim_fraction` of the
/// contributions at each end.
expected<tensor_bundle> merge_trimmedmean(const merge_inputs& in, double trim_fraction);

/// The weighted geometric median (Weiszfeld with the Vardi-Zhang step);
/// checks the inputs' finiteness itself.
expected<tensor_bundle> merge_geomedian(const merge_inputs& in, double tolerance,
                              size_t max_iterations);

/// Krum (`multi` false) or Multi-Krum averaging `multi_count` models.
expected<tensor_bundle> merge_krum(const merge_inputs& in, size_t byzantine, bool multi,
                                   size_t multi_count);

} // namespace swarm::merge::detail
