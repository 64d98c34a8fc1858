#define BOOST_TEST_MODULE merge.strategy_robust
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstring>
#include <random>

#include "strategy_reference.hpp"

// The robust strategies: the geometric median, Krum and Multi-Krum.

using namespace merge_test;

namespace {

tensor_bundle merged(const std::vector<contribution>& in, merge_options opts) {
  auto result = merge_models(in, opts);
  BOOST_REQUIRE_MESSAGE(result, (result ? "" : result.error().to_string()));
  return std::move(*result);
}

tensor_bundle geomedian(const std::vector<contribution>& in) {
  merge_options opts;
  opts.method = merge_method::geomedian;
  return merged(in, opts);
}

bool bitwise_equal(const tensor_bundle& a, const tensor_bundle& b) {
  return a.tensors == b.tensors && a.values.size() == b.values.size()
         && std::memcmp(a.values.data(), b.values.data(), a.size_bytes()) == 0;
}

double max_abs_diff(const std::vector<float>& a, const std::vector<double>& b) {
  double result = 0;
  for (size_t i = 0; i < a.size(); ++i)
    result = std::max(result, std::abs(a[i] - b[i]));
  return result;
}

tensor_bundle vector_model(std::vector<float> values) {
  tensor_bundle result;
  result.add("w", {static_cast<int64_t>(values.size())}, values.data());
  return result;
}

} // namespace

BOOST_AUTO_TEST_CASE(the_geometric_median_beats_the_mean_and_every_input) {
  std::mt19937_64 rng{51};
  for (const auto& shape : test_layouts())
    for (size_t n = 1; n <= 9; ++n) {
      random_inputs r{rng, shape, n};
      auto got = objective(r.inputs, as_double(geomedian(r.inputs).values));
      std::vector<double> mean(r.models[0].values.size());
      for (size_t i = 0; i < mean.size(); ++i)
        mean[i] = ref_mean(r.inputs, i).first;
      BOOST_TEST(got <= objective(r.inputs, mean) * (1 + 1e-9));
      for (const auto& m : r.models)
        BOOST_TEST(got <= objective(r.inputs, as_double(m.values)) * (1 + 1e-9));
    }
}

BOOST_AUTO_TEST_CASE(the_geometric_median_is_within_1e_4_of_a_long_double_weiszfeld) {
  std::mt19937_64 rng{52};
  for (const auto& shape : test_layouts())
    for (size_t n = 1; n <= 9; ++n) {
      random_inputs r{rng, shape, n};
      auto got = geomedian(r.inputs);
      BOOST_TEST(max_abs_diff(got.values, ref_geomedian(r.inputs)) <= 1e-4,
                 "n = " << n << ", " << got.values.size() << " values");
    }
}

BOOST_AUTO_TEST_CASE(a_peer_with_most_of_the_weight_is_the_geometric_median) {
  std::mt19937_64 rng{53};
  random_inputs r{rng, test_layouts()[2], 5};
  r.inputs[2].weight = 1000;
  BOOST_TEST(bitwise_equal(geomedian(r.inputs), r.models[2]));
}

BOOST_AUTO_TEST_CASE(identical_inputs_are_their_own_geometric_median) {
  std::mt19937_64 rng{54};
  random_inputs r{rng, test_layouts()[1], 4};
  for (auto& c : r.inputs)
    c.model = &r.models[0];
  BOOST_TEST(bitwise_equal(geomedian(r.inputs), r.models[0]));
}

BOOST_AUTO_TEST_CASE(an_estimate_on_an_optimal_input_point_stays_there) {
  // The mean is the centre, which is an input, and the others' pulls
  // cancel: Weiszfeld's step is undefined there, Vardi-Zhang's keeps it.
  std::vector<tensor_bundle> m{vector_model({0, 0}), vector_model({1, 0}),
                               vector_model({-1, 0}), vector_model({0, 2}),
                               vector_model({0, -2})};
  std::vector<contribution> in;
  for (size_t k = 0; k < m.size(); ++k)
    in.push_back({"sl-" + std::to_string(k), 1.0, &m[k]});
  BOOST_TEST(bitwise_equal(geomedian(in), m[0]));
}

BOOST_AUTO_TEST_CASE(an_estimate_on_a_non_optimal_input_point_moves_off_it) {
  // The mean is the light input at the origin, but the others pull
  // harder than its weight: the median lies elsewhere.
  std::vector<tensor_bundle> m{vector_model({0, 0}), vector_model({2, 0}),
                               vector_model({-1, 1}), vector_model({-1, -1})};
  std::vector<contribution> in{{"light", 0.1, &m[0]}, {"a", 1, &m[1]}, {"b", 1, &m[2]},
                               {"c", 1, &m[3]}};
  auto got = geomedian(in);
  auto want = ref_geomedian(in, {-0.3, 0.01});
  BOOST_TEST(objective(in, as_double(got.values)) < objective(in, {0, 0}));
  BOOST_TEST(max_abs_diff(got.values, want) <= 1e-4);
}

