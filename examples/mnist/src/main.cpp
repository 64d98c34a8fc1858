// mnist-ml: the C++ counterpart of HPE's examples/mnist/model/mnist_tf.py.
// Reads its settings from the environment as the seed's tasks pass them,
// trains the seed's MLP on MNIST, evaluates it on the 10,000 test images and
// saves it to SCRATCH_DIR/mnist.safetensors. Alone with SWARM_LOOPBACK=True;
// otherwise in a swarm, through the SwarmCallback and the SL whose channel
// SWARM_SL_CHANNEL names.

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include <unistd.h>

#include "progress.hpp"
#include "settings.hpp"
#include "swarm_mode.hpp"
#include "swarm/common/log.hpp"
#include "swarm/ml/mnist.hpp"
#include "swarm/ml/safetensors.hpp"
#include "swarm/ml/shard.hpp"
#include "swarm/ml/trainer.hpp"

namespace fs = std::filesystem;
namespace ml = swarm::ml;
using namespace swarm::examples::mnist;

namespace {

/// Name of the saved model inside SCRATCH_DIR.
constexpr const char* model_file_name = "mnist.safetensors";

/// Prints Keras-like lines and evaluates on the test set after every epoch.
class keras_progress : public ml::training_callback {
public:
  keras_progress(ml::trainer& trainer, const ml::dataset& validation, int epochs,
                 size_t steps_per_epoch)
    : trainer_(trainer),
      validation_(validation),
      epochs_(epochs),
      steps_(steps_per_epoch),
      interactive_(::isatty(STDOUT_FILENO) == 1) {
    // nop
  }

  bool on_batch_end(const ml::batch_stats& stats) override {
    if (stats.batch == 0) {
      bar_.emplace(std::cout, interactive_, static_cast<int>(stats.epoch) + 1, epochs_,
                   steps_);
      loss_sum_ = 0;
      correct_ = 0;
      samples_ = 0;
    }
    loss_sum_ += stats.loss * static_cast<double>(stats.samples);
    correct_ += stats.accuracy * static_cast<double>(stats.samples);
    samples_ += stats.samples;
    bar_->update(stats.batch + 1, loss_sum_ / static_cast<double>(samples_),
                 correct_ / static_cast<double>(samples_));
    return true;
  }

