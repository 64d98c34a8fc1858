#define BOOST_TEST_MODULE merge.strategy
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstring>
#include <random>

#include "strategy_reference.hpp"

using namespace merge_test;

namespace {

tensor_bundle merged(const std::vector<contribution>& in, merge_options opts) {
  auto result = merge_models(in, opts);
  BOOST_REQUIRE_MESSAGE(result, (result ? "" : result.error().to_string()));
  return std::move(*result);
}

tensor_bundle merged(const std::vector<contribution>& in, merge_method method) {
  merge_options opts;
  opts.method = method;
  return merged(in, opts);
}

bool bitwise_equal(const tensor_bundle& a, const tensor_bundle& b) {
  return a.tensors == b.tensors && a.values.size() == b.values.size()
         && std::memcmp(a.values.data(), b.values.data(), a.size_bytes()) == 0;
}

/// Runs `check(inputs, seed)` on every test layout and n = 1..9.
template <class F>
void for_random_inputs(uint64_t seed, F check) {
  std::mt19937_64 rng{seed};
  for (const auto& shape : test_layouts())
    for (size_t n = 1; n <= 9; ++n) {
      random_inputs r{rng, shape, n};
      check(r.inputs);
    }
}

} // namespace

BOOST_AUTO_TEST_CASE(method_names_round_trip_and_parse_case_insensitively) {
  for (auto m : {merge_method::mean, merge_method::coordmedian, merge_method::geomedian,
                 merge_method::trimmedmean, merge_method::krum, merge_method::multikrum})
    BOOST_TEST((parse_merge_method(to_string(m)) == m));
  BOOST_TEST((parse_merge_method("MEAN") == merge_method::mean));
  BOOST_TEST((parse_merge_method("CoordMedian") == merge_method::coordmedian));
  BOOST_TEST(!parse_merge_method("median"));
  BOOST_TEST(!parse_merge_method(""));
}

BOOST_AUTO_TEST_CASE(the_mean_matches_a_double_reference_within_a_millionth) {
  for_random_inputs(11, [](const std::vector<contribution>& in) {
    auto got = merged(in, merge_method::mean);
    BOOST_REQUIRE(got.tensors == in.front().model->tensors);
    for (size_t i = 0; i < got.values.size(); ++i) {
      auto [want, scale] = ref_mean(in, i);
      BOOST_TEST(std::abs(got.values[i] - want) <= 1e-6 * std::max(scale, 1e-30));
    }
  });
}

BOOST_AUTO_TEST_CASE(the_mean_of_one_model_is_that_model_bitwise) {
  std::mt19937_64 rng{12};
  for (const auto& shape : test_layouts()) {
    random_inputs r{rng, shape, 1};
    r.inputs[0].weight = 7.3;
    BOOST_TEST(bitwise_equal(merged(r.inputs, merge_method::mean), r.models[0]));
  }
}

BOOST_AUTO_TEST_CASE(the_mean_of_a_large_model_matches_the_reference_across_blocks) {
  // 40,000 elements span several of the kernel's blocks plus a short one.
  std::mt19937_64 rng{13};
  random_inputs r{rng, {{"big", {200, 200}}}, 5};
  auto got = merged(r.inputs, merge_method::mean);
  for (size_t i = 0; i < got.values.size(); i += 7) {
    auto [want, scale] = ref_mean(r.inputs, i);
    BOOST_TEST(std::abs(got.values[i] - want) <= 1e-6 * scale);
  }
}

BOOST_AUTO_TEST_CASE(every_strategy_is_deterministic) {
  std::mt19937_64 rng{14};
  random_inputs r{rng, test_layouts()[2], 7};
  merge_options opts;
  opts.byzantine_count = 2;
  for (auto m : {merge_method::mean, merge_method::coordmedian, merge_method::geomedian,
                 merge_method::trimmedmean, merge_method::krum, merge_method::multikrum}) {
    opts.method = m;
    BOOST_TEST(bitwise_equal(merged(r.inputs, opts), merged(r.inputs, opts)), to_string(m));
  }
}

BOOST_AUTO_TEST_CASE(the_coordinate_median_matches_the_weighted_reference_exactly) {
  for_random_inputs(21, [](const std::vector<contribution>& in) {
    auto got = merged(in, merge_method::coordmedian);
    for (size_t i = 0; i < got.values.size(); ++i)
      BOOST_TEST(got.values[i] == ref_median(in, i));
  });
}