BOOST_AUTO_TEST_CASE(a_mean_on_a_light_input_moves_off_it_in_many_dimensions_too) {
  // The case above in 4096 dimensions: x0 (light) is exactly the weighted
  // mean of x1 = x0 + 3u, x2 = x0 - u + v and x3 = x0 - u - v (weights 1,
  // 1.5, 1.5), all multiples of 1/1024 so that the models hold them
  // exactly, and the others pull harder than x0 weighs. Distances computed
  // with rounding put the mean a hair off x0 rather than on it: it must
  // not stick there.
  std::mt19937_64 rng{56};
  std::uniform_int_distribution<int> small(-64, 64);
  size_t dims = 4096;
  std::vector<float> x0(dims), x1(dims), x2(dims), x3(dims);
  for (size_t i = 0; i < dims; ++i) {
    auto dyadic = [&] { return static_cast<float>(small(rng)) / 1024; };
    auto c = dyadic();
    auto u = dyadic();
    auto v = dyadic();
    x0[i] = c;
    x1[i] = c + 3 * u;
    x2[i] = c - u + v;
    x3[i] = c - u - v;
  }
  std::vector<tensor_bundle> m{vector_model(x0), vector_model(x1), vector_model(x2),
                               vector_model(x3)};
  for (double light : {0.1, 0.13, 0.17, 0.2}) {
    std::vector<contribution> in{
      {"light", light, &m[0]}, {"a", 1, &m[1]}, {"b", 1.5, &m[2]}, {"c", 1.5, &m[3]}};
    auto got = objective(in, as_double(geomedian(in).values));
    auto stuck = objective(in, as_double(m[0].values));
    BOOST_TEST(got < stuck * 0.999, "light weight " << light << ": " << got << " against "
                                                    << stuck << " at x0");
  }
}

BOOST_AUTO_TEST_CASE(krum_selects_the_model_the_brute_force_scores_select) {
  std::mt19937_64 rng{61};
  for (const auto& shape : test_layouts())
    for (size_t n = 3; n <= 9; ++n)
      for (size_t f = 0; 2 * f + 3 <= n; ++f) {
        random_inputs r{rng, shape, n};
        merge_options opts;
        opts.method = merge_method::krum;
        opts.byzantine_count = f;
        auto best = ref_krum_order(ref_krum_scores(r.inputs, f)).front();
        BOOST_TEST(bitwise_equal(merged(r.inputs, opts), r.models[best]),
                   "n = " << n << ", f = " << f);
      }
}

BOOST_AUTO_TEST_CASE(multikrum_averages_the_best_scored_models_by_weight) {
  std::mt19937_64 rng{62};
  for (const auto& shape : test_layouts())
    for (size_t n = 3; n <= 9; ++n)
      for (size_t f = 0; 2 * f + 3 <= n; ++f)
        for (size_t m : {size_t{0}, size_t{1}, n}) {
          random_inputs r{rng, shape, n};
          merge_options opts;
          opts.method = merge_method::multikrum;
          opts.byzantine_count = f;
          opts.multikrum_count = m;
          auto order = ref_krum_order(ref_krum_scores(r.inputs, f));
          order.resize(m == 0 ? n - f : m);
          std::vector<contribution> chosen;
          for (auto k : order)
            chosen.push_back(r.inputs[k]);
          auto got = merged(r.inputs, opts);
          for (size_t i = 0; i < got.values.size(); ++i) {
            auto [want, scale] = ref_mean(chosen, i);
            BOOST_TEST(std::abs(got.values[i] - want) <= 1e-6 * scale);
          }
        }
}

BOOST_AUTO_TEST_CASE(krum_ignores_a_far_outlier_whatever_its_weight) {
  std::mt19937_64 rng{63};
  random_inputs r{rng, test_layouts()[2], 7};
  for (auto& v : r.models[4].values)
    v = v * 100 + 50;
  r.inputs[4].weight = 1e6;
  merge_options opts;
  opts.method = merge_method::krum;
  opts.byzantine_count = 2;
  BOOST_TEST(!bitwise_equal(merged(r.inputs, opts), r.models[4]));
  opts.method = merge_method::multikrum; // averages n - f = 5 models
  auto got = merged(r.inputs, opts);
  for (auto v : got.values)
    BOOST_TEST(std::abs(v) <= 1.0f);
}