  bool on_epoch_end(const ml::epoch_stats& stats) override {
    auto val = trainer_.evaluate(validation_);
    epoch_stats line;
    line.loss = stats.loss;
    line.accuracy = stats.accuracy;
    line.val_loss = val ? val->loss : 0.0;
    line.val_accuracy = val ? val->accuracy : 0.0;
    line.train_seconds = stats.seconds;
    line.samples_per_second = stats.samples_per_second;
    bar_->finish(line);
    return true;
  }

private:
  ml::trainer& trainer_;
  const ml::dataset& validation_;
  int epochs_;
  size_t steps_;
  bool interactive_;
  std::optional<epoch_progress> bar_;
  double loss_sum_ = 0;
  double correct_ = 0;
  size_t samples_ = 0;
};

std::shared_ptr<spdlog::logger> logger() {
  return swarm::log::get("mnist-ml");
}

swarm::expected<ml::dataset> load(const settings& cfg, ml::mnist_split split) {
  auto policy = cfg.bundled_data ? ml::checksum_policy::require
                                 : ml::checksum_policy::verify_if_listed;
  return ml::load_mnist(cfg.data_dir, split, policy);
}

/// Applies DATA_SPLIT: the seed trains every node on the full set.
swarm::expected<ml::dataset> select_shard(const settings& cfg, ml::dataset train) {
  if (cfg.split == data_split::full)
    return train;
  double skew = cfg.split == data_split::iid ? 0.0 : cfg.skew;
  return ml::shard_dataset(train, cfg.node_index, cfg.node_count, skew, cfg.seed);
}

int fail(const swarm::error& err) {
  logger()->error("{}", err.message);
  return 1;
}

int train_and_save(const settings& cfg, const ml::dataset& train,
                   const ml::dataset& test) {
  ml::mlp model{cfg.seed};
  ml::trainer_config tcfg;
  tcfg.seed = trainer_seed(cfg);
  ml::trainer trainer{model, tcfg};
  size_t steps = (train.size() + tcfg.batch_size - 1) / tcfg.batch_size;
  keras_progress progress{trainer, test, cfg.max_epochs, steps};
  // Swarm mode: the SwarmCallback runs after the progress display.
  ml::dataset slice;
  // Declared first so that it outlives the callback using its channel.
  std::unique_ptr<swarm::sl::embedded_sl> embedded_sl;
  std::unique_ptr<swarm::callback::swarm_callback> swarm_cb;
  std::optional<callback_chain> chain;
  if (!cfg.loopback) {
    slice = validation_slice(test);
    auto made = make_swarm_callback(cfg, model, trainer, slice, embedded_sl);
    if (!made)
      return fail(made.error());
    swarm_cb = std::move(*made);
    chain.emplace(progress, *swarm_cb);
  }
  ml::training_callback* callbacks = chain ? static_cast<ml::training_callback*>(&*chain)
                                           : &progress;
  auto fit = trainer.fit(train, static_cast<size_t>(cfg.max_epochs), callbacks);
  if (!fit)
    return fail(fit.error());
  if (swarm_cb && swarm_cb->last_error())
    return fail(swarm::make_error(swarm_cb->last_error()->code,
                                  "the swarm failed: " + swarm_cb->last_error()->message));
  auto eval = trainer.evaluate(test);
  if (!eval)
    return fail(eval.error());
  std::error_code ec;
  fs::create_directories(cfg.scratch_dir, ec);
  auto path = cfg.scratch_dir / model_file_name;
  logger()->info("Saving the final model ...");
  auto params = model.parameters();
  ml::safetensors_metadata meta{{"format", "swarm-mnist-mlp"},
                                {"epochs", std::to_string(cfg.max_epochs)},
                                {"seed", std::to_string(cfg.seed)}};
  if (auto st = ml::save_safetensors(path, params, meta); !st)
    return fail(st.error());
  logger()->info("Saved the trained model - {}", path.string());
  logger()->info("Starting inference on the test data ...");
  std::printf("Test loss: %.6f\nTest accuracy: %.4f\n", eval->loss, eval->accuracy);
  // For bench/swarm_overhead.sh: the training loop's wall time, syncs included.
  std::printf("Training wall time: %.3f s\n", fit->seconds);
  std::fflush(stdout);
  if (swarm_cb)
    if (auto st = print_swarm_report(*swarm_cb, model, path, fit->seconds); !st)
      return fail(st.error());
  return 0;
}

} // namespace

int main() {
  if (auto st = swarm::log::init(); !st) {
    std::cerr << "mnist-ml: " << st.error().message << '\n';
    return 2;
  }
  auto cfg = read_settings([](const char* name) { return std::getenv(name); },
                           SWARM_BUNDLED_MNIST_DIR);
  if (!cfg) {
    logger()->error("invalid environment: {}", cfg.error().message);
    return 2;
  }
  if (!cfg->loopback) {
    if (auto st = check_swarm_settings(*cfg); !st) {
      logger()->error("invalid environment: {}", st.error().message);
      return 2;
    }
  }
  logger()->info("DATA_DIR={} MODEL_DIR={} SCRATCH_DIR={} MAX_EPOCHS={} MIN_PEERS={} "
                 "SWARM_LOOPBACK={}",
                 cfg->data_dir.string(), cfg->model_dir.string(),
                 cfg->scratch_dir.string(), cfg->max_epochs, cfg->min_peers,
                 cfg->loopback ? "True" : "False");
  if (!cfg->loopback)
    logger()->info("SYNC_FREQUENCY={} NODE_WEIGHTAGE={} MERGE_METHOD={} "
                   "CHECKIN_MODEL_ON_TRAIN_END={} TRAINING_CONTRACT={} NODE_NAME={}",
                   cfg->sync_frequency, cfg->node_weightage, cfg->merge_method,
                   cfg->checkin_model_on_train_end, cfg->training_contract,
                   cfg->node_name);
  auto train = load(*cfg, ml::mnist_split::train);
  if (!train)
    return fail(train.error());
  auto test = load(*cfg, ml::mnist_split::test);
  if (!test)
    return fail(test.error());
  auto shard = select_shard(*cfg, std::move(*train));
  if (!shard)
    return fail(shard.error());
  logger()->info("training on {} samples, testing on {}", shard->size(), test->size());
  return train_and_save(*cfg, *shard, *test);
}