BOOST_AUTO_TEST_CASE(the_coordinate_median_with_equal_weights_is_the_usual_median) {
  std::mt19937_64 rng{22};
  for (const auto& shape : test_layouts())
    for (size_t n = 1; n <= 9; ++n) {
      random_inputs r{rng, shape, n};
      for (auto& c : r.inputs)
        c.weight = 2.5;
      auto got = merged(r.inputs, merge_method::coordmedian);
      for (size_t i = 0; i < got.values.size(); ++i)
        BOOST_TEST(got.values[i] == ref_median(r.inputs, i));
    }
}

BOOST_AUTO_TEST_CASE(a_median_tie_at_half_the_weight_averages_the_two_values) {
  tensor_bundle a, b, c;
  float va = 1, vb = 4, vc = 10;
  a.add("w", {1}, &va);
  b.add("w", {1}, &vb);
  c.add("w", {1}, &vc);
  // Weights 1, 2, 3: cumulative 1, 3 = W/2 at 4, so (4 + 10) / 2.
  std::vector<contribution> in{{"a", 1, &a}, {"b", 2, &b}, {"c", 3, &c}};
  BOOST_TEST(merged(in, merge_method::coordmedian).values[0] == 7.0f);
  in[2].weight = 4; // cumulative 1, 3 < 3.5, 7: the median is 10
  BOOST_TEST(merged(in, merge_method::coordmedian).values[0] == 10.0f);
  in[0].weight = 7; // cumulative 7 > 6.5: the median is 1
  BOOST_TEST(merged(in, merge_method::coordmedian).values[0] == 1.0f);
}

BOOST_AUTO_TEST_CASE(the_median_of_few_models_matches_the_reference_on_equal_values_and_ties) {
  // Few distinct values and small weights, so that equal values and a
  // cumulative weight of exactly half are common: the cases where ranking
  // (up to five models) could disagree with sorting.
  std::mt19937_64 rng{24};
  std::uniform_int_distribution<int> value(0, 3);
  std::uniform_int_distribution<int> weight(1, 4);
  for (size_t n = 2; n <= 7; ++n) {
    std::vector<tensor_bundle> models(n);
    for (auto& m : models) {
      m.add("w", {999}, nullptr);
      for (auto& v : m.values)
        v = static_cast<float>(value(rng)) * 0.5f;
    }
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<contribution> in;
      for (size_t k = 0; k < n; ++k)
        in.push_back({"sl-" + std::to_string(k + 1), static_cast<double>(weight(rng)), &models[k]});
      auto got = merged(in, merge_method::coordmedian);
      for (size_t i = 0; i < got.values.size(); ++i)
        BOOST_TEST(got.values[i] == ref_median(in, i), "n " << n << " coordinate " << i);
    }
  }
}

BOOST_AUTO_TEST_CASE(the_coordinate_median_matches_the_reference_with_fractional_or_huge_weights) {
  // Whole weights below 2^24 in all are summed in float (exact there); these
  // are not, and take the double sweep: quarters, and powers of two whose
  // total float cannot hold exactly. (Each weight is exact in float, as
  // weights travel as float: 0.37 would differ from the double reference
  // at near-ties by design.)
  std::mt19937_64 rng{25};
  for (double scale : {0.25, 1048576.0})
    for (size_t n = 6; n <= 9; ++n) {
      random_inputs r{rng, test_layouts()[2], n};
      for (auto& c : r.inputs)
        c.weight *= scale;
      auto got = merged(r.inputs, merge_method::coordmedian);
      for (size_t i = 0; i < got.values.size(); ++i)
        BOOST_TEST(got.values[i] == ref_median(r.inputs, i), "scale " << scale << ", n " << n);
    }
}

