#define BOOST_TEST_MODULE merge.strategy_errors
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <random>
#include <string>

#include "strategy_reference.hpp"

using namespace merge_test;
using swarm::errc;

namespace {

constexpr merge_method all_methods[] = {merge_method::mean,        merge_method::coordmedian,
                                        merge_method::geomedian,   merge_method::trimmedmean,
                                        merge_method::krum,        merge_method::multikrum};

/// Five peers of the MNIST-like layout, so that Krum (f = 0) runs too.
struct fixture {
  std::mt19937_64 rng{41};
  random_inputs r{rng, test_layouts()[2], 5};
};

/// Returns the error of merging with `method`; fails the test on success.
swarm::error failure(const std::vector<contribution>& in, merge_method method) {
  merge_options opts;
  opts.method = method;
  auto result = merge_models(in, opts);
  BOOST_REQUIRE_MESSAGE(!result, "merging succeeded with " << to_string(method));
  return result.error();
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

} // namespace

BOOST_AUTO_TEST_CASE(an_empty_input_is_refused) {
  for (auto m : all_methods)
    BOOST_TEST(failure({}, m).code == errc::invalid_argument);
}

BOOST_FIXTURE_TEST_CASE(a_weight_that_is_not_finite_and_positive_is_refused, fixture) {
  for (double bad : {0.0, -1.0, std::nan(""), std::numeric_limits<double>::infinity()}) {
    auto in = r.inputs;
    in[3].weight = bad;
    for (auto m : all_methods) {
      auto err = failure(in, m);
      BOOST_TEST(err.code == errc::invalid_argument);
      BOOST_TEST(contains(err.message, "peer 'sl-4'"), err.message);
    }
  }
}

BOOST_FIXTURE_TEST_CASE(a_missing_model_is_refused, fixture) {
  auto in = r.inputs;
  in[1].model = nullptr;
  auto err = failure(in, merge_method::mean);
  BOOST_TEST(err.code == errc::invalid_argument);
  BOOST_TEST(contains(err.message, "peer 'sl-2'"), err.message);
}

BOOST_FIXTURE_TEST_CASE(a_shape_mismatch_names_the_peer_the_tensor_and_both_shapes, fixture) {
  tensor_bundle odd;
  odd.add("dense/kernel", {17, 8}, nullptr);
  odd.add("dense/bias", {9}, nullptr);
  odd.add("dense_1/kernel", {9, 3}, nullptr);
  odd.add("dense_1/bias", {3}, nullptr);
  auto in = r.inputs;
  in[1].model = &odd;
  for (auto m : all_methods) {
    auto err = failure(in, m);
    BOOST_TEST(err.code == errc::shape_mismatch);
    BOOST_TEST(err.message == "peer 'sl-2': tensor 'dense/kernel': shape [17,8] differs from [17,9]");
  }
}

BOOST_FIXTURE_TEST_CASE(a_tensor_name_or_count_mismatch_is_a_shape_mismatch, fixture) {
  tensor_bundle renamed = r.models[0];
  renamed.tensors[2].name = "dense_2/kernel";
  tensor_bundle shorter = r.models[0];
  shorter.tensors.pop_back();
  shorter.values.resize(shorter.values.size() - 3);
  auto in = r.inputs;
  in[4].model = &renamed;
  auto err = failure(in, merge_method::mean);
  BOOST_TEST(err.code == errc::shape_mismatch);
  BOOST_TEST(contains(err.message, "peer 'sl-5': tensor 'dense_2/kernel'"), err.message);
  in[4].model = &shorter;
  err = failure(in, merge_method::coordmedian);
  BOOST_TEST(err.code == errc::shape_mismatch);
  BOOST_TEST(contains(err.message, "peer 'sl-5': tensor 'dense_1/bias' is missing"), err.message);
}

BOOST_FIXTURE_TEST_CASE(an_unsupported_dtype_is_refused, fixture) {
  tensor_bundle other = r.models[0];
  other.tensors[1].type = static_cast<dtype>(2);
  auto in = r.inputs;
  in[2].model = &other;
  auto err = failure(in, merge_method::mean);
  BOOST_TEST(err.code == errc::invalid_argument);
  BOOST_TEST(contains(err.message, "peer 'sl-3': tensor 'dense/bias'"), err.message);
}

BOOST_FIXTURE_TEST_CASE(nan_and_inf_values_name_the_peer_tensor_and_element, fixture) {
  struct bad_value {
    float value;
    const char* text;
  };
  for (auto [value, text] : {bad_value{std::nanf(""), "NaN"},
                             bad_value{std::numeric_limits<float>::infinity(), "+Inf"},
                             bad_value{-std::numeric_limits<float>::infinity(), "-Inf"}}) {
    tensor_bundle poisoned = r.models[3];
    poisoned.values[poisoned.find("dense_1/kernel")->offset + 17] = value;
    auto in = r.inputs;
    in[3].model = &poisoned;
    auto want = std::string{"peer 'sl-4': tensor 'dense_1/kernel' element 17 is "} + text;
    for (auto m : all_methods) {
      auto err = failure(in, m);
      BOOST_TEST(err.code == errc::invalid_argument);
      BOOST_TEST(err.message == want, to_string(m) << ": " << err.message);
    }
  }
}

BOOST_FIXTURE_TEST_CASE(the_first_poisoned_peer_is_the_one_reported, fixture) {
  tensor_bundle early = r.models[1];
  tensor_bundle late = r.models[3];
  early.values.back() = std::nanf("");
  late.values.front() = std::nanf("");
  auto in = r.inputs;
  in[1].model = &early;
  in[3].model = &late;
  for (auto m : all_methods)
    BOOST_TEST(contains(failure(in, m).message, "peer 'sl-2'"));
}

BOOST_FIXTURE_TEST_CASE(krum_with_too_few_peers_names_n_and_f, fixture) {
  merge_options opts;
  opts.byzantine_count = 1; // needs n >= 5
  std::vector<contribution> four(r.inputs.begin(), r.inputs.begin() + 4);
  for (auto m : {merge_method::krum, merge_method::multikrum}) {
    opts.method = m;
    auto result = merge_models(four, opts);
    BOOST_REQUIRE(!result);
    BOOST_TEST(result.error().code == errc::invalid_argument);
    BOOST_TEST(contains(result.error().message, "n = 4"), result.error().message);
    BOOST_TEST(contains(result.error().message, "f = 1"), result.error().message);
    BOOST_CHECK(merge_models(r.inputs, opts)); // n = 5 is enough
  }
  opts.byzantine_count = 0;
  std::vector<contribution> two(r.inputs.begin(), r.inputs.begin() + 2);
  BOOST_TEST(!merge_models(two, opts));
}

BOOST_FIXTURE_TEST_CASE(a_multikrum_count_beyond_n_is_refused, fixture) {
  merge_options opts;
  opts.method = merge_method::multikrum;
  opts.multikrum_count = 6;
  auto result = merge_models(r.inputs, opts);
  BOOST_REQUIRE(!result);
  BOOST_TEST(result.error().code == errc::invalid_argument);
  opts.multikrum_count = 5;
  BOOST_CHECK(merge_models(r.inputs, opts));
}

BOOST_FIXTURE_TEST_CASE(the_geometric_median_finds_poison_in_its_origin_and_behind_a_majority,
                        fixture) {
  // Its Gram matrix measures every input against the first one, so a NaN
  // there must still be pinned on the first peer; and a peer holding most
  // of the weight, which is the median without any iteration, must not let
  // a poisoned light peer through.
  tensor_bundle origin = r.models[0];
  origin.values[5] = std::nanf("");
  auto in = r.inputs;
  in[0].model = &origin;
  auto err = failure(in, merge_method::geomedian);
  BOOST_TEST(contains(err.message, "peer 'sl-1'"), err.message);

  tensor_bundle light = r.models[4];
  light.values[9] = std::numeric_limits<float>::infinity();
  in = r.inputs;
  in[2].weight = 1000;
  in[4].model = &light;
  err = failure(in, merge_method::geomedian);
  BOOST_TEST(contains(err.message, "peer 'sl-5'"), err.message);
}
