#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "swarm/common/error.hpp"
#include "swarm/merge/bundle.hpp"

namespace swarm::merge {

/// How the leader combines the participants' models.
enum class merge_method : uint8_t {
  /// Weighted arithmetic mean (FedAvg); HPE's "mean", the default.
  mean = 1,
  /// Weighted median per coordinate; HPE's "coordmedian".
  coordmedian = 2,
  /// Weighted geometric median (Weiszfeld); HPE's "geomedian".
  geomedian = 3,
  /// Per-coordinate mean after dropping the lowest and highest values.
  trimmedmean = 4,
  /// Krum: the model closest to its n - f - 2 nearest neighbours.
  krum = 5,
  /// Multi-Krum: the weighted mean of the m best models by Krum's score.
  multikrum = 6,
};

/// Returns the configuration name of `x`: "mean", "coordmedian",
/// "geomedian", "trimmedmean", "krum" or "multikrum".
std::string_view to_string(merge_method x) noexcept;

/// Parses a method name, case-insensitively (HPE accepts "MEAN" too).
std::optional<merge_method> parse_merge_method(std::string_view text) noexcept;

/// One participant's model and weight in a merge.
struct contribution {
  /// The participant's node name, for error messages.
  std::string peer;
  /// Relative weight (> 0), e.g. nodeWeightage times sample share.
  double weight = 1.0;
  /// The participant's parameters; must outlive the merge.
  const tensor_bundle* model = nullptr;
};

/// Tunables of the strategies; defaults follow HPE where HPE has one.
struct merge_options {
  /// The strategy.
  merge_method method = merge_method::mean;
  /// Trimmed mean: fraction of the contributions dropped at each end per
  /// coordinate, in [0, 0.5). Rounded down; at least one is kept.
  double trim_fraction = 0.1;
  /// Krum and Multi-Krum: the number f of byzantine participants tolerated.
  /// Requires n >= 2f + 3.
  size_t byzantine_count = 0;
  /// Multi-Krum: how many models to average; 0 means n - f.
  size_t multikrum_count = 0;
  /// Geometric median: stop when the estimate moves less than this (L2).
  double geomedian_tolerance = 1e-6;
  /// Geometric median: iteration cap.
  size_t geomedian_max_iterations = 100;
};

/// Merges the contributions into a new bundle with their common layout.
/// Rejects (naming the peer and the tensor) an empty input, a non-positive
/// or non-finite weight, a layout that differs from the first
/// contribution's, and non-finite values; rejects Krum settings that n does
/// not satisfy. Deterministic: the same inputs in the same order give a
/// bitwise identical result on any machine with the same build.
expected<tensor_bundle> merge_models(std::span<const contribution> inputs,
                                     const merge_options& opts = {});

/// Like merge_models, but writes the result into `out`, reusing the storage
/// of `out.values` where the strategy builds its output in one pass (mean,
/// coordmedian, trimmedmean, multikrum): a caller that merges every round keeps one
/// warm buffer instead of mapping a fresh model's pages each time (for a
/// 100 MiB model that costs about as much as the merge itself). On error,
/// `out` is valid but its contents are unspecified.
status merge_models_into(std::span<const contribution> inputs, const merge_options& opts,
                         tensor_bundle& out);

} // namespace swarm::merge