BOOST_AUTO_TEST_CASE(the_per_coordinate_strategies_handle_many_peers) {
  // 16 and 17: both sides of the switch from register rows to memory rows;
  // 33 and 64: networks for a size that is not a power of two, and one
  // that is.
  std::mt19937_64 rng{23};
  merge_options trimmed;
  trimmed.method = merge_method::trimmedmean;
  trimmed.trim_fraction = 0.2;
  for (size_t n : {16u, 17u, 33u, 64u}) {
    random_inputs r{rng, test_layouts()[2], n};
    auto median = merged(r.inputs, merge_method::coordmedian);
    auto mean = merged(r.inputs, trimmed);
    for (size_t i = 0; i < median.values.size(); ++i) {
      BOOST_TEST(median.values[i] == ref_median(r.inputs, i));
      auto want = ref_trimmed(r.inputs, i, 0.2);
      BOOST_TEST(std::abs(mean.values[i] - want) <= 1e-6 * std::max(1.0, std::abs(want)));
    }
    for (auto& c : r.inputs)
      c.weight = 1;
    median = merged(r.inputs, merge_method::coordmedian);
    for (size_t i = 0; i < median.values.size(); ++i)
      BOOST_TEST(median.values[i] == ref_median(r.inputs, i));
  }
}

BOOST_AUTO_TEST_CASE(the_trimmed_mean_matches_the_reference) {
  for (double trim : {0.0, 0.1, 0.2, 0.25, 0.34, 0.49}) {
    for_random_inputs(31, [trim](const std::vector<contribution>& in) {
      merge_options opts;
      opts.method = merge_method::trimmedmean;
      opts.trim_fraction = trim;
      auto got = merged(in, opts);
      for (size_t i = 0; i < got.values.size(); ++i) {
        auto want = ref_trimmed(in, i, trim);
        BOOST_TEST(std::abs(got.values[i] - want) <= 1e-6 * std::max(1.0, std::abs(want)));
      }
    });
  }
}

BOOST_AUTO_TEST_CASE(the_trimmed_mean_with_equal_weights_drops_outliers) {
  tensor_bundle m[5];
  float values[5] = {1, 2, 3, 4, 1000};
  std::vector<contribution> in;
  for (size_t k = 0; k < 5; ++k) {
    m[k].add("w", {1}, &values[k]);
    in.push_back({"sl-" + std::to_string(k), 1.0, &m[k]});
  }
  merge_options opts;
  opts.method = merge_method::trimmedmean;
  opts.trim_fraction = 0.2; // drops one at each end: mean of 2, 3, 4
  BOOST_TEST(merged(in, opts).values[0] == 3.0f);
  opts.trim_fraction = 0.0;
  BOOST_TEST(merged(in, opts).values[0] == 202.0f);
}

BOOST_AUTO_TEST_CASE(a_trim_fraction_outside_zero_to_one_half_is_refused) {
  std::mt19937_64 rng{32};
  random_inputs r{rng, test_layouts()[0], 4};
  merge_options opts;
  opts.method = merge_method::trimmedmean;
  for (double bad : {-0.1, 0.5, 0.7, std::nan("")}) {
    opts.trim_fraction = bad;
    auto result = merge_models(r.inputs, opts);
    BOOST_REQUIRE(!result);
    BOOST_TEST(result.error().code == swarm::errc::invalid_argument);
    BOOST_TEST(result.error().message.find("trim_fraction") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(merging_into_a_reused_output_equals_a_fresh_merge_and_keeps_its_storage) {
  std::mt19937_64 rng{17};
  random_inputs r{rng, test_layouts().front(), 5};
  for (auto m : {merge_method::mean, merge_method::coordmedian, merge_method::geomedian,
                 merge_method::trimmedmean, merge_method::krum, merge_method::multikrum}) {
    merge_options opts;
    opts.method = m;
    opts.byzantine_count = 1;
    tensor_bundle out;
    // Twice: the first merge allocates, the second writes into that storage
    // where the strategy builds its output in one pass.
    for (int pass = 0; pass < 2; ++pass) {
      const float* before = out.values.data();
      BOOST_REQUIRE(merge_models_into(r.inputs, opts, out));
      BOOST_TEST(bitwise_equal(out, merged(r.inputs, opts)), to_string(m));
      bool one_pass = m == merge_method::mean || m == merge_method::coordmedian
                      || m == merge_method::trimmedmean || m == merge_method::multikrum;
      if (pass == 1 && one_pass)
        BOOST_TEST(out.values.data() == before, to_string(m));
    }
  }
  // An error leaves the output usable.
  tensor_bundle out;
  BOOST_TEST(!merge_models_into({}, {}, out));
}
