#include "swarm/ml/mlp.hpp"

#include "mlp_detail.hpp"

#include <algorithm>
#include <atomic>
#include <cassert>
#include <cmath>

#include <sched.h>
#include <thread>

namespace swarm::ml {

namespace {

// Tensors start on 64-byte boundaries so Eigen may use aligned AVX-512 loads.
constexpr size_t align_floats = 16;

size_t round_up(size_t n) {
  return (n + align_floats - 1) / align_floats * align_floats;
}

// Stream ids that keep the initialization draws apart from other uses of
// the same user seed.
constexpr uint64_t init_stream = 0x696e6974; // "init"

void glorot_uniform(prng& rng, float* out, size_t fan_in, size_t fan_out) {
  const auto limit = static_cast<float>(std::sqrt(6.0 / static_cast<double>(fan_in + fan_out)));
  for (size_t i = 0; i < fan_in * fan_out; ++i) {
    // Keras draws from [-limit, limit); 2u - 1 maps [0, 1) onto [-1, 1).
    out[i] = limit * (2.0f * rng.uniform_float() - 1.0f);
  }
}

} // namespace

mlp::layout mlp::make_layout(const mlp_config& cfg) {
  layout result;
  result.kernel_1 = 0;
  result.bias_1 = round_up(cfg.inputs * cfg.hidden);
  result.kernel_2 = result.bias_1 + round_up(cfg.hidden);
  result.bias_2 = result.kernel_2 + round_up(cfg.hidden * cfg.classes);
  result.total = result.bias_2 + cfg.classes;
  return result;
}

mlp::mlp(uint64_t seed, const mlp_config& cfg)
  : cfg_(cfg),
    layout_(make_layout(cfg)),
    params_(layout_.total, 0.0f),
    grads_(layout_.total, 0.0f),
    transposed_kernel_2_(cfg.hidden * cfg.classes),
    packed_kernel_1_((cfg.hidden + 31) / 32 * 32 * cfg.inputs) {
  assert(cfg.inputs > 0 && cfg.hidden > 0 && cfg.classes > 0);
  assert(cfg.dropout_rate >= 0.0f && cfg.dropout_rate < 1.0f);
  initialize(seed);
}

void mlp::initialize(uint64_t seed) {
  prng rng{derive_seed(seed, init_stream)};
  std::fill(params_.begin(), params_.end(), 0.0f);
  glorot_uniform(rng, params_.data() + layout_.kernel_1, cfg_.inputs, cfg_.hidden);
  glorot_uniform(rng, params_.data() + layout_.kernel_2, cfg_.hidden, cfg_.classes);
}

std::vector<tensor_view> mlp::views(float* base) {
  const auto in = static_cast<int64_t>(cfg_.inputs);
  const auto hid = static_cast<int64_t>(cfg_.hidden);
  const auto out = static_cast<int64_t>(cfg_.classes);
  return {
    tensor_view{"dense/kernel", {in, hid}, base + layout_.kernel_1},
    tensor_view{"dense/bias", {hid}, base + layout_.bias_1},
    tensor_view{"dense_1/kernel", {hid, out}, base + layout_.kernel_2},
    tensor_view{"dense_1/bias", {out}, base + layout_.bias_2},
  };
}

std::vector<tensor_view> mlp::parameters() {
  return views(params_.data());
}

std::vector<tensor_view> mlp::gradients() {
  return views(grads_.data());
}

void mlp::reserve(size_t batch) {
  if (sample_loss_.size() >= batch)
    return;
  hidden_.resize(cfg_.hidden * batch);
  // Room for whole 32-row panels, the layout the AVX-512 passes use.
  hidden_grad_.resize((cfg_.hidden + 31) / 32 * 32 * batch);
  logits_.resize(cfg_.classes * batch);
  sample_loss_.resize(batch);
  sample_correct_.resize(batch);
}

batch_result mlp::compute_gradients(std::span<const float> images,
                                    std::span<const uint8_t> labels, prng* dropout) {
  const size_t batch = labels.size();
  assert(batch > 0);
  assert(images.size() == batch * cfg_.inputs);
  return run_batch(images.data(), labels.data(), batch, dropout, true);
}

batch_result mlp::evaluate_batch(std::span<const float> images,
                                 std::span<const uint8_t> labels) {
  const size_t batch = labels.size();
  assert(batch > 0);
  assert(images.size() == batch * cfg_.inputs);
  return run_batch(images.data(), labels.data(), batch, nullptr, false);
}

void mlp::predict_logits(std::span<const float> images, std::span<float> out) {
  assert(out.size() % cfg_.classes == 0);
  const size_t batch = out.size() / cfg_.classes;
  assert(images.size() == batch * cfg_.inputs);
  if (batch == 0)
    return;
  run_batch(images.data(), nullptr, batch, nullptr, false);
  std::copy_n(logits_.begin(), out.size(), out.begin());
}

namespace {

int default_threads() {
  // The CPUs this process may run on, which respects container limits.
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0)
    return std::max(1, CPU_COUNT(&set));
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

std::atomic<int> threads_setting{0};

} // namespace

void set_compute_threads(int threads) {
  threads_setting = threads > 0 ? threads : 0;
  // The portable backend leaves the threading to Eigen.
  Eigen::setNbThreads(threads > 0 ? threads : default_threads());
}

int compute_threads() {
  return detail::configured_threads();
}

int detail::configured_threads() {
  const int threads = threads_setting;
  return threads > 0 ? threads : default_threads();
}

} // namespace swarm::ml
