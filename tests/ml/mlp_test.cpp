#define BOOST_TEST_MODULE ml.mlp
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "swarm/ml/mlp.hpp"
#include "swarm/ml/prng.hpp"

using namespace swarm::ml;

namespace {

// A model small enough for finite differences over every parameter.
mlp_config tiny_config() {
  mlp_config cfg;
  cfg.inputs = 7;
  cfg.hidden = 6;
  cfg.classes = 4;
  cfg.dropout_rate = 0.25f;
  return cfg;
}

struct tiny_batch {
  std::vector<float> images;
  std::vector<uint8_t> labels;
};

tiny_batch make_batch(const mlp_config& cfg, size_t n, uint64_t seed) {
  prng rng{seed};
  tiny_batch b;
  for (size_t i = 0; i < n * cfg.inputs; ++i)
    b.images.push_back(rng.uniform_float());
  for (size_t i = 0; i < n; ++i)
    b.labels.push_back(static_cast<uint8_t>(rng.below(cfg.classes)));
  return b;
}

// The model's mean loss recomputed in double from its parameter views, as
// an independent reference; `keep` (hidden x batch, or empty) scales kept
// units by `scale` and zeroes the others, as inverted dropout does.
double reference_loss(mlp& model, const tiny_batch& b, const std::vector<bool>& keep,
                      double scale) {
  const auto& cfg = model.config();
  auto p = model.parameters();
  const size_t n = b.labels.size();
  double total = 0.0;
  for (size_t s = 0; s < n; ++s) {
    std::vector<double> h(cfg.hidden);
    for (size_t j = 0; j < cfg.hidden; ++j) {
      double a = p[1].data[j];
      for (size_t i = 0; i < cfg.inputs; ++i)
        a += double{b.images[s * cfg.inputs + i]} * p[0].data[i * cfg.hidden + j];
      a = std::max(a, 0.0);
      if (!keep.empty())
        a = keep[s * cfg.hidden + j] ? a * scale : 0.0;
      h[j] = a;
    }
    std::vector<double> z(cfg.classes);
    for (size_t k = 0; k < cfg.classes; ++k) {
      z[k] = p[3].data[k];
      for (size_t j = 0; j < cfg.hidden; ++j)
        z[k] += h[j] * p[2].data[j * cfg.classes + k];
    }
    const double top = *std::max_element(z.begin(), z.end());
    double sum = 0.0;
    for (double zk : z)
      sum += std::exp(zk - top);
    total += top + std::log(sum) - z[b.labels[s]];
  }
  return total / static_cast<double>(n);
}

// Compares every analytic gradient with a central difference of the
// reference loss (perturbing the model's float parameters in place).
void check_gradients(mlp& model, const tiny_batch& b, const std::vector<bool>& keep,
                     double scale) {
  auto params = model.parameters();
  auto grads = model.gradients();
  for (size_t t = 0; t < params.size(); ++t) {
    for (size_t i = 0; i < params[t].size(); ++i) {
      float& w = params[t].data[i];
      const float saved = w;
      const float step = 1e-3f;
      w = saved + step;
      const double up = reference_loss(model, b, keep, scale);
      w = saved - step;
      const double down = reference_loss(model, b, keep, scale);
      w = saved;
      const double numeric = (up - down) / (2.0 * (double{saved + step} - saved));
      const double analytic = grads[t].data[i];
      BOOST_TEST_CONTEXT(params[t].name << "[" << i << "]") {
        BOOST_TEST(std::abs(analytic - numeric) <= 2e-4 + 1e-3 * std::abs(numeric));
      }
    }
  }
}

} // namespace

BOOST_AUTO_TEST_CASE(parameters_have_keras_names_shapes_and_a_contiguous_layout) {
  mlp model{1};
  auto p = model.parameters();
  BOOST_TEST_REQUIRE(p.size() == 4u);
  BOOST_TEST(p[0].name == "dense/kernel");
  BOOST_TEST(p[0].shape == (std::vector<int64_t>{784, 512}), boost::test_tools::per_element());
  BOOST_TEST(p[1].name == "dense/bias");
  BOOST_TEST(p[1].shape == (std::vector<int64_t>{512}), boost::test_tools::per_element());
  BOOST_TEST(p[2].name == "dense_1/kernel");
  BOOST_TEST(p[2].shape == (std::vector<int64_t>{512, 10}), boost::test_tools::per_element());
  BOOST_TEST(p[3].name == "dense_1/bias");
  BOOST_TEST(p[3].shape == (std::vector<int64_t>{10}), boost::test_tools::per_element());
  // The default sizes need no padding: the four tensors tile one buffer.
  auto all = model.parameter_buffer();
  BOOST_TEST(all.size() == 784u * 512 + 512 + 512 * 10 + 10);
  BOOST_TEST(p[0].data == all.data());
  for (size_t t = 1; t < p.size(); ++t)
    BOOST_TEST(p[t].data == p[t - 1].data + p[t - 1].size());
  auto g = model.gradients();
  BOOST_TEST(g[2].name == "dense_1/kernel");
  BOOST_TEST(g[0].data == model.gradient_buffer().data());
}

