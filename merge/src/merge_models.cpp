#include <cmath>
#include <string>

#include "strategy_impl.hpp"

// Validation happens here, once, before any strategy runs: the strategies
// may then assume one layout, finite positive weights and finite values.
// The exception: the single-pass strategies (mean, coordmedian,
// trimmedmean) detect non-finite values while their blocks are in cache and
// then report exactly the error that checking up front gives, which saves a
// whole pass over the inputs.

namespace swarm::merge {

namespace {

std::string peer_text(std::string_view peer) {
  return "peer '" + std::string{peer} + "'";
}

status check_weight(const contribution& c) {
  if (!std::isfinite(c.weight) || !(c.weight > 0))
    return make_error(errc::invalid_argument, peer_text(c.peer) + ": weight "
                                                + std::to_string(c.weight)
                                                + " is not a finite positive number");
  return {};
}

// The structural checks, in the order the header lists them; cheap
// compared with one pass over the values.
expected<detail::merge_inputs> flatten(std::span<const contribution> inputs) {
  if (inputs.empty())
    return make_error(errc::invalid_argument, "no models to merge");
  for (const auto& c : inputs)
    if (auto ok = check_weight(c); !ok)
      return ok.error();
  for (const auto& c : inputs)
    if (c.model == nullptr)
      return make_error(errc::invalid_argument, peer_text(c.peer) + ": no model");
  for (const auto& c : inputs)
    if (auto ok = check_layout(*c.model, c.peer); !ok)
      return ok.error();
  for (const auto& c : inputs)
    if (auto ok = check_same_layout(*inputs.front().model, *c.model, c.peer); !ok)
      return ok.error();
  detail::merge_inputs result;
  result.contributions = inputs;
  for (const auto& c : inputs) {
    result.values.push_back(c.model->values.data());
    result.weights.push_back(c.weight);
    result.total_weight += c.weight;
  }
  if (!std::isfinite(result.total_weight))
    return make_error(errc::invalid_argument, "the weights' sum overflows");
  result.count = inputs.front().model->values.size();
  result.equal_weights = true;
  for (auto w : result.weights)
    result.equal_weights = result.equal_weights && w == result.weights.front();
  return result;
}

status check_options(const merge_options& opts, size_t n) {
  using std::to_string;
  switch (opts.method) {
    case merge_method::mean:
    case merge_method::coordmedian:
      break;
    case merge_method::geomedian:
      if (!(opts.geomedian_tolerance >= 0 && std::isfinite(opts.geomedian_tolerance)))
        return make_error(errc::invalid_argument, "geomedian_tolerance must be finite and >= 0");
      break;
    case merge_method::trimmedmean:
      if (!(opts.trim_fraction >= 0.0 && opts.trim_fraction < 0.5))
        return make_error(errc::invalid_argument, "trim_fraction " + to_string(opts.trim_fraction)
                                                    + " is outside [0, 0.5)");
      break;
    case merge_method::krum:
    case merge_method::multikrum: {
      auto f = opts.byzantine_count;
      if (n < 3 || f > (n - 3) / 2)
        return make_error(errc::invalid_argument,
                          std::string{to_string(opts.method)} + " needs n >= 2f + 3 models; n = "
                            + to_string(n) + ", f = " + to_string(f));
      auto m = opts.multikrum_count == 0 ? n - f : opts.multikrum_count;
      if (opts.method == merge_method::multikrum && m > n)
        return make_error(errc::invalid_argument, "multikrum_count " + to_string(m)
                                                    + " exceeds the " + to_string(n) + " models");
      break;
    }
    default:
      return make_error(errc::invalid_argument,
                        "unknown merge method " + to_string(static_cast<int>(opts.method)));
  }
  return {};
}

} // namespace

namespace {

expected<tensor_bundle> run_merge(std::span<const contribution> inputs, const merge_options& opts,
                                  std::vector<float>* recycled) {
  auto flat = flatten(inputs);
  if (!flat)
    return flat.error();
  flat->recycled = recycled;
  const auto& in = *flat;
  if (auto ok = check_options(opts, in.size()); !ok)
    return ok.error();
  // The mean, the per-coordinate strategies and the geometric median spot
  // non-finite values in their first pass and then report them as this
  // check would.
  switch (opts.method) {
    case merge_method::mean:
      return detail::merge_mean(in);
    case merge_method::coordmedian:
      return detail::merge_coordmedian(in);
    case merge_method::trimmedmean:
      return detail::merge_trimmedmean(in, opts.trim_fraction);
    case merge_method::geomedian:
      return detail::merge_geomedian(in, opts.geomedian_tolerance,
                                     opts.geomedian_max_iterations);
    default:
      break;
  }
  if (auto ok = detail::first_non_finite_input(in); !ok)
    return ok.error();
  switch (opts.method) {
    case merge_method::krum:
    case merge_method::multikrum: {
      auto n = in.size();
      auto m = opts.multikrum_count == 0 ? n - opts.byzantine_count : opts.multikrum_count;
      return detail::merge_krum(in, opts.byzantine_count, opts.method == merge_method::multikrum,
                                m);
    }
    default:
      return make_error(errc::invalid_argument, "unknown merge method");
  }
}

} // namespace

expected<tensor_bundle> merge_models(std::span<const contribution> inputs,
                                     const merge_options& opts) {
  return run_merge(inputs, opts, nullptr);
}

status merge_models_into(std::span<const contribution> inputs, const merge_options& opts,
                         tensor_bundle& out) {
  auto merged = run_merge(inputs, opts, &out.values);
  if (!merged)
    return merged.error();
  out = std::move(*merged);
  return {};
}

} // namespace swarm::merge
