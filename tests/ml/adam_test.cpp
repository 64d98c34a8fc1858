#define BOOST_TEST_MODULE ml.adam
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "swarm/ml/adam.hpp"

using namespace swarm::ml;

namespace {

// Keras 2's Adam (TensorFlow's ApplyAdam) in double, written out by hand.
struct keras_adam_reference {
  double lr = 1e-3;
  double beta_1 = 0.9;
  double beta_2 = 0.999;
  double epsilon = 1e-7;
  std::vector<double> m;
  std::vector<double> v;
  int t = 0;

  void step(std::vector<double>& p, const std::vector<double>& g) {
    m.resize(p.size());
    v.resize(p.size());
    ++t;
    const double lr_t
      = lr * std::sqrt(1.0 - std::pow(beta_2, t)) / (1.0 - std::pow(beta_1, t));
    for (size_t i = 0; i < p.size(); ++i) {
      m[i] = beta_1 * m[i] + (1.0 - beta_1) * g[i];
      v[i] = beta_2 * v[i] + (1.0 - beta_2) * g[i] * g[i];
      p[i] -= lr_t * m[i] / (std::sqrt(v[i]) + epsilon);
    }
  }
};

} // namespace

BOOST_AUTO_TEST_CASE(one_step_matches_hand_computed_keras_values) {
  adam opt{4};
  std::vector<float> p{1.0f, -2.0f, 0.5f, 0.0f};
  const std::vector<float> g{0.5f, -0.25f, 0.0f, 1e-8f};
  opt.step(p, g);
  // Step 1: m = 0.1 g, v = 0.001 g^2, lr_t = 1e-3 * sqrt(0.001) / 0.1, so
  // p -= 1e-3 * sqrt(0.001) * g / (sqrt(0.001) |g| + 1e-7).
  BOOST_TEST(p[0] == 1.0 - 1e-3 * 0.0158113883 / (0.0158113883 + 1e-7),
             boost::test_tools::tolerance(1e-7));
  BOOST_TEST(p[1] == -2.0 + 1e-3 * 0.00790569415 / (0.00790569415 + 1e-7),
             boost::test_tools::tolerance(1e-7));
  // A zero gradient moves nothing.
  BOOST_TEST(p[2] == 0.5f);
  // Keras adds epsilon to sqrt(v) before bias correction, so a tiny gradient
  // moves by only 1e-3 * 3.16e-10 / (3.16e-10 + 1e-7), about 3.15e-6 (PyTorch
  // would move it by about 1e-4).
  BOOST_TEST(-p[3] == 1e-3 * 3.16227766e-10 / (3.16227766e-10 + 1e-7),
             boost::test_tools::tolerance(1e-3));
  BOOST_TEST(opt.iterations() == 1u);
  BOOST_TEST(opt.first_moment()[0] == 0.05f, boost::test_tools::tolerance(1e-6f));
  // TensorFlow, like us, forms 1 - beta_2 in float32: 1 - 0.999f is
  // 0.00099998713, hence the looser tolerance.
  BOOST_TEST(opt.second_moment()[0] == 0.00025f, boost::test_tools::tolerance(1e-4f));
}

BOOST_AUTO_TEST_CASE(several_steps_match_the_keras_formula) {
  const size_t n = 37;
  adam opt{n};
  keras_adam_reference ref;
  std::vector<float> p(n);
  std::vector<double> pd(n);
  for (size_t i = 0; i < n; ++i)
    pd[i] = p[i] = 0.1f * static_cast<float>(i) - 1.5f;
  for (int t = 1; t <= 25; ++t) {
    std::vector<float> g(n);
    std::vector<double> gd(n);
    for (size_t i = 0; i < n; ++i)
      gd[i] = g[i] = std::sin(0.7f * static_cast<float>(i) + 0.3f * static_cast<float>(t))
                     * (1.0f + static_cast<float>(i % 5));
    opt.step(p, g);
    ref.step(pd, gd);
  }
  BOOST_TEST(opt.iterations() == 25u);
  // Float rounding over 25 steps stays far below the 25e-3 a step moves.
  for (size_t i = 0; i < n; ++i)
    BOOST_TEST(std::abs(p[i] - pd[i]) <= 5e-6, "p[" << i << "] = " << p[i] << " vs " << pd[i]);
}

BOOST_AUTO_TEST_CASE(the_bias_corrected_learning_rate_follows_keras) {
  // Keras evaluates the powers in float32 (1 - 0.999f is 0.99998713e-3), so
  // the rate differs from the exact value by a few parts per million.
  adam opt{1};
  BOOST_TEST(opt.corrected_learning_rate(1) == 1e-3 * std::sqrt(0.001) / 0.1,
             boost::test_tools::tolerance(1e-4));
  BOOST_TEST(opt.corrected_learning_rate(10)
               == 1e-3 * std::sqrt(1.0 - std::pow(0.999, 10)) / (1.0 - std::pow(0.9, 10)),
             boost::test_tools::tolerance(1e-4));
}

BOOST_AUTO_TEST_CASE(moments_survive_overwritten_parameters_and_reset_clears_them) {
  // The swarm layer replaces parameters between steps; the optimizer keeps
  // its own state, as Keras' does across a sync.
  adam a{3};
  adam b{3};
  std::vector<float> pa{1.0f, 2.0f, 3.0f};
  std::vector<float> pb{1.0f, 2.0f, 3.0f};
  const std::vector<float> g{0.3f, -0.2f, 0.1f};
  a.step(pa, g);
  b.step(pb, g);
  pb = {1.0f, 2.0f, 3.0f}; // "merged" parameters
  pa = pb;
  a.step(pa, g);
  b.step(pb, g);
  BOOST_TEST(pa == pb, boost::test_tools::per_element());
  BOOST_TEST(a.iterations() == 2u);
  a.reset();
  BOOST_TEST(a.iterations() == 0u);
  BOOST_TEST(a.first_moment()[1] == 0.0f);
  BOOST_TEST(a.second_moment()[1] == 0.0f);
}

BOOST_AUTO_TEST_CASE(custom_hyper_parameters_are_used) {
  adam_config cfg;
  cfg.learning_rate = 0.1f;
  cfg.beta_1 = 0.5f;
  cfg.beta_2 = 0.75f;
  cfg.epsilon = 0.0f;
  adam opt{1, cfg};
  std::vector<float> p{0.0f};
  const std::vector<float> g{2.0f};
  opt.step(p, g);
  // m = 1, v = 1, lr_t = 0.1 * sqrt(0.25) / 0.5 = 0.1: p = -0.1 * 1 / 1.
  BOOST_TEST(p[0] == -0.1f, boost::test_tools::tolerance(1e-6f));
}

BOOST_AUTO_TEST_CASE(large_buffers_are_updated_everywhere) {
  // Larger than one parallel chunk, with a ragged tail.
  const size_t n = 100003;
  adam opt{n};
  std::vector<float> p(n, 1.0f);
  std::vector<float> g(n, 1.0f);
  opt.step(p, g);
  const float expected = p[0];
  BOOST_TEST(expected < 1.0f);
  BOOST_TEST(std::all_of(p.begin(), p.end(), [&](float x) { return x == expected; }));
}
