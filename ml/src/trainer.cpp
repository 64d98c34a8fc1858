#include "swarm/ml/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <numeric>
#include <string>
#include <utility>

namespace swarm::ml {

namespace {

constexpr uint64_t shuffle_stream = 0x73687566; // "shuf"
constexpr uint64_t dropout_stream = 0x64726f70; // "drop"

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

double per_second(size_t samples, double seconds) {
  return seconds > 0.0 ? static_cast<double>(samples) / seconds : 0.0;
}

// Adapts a plain batch-end function to the callback interface.
class batch_end_function : public training_callback {
public:
  explicit batch_end_function(std::function<bool(const batch_stats&)> fn)
    : fn_(std::move(fn)) {
    // nop
  }

  bool on_batch_end(const batch_stats& stats) override {
    return !fn_ || fn_(stats);
  }

private:
  std::function<bool(const batch_stats&)> fn_;
};

} // namespace

training_callback::~training_callback() = default;

trainer::trainer(mlp& model, const trainer_config& cfg)
  : model_(model),
    cfg_(cfg),
    optimizer_(model.parameter_buffer().size(), cfg.optimizer),
    shuffle_rng_(derive_seed(cfg.seed, shuffle_stream)),
    dropout_rng_(derive_seed(cfg.seed, dropout_stream)) {
  assert(cfg.batch_size > 0);
}

status trainer::check(const dataset& data) const {
  const auto& m = model_.config();
  if (data.features() != m.inputs)
    return make_error(errc::shape_mismatch,
                      "dataset has " + std::to_string(data.features())
                        + " features per sample, the model takes "
                        + std::to_string(m.inputs));
  if (data.images.size() != data.size() * data.features())
    return make_error(errc::corrupt_data,
                      "dataset has " + std::to_string(data.images.size())
                        + " pixels for " + std::to_string(data.size()) + " labels");
  auto bad = std::find_if(data.labels.begin(), data.labels.end(),
                          [&](uint8_t y) { return y >= m.classes; });
  if (bad != data.labels.end())
    return make_error(errc::invalid_argument,
                      "label " + std::to_string(*bad) + " of sample "
                        + std::to_string(bad - data.labels.begin())
                        + " is not below the model's " + std::to_string(m.classes)
                        + " classes");
  return status::ok();
}

expected<fit_result> trainer::fit(const dataset& data, size_t epochs,
                                  std::function<bool(const batch_stats&)> on_batch_end) {
  batch_end_function callback{std::move(on_batch_end)};
  return fit(data, epochs, &callback);
}

expected<fit_result> trainer::fit(const dataset& data, size_t epochs,
                                  training_callback* callback) {
  if (auto st = check(data); !st)
    return st.error();
  training_callback nop;
  if (callback == nullptr)
    callback = &nop;
  fit_result result;
  const auto start = clock_type::now();
  callback->on_train_begin();
  size_t samples = 0;
  for (size_t e = 0; e < epochs && !result.stopped_early; ++e) {
    bool stop = false;
    result.epochs.push_back(run_epoch(data, callback, stop));
    samples += result.epochs.back().samples;
    if (!callback->on_epoch_end(result.epochs.back()))
      stop = true;
    result.stopped_early = stop && e + 1 < epochs;
    if (stop)
      break;
  }
  result.seconds = seconds_since(start);
  result.samples_per_second = per_second(samples, result.seconds);
  callback->on_train_end(result);
  return result;
}

epoch_stats trainer::run_epoch(const dataset& data, training_callback* callback,
                               bool& stop) {
  const auto start = clock_type::now();
  epoch_stats epoch;
  epoch.epoch = epoch_++;
  order_.resize(data.size());
  std::iota(order_.begin(), order_.end(), size_t{0});
  if (cfg_.shuffle)
    shuffle_rng_.shuffle(order_);
  double loss_sum = 0.0;
  size_t correct = 0;
  for (size_t first = 0; first < order_.size(); first += cfg_.batch_size) {
    const size_t count = std::min(cfg_.batch_size, order_.size() - first);
    gather(data, {order_.data() + first, count});
    const auto r = train_batch({batch_images_.data(), count * data.features()},
                               {batch_labels_.data(), count});
    loss_sum += r.loss_sum;
    correct += r.correct;
    batch_stats stats;
    stats.epoch = epoch.epoch;
    stats.batch = epoch.batches++;
    stats.step = step_++;
    stats.samples = count;
    stats.loss = r.mean_loss();
    stats.accuracy = r.accuracy();
    epoch.samples += count;
    if (!callback->on_batch_end(stats)) {
      // Stop at once, in the middle of an epoch, as Keras' stop_training.
      stop = true;
      break;
    }
  }
  if (epoch.samples > 0) {
    epoch.loss = loss_sum / static_cast<double>(epoch.samples);
    epoch.accuracy = static_cast<double>(correct) / static_cast<double>(epoch.samples);
  }
  epoch.seconds = seconds_since(start);
  epoch.samples_per_second = per_second(epoch.samples, epoch.seconds);
  return epoch;
}

void trainer::gather(const dataset& data, std::span<const size_t> indices) {
  const size_t features = data.features();
  batch_images_.resize(std::max(batch_images_.size(), indices.size() * features));
  batch_labels_.resize(std::max(batch_labels_.size(), indices.size()));
  for (size_t k = 0; k < indices.size(); ++k) {
    std::memcpy(batch_images_.data() + k * features,
                data.images.data() + indices[k] * features, features * sizeof(float));
    batch_labels_[k] = data.labels[indices[k]];
  }
}

batch_result trainer::train_batch(std::span<const float> images,
                                  std::span<const uint8_t> labels) {
  auto result = model_.compute_gradients(images, labels, &dropout_rng_);
  optimizer_.step(model_.parameter_buffer(), model_.gradient_buffer());
  return result;
}

expected<evaluation> trainer::evaluate(const dataset& data, size_t batch_size) {
  if (auto st = check(data); !st)
    return st.error();
  if (batch_size == 0)
    batch_size = cfg_.batch_size;
  const size_t features = data.features();
  batch_result total;
  for (size_t first = 0; first < data.size(); first += batch_size) {
    const size_t count = std::min(batch_size, data.size() - first);
    // Samples are contiguous already: no gather needed without a shuffle.
    const auto r = model_.evaluate_batch(
      {data.images.data() + first * features, count * features},
      {data.labels.data() + first, count});
    total.loss_sum += r.loss_sum;
    total.correct += r.correct;
    total.samples += r.samples;
  }
  return evaluation{total.mean_loss(), total.accuracy(), total.samples};
}

} // namespace swarm::ml
