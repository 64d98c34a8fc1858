// Training throughput of the reference trainer on the bundled MNIST: the
// seed's model, Adam, batch 128, as bench/pytorch_train_bench.py measures
// PyTorch. Prints one line `swarm: N samples/s (...)` for train_bench.sh.

#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "swarm/ml/mnist.hpp"
#include "swarm/ml/mlp.hpp"
#include "swarm/ml/prng.hpp"
#include "swarm/ml/trainer.hpp"

namespace {

using namespace swarm::ml;
using clock_type = std::chrono::steady_clock;

struct options {
  std::string data_dir = SWARM_SOURCE_DIR "/examples/mnist/data";
  size_t batches = 1000;
  size_t warmup = 50;
  int threads = 2;
  uint64_t seed = 1;
  bool synthetic = false;
};

void usage() {
  std::puts("usage: train_bench [--data DIR] [--batches N] [--warmup N] [--threads N]\n"
            "                   [--seed N] [--synthetic]\n"
            "Trains N timed batches of 128 (after warm-up batches) and prints samples/s.\n"
            "--synthetic uses random data of MNIST's shape instead of the real files.");
}

bool parse(int argc, char** argv, options& opts) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = nullptr;
    if (arg == "--synthetic")
      opts.synthetic = true;
    else if (arg == "--data" && (v = value()))
      opts.data_dir = v;
    else if (arg == "--batches" && (v = value()))
      opts.batches = std::strtoull(v, nullptr, 10);
    else if (arg == "--warmup" && (v = value()))
      opts.warmup = std::strtoull(v, nullptr, 10);
    else if (arg == "--threads" && (v = value()))
      opts.threads = std::atoi(v);
    else if (arg == "--seed" && (v = value()))
      opts.seed = std::strtoull(v, nullptr, 10);
    else
      return false;
  }
  return opts.batches > 0;
}

dataset synthetic_mnist(uint64_t seed) {
  dataset data;
  prng rng{seed};
  data.images.resize(60000 * data.features());
  data.labels.resize(60000);
  for (auto& x : data.images)
    x = rng.uniform_float();
  for (auto& y : data.labels)
    y = static_cast<uint8_t>(rng.below(10));
  return data;
}

// Starts the clock after the warm-up batches and stops training after the
// timed ones, so loading and first-touch costs are not measured.
class timing_callback : public training_callback {
public:
  timing_callback(size_t warmup, size_t timed) : warmup_(warmup), timed_(timed) {
    // nop
  }

  bool on_batch_end(const batch_stats& stats) override {
    if (stats.step + 1 == warmup_) {
      start_ = clock_type::now();
      cpu_start_ = std::clock();
    } else if (stats.step + 1 > warmup_) {
      samples_ += stats.samples;
    }
    if (stats.step + 1 == warmup_ + timed_) {
      seconds_ = std::chrono::duration<double>(clock_type::now() - start_).count();
      cpu_seconds_ = static_cast<double>(std::clock() - cpu_start_) / CLOCKS_PER_SEC;
      return false;
    }
    return true;
  }

  double cpu_seconds() const {
    return cpu_seconds_;
  }

  size_t samples() const {
    return samples_;
  }

  double seconds() const {
    return seconds_;
  }

private:
  size_t warmup_;
  size_t timed_;
  size_t samples_ = 0;
  double seconds_ = 0.0;
  double cpu_seconds_ = 0.0;
  clock_type::time_point start_ = clock_type::now();
  std::clock_t cpu_start_ = std::clock();
};

} // namespace

int main(int argc, char** argv) {
  options opts;
  if (!parse(argc, argv, opts)) {
    usage();
    return 2;
  }
  set_compute_threads(opts.threads);
  dataset data;
  if (opts.synthetic) {
    data = synthetic_mnist(opts.seed);
  } else {
    auto loaded = load_mnist(opts.data_dir, mnist_split::train);
    if (!loaded) {
      std::fprintf(stderr, "train_bench: %s (try --synthetic)\n",
                   loaded.error().to_string().c_str());
      return 1;
    }
    data = std::move(*loaded);
  }
  mlp model{opts.seed};
  trainer_config cfg;
  cfg.seed = opts.seed;
  trainer train{model, cfg};
  timing_callback timing{opts.warmup, opts.batches};
  const size_t epochs = (opts.warmup + opts.batches) / ((data.size() + 127) / 128) + 1;
  auto result = train.fit(data, epochs, &timing);
  if (!result) {
    std::fprintf(stderr, "train_bench: %s\n", result.error().to_string().c_str());
    return 1;
  }
  const double rate = static_cast<double>(timing.samples()) / timing.seconds();
  // CPU time (all threads) tells how much a loaded machine distorted the
  // wall-clock rate.
  std::printf("swarm: %.0f samples/s (%zu samples in %.3f s, %.3f s CPU, %d threads, "
              "%s data)\n",
              rate, timing.samples(), timing.seconds(), timing.cpu_seconds(),
              compute_threads(), opts.synthetic ? "synthetic" : "MNIST");
  return 0;
}