BOOST_AUTO_TEST_CASE(kernels_respect_the_glorot_limit_and_biases_start_at_zero) {
  mlp model{42};
  auto p = model.parameters();
  for (size_t t : {0u, 2u}) {
    const double fan_in = static_cast<double>(p[t].shape[0]);
    const double fan_out = static_cast<double>(p[t].shape[1]);
    const auto limit = static_cast<float>(std::sqrt(6.0 / (fan_in + fan_out)));
    auto [lo, hi] = std::minmax_element(p[t].data, p[t].data + p[t].size());
    BOOST_TEST(*lo >= -limit);
    BOOST_TEST(*hi <= limit);
    // Uniform over the whole range: extremes come close to the limit.
    BOOST_TEST(*lo < -0.99f * limit);
    BOOST_TEST(*hi > 0.99f * limit);
    double mean = 0.0;
    for (size_t i = 0; i < p[t].size(); ++i)
      mean += p[t].data[i];
    mean /= static_cast<double>(p[t].size());
    BOOST_TEST(std::abs(mean) < 0.05 * limit);
  }
  for (size_t t : {1u, 3u})
    BOOST_TEST(std::all_of(p[t].data, p[t].data + p[t].size(), [](float x) { return x == 0.0f; }));
}

BOOST_AUTO_TEST_CASE(initialization_is_a_function_of_the_seed) {
  mlp a{7};
  mlp b{7};
  mlp c{8};
  auto pa = a.parameter_buffer();
  auto pb = b.parameter_buffer();
  auto pc = c.parameter_buffer();
  BOOST_TEST(std::memcmp(pa.data(), pb.data(), pa.size_bytes()) == 0);
  BOOST_TEST(std::memcmp(pa.data(), pc.data(), pa.size_bytes()) != 0);
  c.initialize(7);
  BOOST_TEST(std::memcmp(pa.data(), pc.data(), pa.size_bytes()) == 0);
}

BOOST_AUTO_TEST_CASE(the_analytic_gradient_matches_finite_differences) {
  mlp model{3, tiny_config()};
  // Non-zero biases so that their gradients are exercised off the origin.
  auto p = model.parameters();
  prng rng{11};
  for (size_t t : {1u, 3u})
    for (size_t i = 0; i < p[t].size(); ++i)
      p[t].data[i] = 0.2f * (rng.uniform_float() - 0.5f);
  const auto b = make_batch(model.config(), 5, 12);
  const auto r = model.compute_gradients(b.images, b.labels, nullptr);
  BOOST_TEST(r.samples == 5u);
  BOOST_TEST(r.mean_loss() == reference_loss(model, b, {}, 1.0),
             boost::test_tools::tolerance(1e-5));
  check_gradients(model, b, {}, 1.0);
}

BOOST_AUTO_TEST_CASE(the_gradient_with_dropout_matches_finite_differences_for_its_mask) {
  const auto cfg = tiny_config();
  mlp model{5, cfg};
  const auto b = make_batch(cfg, 4, 13);
  prng dropout{99};
  prng replay = dropout;
  const auto r = model.compute_gradients(b.images, b.labels, &dropout);
  // Rebuild the mask: one draw of the generator keys the batch, and unit i
  // of sample j is kept when the high half of stream_at(key, j * hidden + i)
  // is at least rate * 2^32.
  const uint64_t key = replay.next();
  std::vector<bool> keep;
  const auto threshold = static_cast<uint32_t>(std::ldexp(double{cfg.dropout_rate}, 32));
  for (size_t e = 0; e < cfg.hidden * 4; ++e)
    keep.push_back((stream_at(key, e) >> 32) >= threshold);
  BOOST_TEST(std::count(keep.begin(), keep.end(), false) > 0);
  const double scale = 1.0 / (1.0 - double{cfg.dropout_rate});
  BOOST_TEST(r.mean_loss() == reference_loss(model, b, keep, scale),
             boost::test_tools::tolerance(1e-5));
  check_gradients(model, b, keep, scale);
}

BOOST_AUTO_TEST_CASE(the_full_size_model_matches_a_double_precision_reference) {
  // The real shapes exercise every tiling path of the fast products (whole
  // and partial tiles, several threads); the reference is textbook backprop.
  mlp model{21};
  const auto& cfg = model.config();
  const size_t n = 29;
  const auto b = make_batch(cfg, n, 22);
  auto p = model.parameters();
  prng rng{23};
  for (size_t t : {1u, 3u})
    for (size_t i = 0; i < p[t].size(); ++i)
      p[t].data[i] = 0.1f * (rng.uniform_float() - 0.5f);
  const auto r = model.compute_gradients(b.images, b.labels, nullptr);

  const size_t in = cfg.inputs, hid = cfg.hidden, out = cfg.classes;
  std::vector<double> h(n * hid), dz(n * out);
  double loss = 0.0;
  for (size_t s = 0; s < n; ++s) {
    for (size_t j = 0; j < hid; ++j) {
      double a = p[1].data[j];
      for (size_t i = 0; i < in; ++i)
        a += double{b.images[s * in + i]} * p[0].data[i * hid + j];
      h[s * hid + j] = std::max(a, 0.0);
    }
    std::vector<double> z(out);
    for (size_t k = 0; k < out; ++k) {
      z[k] = p[3].data[k];
      for (size_t j = 0; j < hid; ++j)
        z[k] += h[s * hid + j] * p[2].data[j * out + k];
    }
    const double top = *std::max_element(z.begin(), z.end());
    double sum = 0.0;
    for (double zk : z)
      sum += std::exp(zk - top);
    loss += top + std::log(sum) - z[b.labels[s]];
    for (size_t k = 0; k < out; ++k)
      dz[s * out + k] = (std::exp(z[k] - top) / sum - (k == b.labels[s] ? 1.0 : 0.0)) / n;
  }
  BOOST_TEST(r.mean_loss() == loss / n, boost::test_tools::tolerance(1e-5));

  auto g = model.gradients();
  double worst = 0.0;
  auto check = [&](float analytic, double expected) {
    worst = std::max(worst, std::abs(analytic - expected) / (1e-4 + std::abs(expected)));
  };
  for (size_t k = 0; k < out; ++k) {
    double gb2 = 0.0;
    for (size_t s = 0; s < n; ++s)
      gb2 += dz[s * out + k];
    check(g[3].data[k], gb2);
  }
  std::vector<double> dh(n * hid);
  for (size_t s = 0; s < n; ++s)
    for (size_t j = 0; j < hid; ++j) {
      double d = 0.0;
      for (size_t k = 0; k < out; ++k)
        d += dz[s * out + k] * p[2].data[j * out + k];
      dh[s * hid + j] = h[s * hid + j] > 0.0 ? d : 0.0;
    }
  for (size_t j = 0; j < hid; ++j) {
    double gb1 = 0.0;
    for (size_t s = 0; s < n; ++s)
      gb1 += dh[s * hid + j];
    check(g[1].data[j], gb1);
    for (size_t k = 0; k < out; ++k) {
      double gw2 = 0.0;
      for (size_t s = 0; s < n; ++s)
        gw2 += h[s * hid + j] * dz[s * out + k];
      check(g[2].data[j * out + k], gw2);
    }
    for (size_t i = 0; i < in; ++i) {
      double gw1 = 0.0;
      for (size_t s = 0; s < n; ++s)
        gw1 += double{b.images[s * in + i]} * dh[s * hid + j];
      check(g[0].data[i * hid + j], gw1);
    }
  }
  BOOST_TEST(worst < 1e-3);
}

BOOST_AUTO_TEST_CASE(evaluation_uses_no_dropout_and_matches_the_logits) {
  const auto cfg = tiny_config();
  mlp model{9, cfg};
  const auto b = make_batch(cfg, 6, 14);
  const auto r = model.evaluate_batch(b.images, b.labels);
  BOOST_TEST(r.mean_loss() == reference_loss(model, b, {}, 1.0),
             boost::test_tools::tolerance(1e-5));
  std::vector<float> logits(6 * cfg.classes);
  model.predict_logits(b.images, logits);
  size_t correct = 0;
  for (size_t s = 0; s < 6; ++s) {
    auto first = logits.begin() + static_cast<std::ptrdiff_t>(s * cfg.classes);
    auto best = std::max_element(first, first + static_cast<std::ptrdiff_t>(cfg.classes));
    correct += static_cast<size_t>(best - first) == b.labels[s] ? 1 : 0;
  }
  BOOST_TEST(r.correct == correct);
}

BOOST_AUTO_TEST_CASE(evaluating_mostly_blank_images_gives_the_dense_pass_bits) {
  // Evaluation skips zero pixels when most are zero (as in MNIST); training's
  // dense forward pass without dropout must measure exactly the same loss.
  // Odd sizes cover the partial vectors and blocks of both passes.
  mlp_config cfg;
  cfg.inputs = 203;
  cfg.hidden = 300;
  cfg.classes = 10;
  mlp model{31, cfg};
  prng rng{32};
  const size_t n = 37;
  tiny_batch b;
  size_t blank = 0;
  for (size_t i = 0; i < n * cfg.inputs; ++i) {
    const bool ink = rng.below(10) < 2;
    blank += ink ? 0 : 1;
    b.images.push_back(ink ? rng.uniform_float() : (i % 7 == 0 ? -0.0f : 0.0f));
  }
  for (size_t i = 0; i < n; ++i)
    b.labels.push_back(static_cast<uint8_t>(rng.below(cfg.classes)));
  BOOST_REQUIRE(blank * 5 >= b.images.size() * 3);
  const auto dense = model.compute_gradients(b.images, b.labels, nullptr);
  const auto sparse = model.evaluate_batch(b.images, b.labels);
  BOOST_TEST(sparse.loss_sum == dense.loss_sum);
  BOOST_TEST(sparse.correct == dense.correct);
  BOOST_TEST(sparse.mean_loss() == reference_loss(model, b, {}, 1.0),
             boost::test_tools::tolerance(1e-5));
  // A NaN pixel is not skipped: its sample's units go the dense pass's way
  // (the ReLU turns NaN into 0), not to the sum of the other pixels.
  b.images[5 * cfg.inputs + 3] = std::nanf("");
  const auto dense_nan = model.compute_gradients(b.images, b.labels, nullptr);
  const auto sparse_nan = model.evaluate_batch(b.images, b.labels);
  BOOST_TEST(sparse_nan.loss_sum == dense_nan.loss_sum);
  BOOST_TEST(sparse_nan.loss_sum != sparse.loss_sum);
}

BOOST_AUTO_TEST_CASE(parameter_views_alias_the_live_buffers) {
  const auto cfg = tiny_config();
  mlp model{4, cfg};
  const auto b = make_batch(cfg, 3, 15);
  std::vector<float> before(3 * cfg.classes);
  std::vector<float> after(3 * cfg.classes);
  model.predict_logits(b.images, before);
  // Writing through a view, as a swarm merge does, changes the next output.
  auto p = model.parameters();
  p[3].data[2] += 100.0f;
  model.predict_logits(b.images, after);
  for (size_t s = 0; s < 3; ++s)
    for (size_t k = 0; k < cfg.classes; ++k)
      BOOST_TEST(after[s * cfg.classes + k] - before[s * cfg.classes + k]
                   == (k == 2 ? 100.0f : 0.0f),
                 boost::test_tools::tolerance(1e-4f));
  // So does overwriting a kernel wholesale.
  std::fill(p[0].data, p[0].data + p[0].size(), 0.0f);
  std::fill(p[2].data, p[2].data + p[2].size(), 0.0f);
  std::fill(p[3].data, p[3].data + p[3].size(), 0.0f);
  const auto r = model.evaluate_batch(b.images, b.labels);
  BOOST_TEST(r.mean_loss() == std::log(double(cfg.classes)), boost::test_tools::tolerance(1e-6));
}

BOOST_AUTO_TEST_CASE(the_loss_stays_finite_for_extreme_logits) {
  const auto cfg = tiny_config();
  mlp model{4, cfg};
  auto b = make_batch(cfg, 2, 16);
  b.labels = {0, 1};
  auto p = model.parameters();
  p[3].data[0] = 1e4f;
  p[3].data[1] = -1e4f;
  const auto r = model.compute_gradients(b.images, b.labels, nullptr);
  BOOST_TEST(std::isfinite(r.loss_sum));
  BOOST_TEST(r.loss_sum == 2e4, boost::test_tools::tolerance(1e-3));
  auto g = model.gradients();
  for (size_t t = 0; t < g.size(); ++t)
    BOOST_TEST(std::all_of(g[t].data, g[t].data + g[t].size(),
                           [](float x) { return std::isfinite(x); }));
}
