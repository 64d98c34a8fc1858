// Trains the seed's model on the full MNIST training set and prints the test
// accuracy after every epoch: the check that the reference trainer learns as
// well as Keras does (>= 96.9% after 2 epochs, >= 97.8% after 5).

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "swarm/ml/mnist.hpp"
#include "swarm/ml/mlp.hpp"
#include "swarm/ml/trainer.hpp"

namespace {

using namespace swarm::ml;

// Evaluates on the test set after every epoch.
class report_callback : public training_callback {
public:
  report_callback(trainer& t, const dataset& test) : trainer_(t), test_(test) {
    // nop
  }

  bool on_epoch_end(const epoch_stats& stats) override {
    auto eval = trainer_.evaluate(test_);
    if (!eval) {
      std::fprintf(stderr, "accuracy_bench: %s\n", eval.error().to_string().c_str());
      return false;
    }
    std::printf("epoch %zu: train loss %.4f acc %.4f | test loss %.4f acc %.4f | "
                "%.0f samples/s\n",
                stats.epoch + 1, stats.loss, stats.accuracy, eval->loss, eval->accuracy,
                stats.samples_per_second);
    std::fflush(stdout);
    return true;
  }

private:
  trainer& trainer_;
  const dataset& test_;
};

} // namespace

int main(int argc, char** argv) {
  std::string data_dir = SWARM_SOURCE_DIR "/examples/mnist/data";
  size_t epochs = 5;
  uint64_t seed = 1;
  int threads = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view arg = argv[i];
    if (arg == "--data")
      data_dir = argv[i + 1];
    else if (arg == "--epochs")
      epochs = std::strtoull(argv[i + 1], nullptr, 10);
    else if (arg == "--seed")
      seed = std::strtoull(argv[i + 1], nullptr, 10);
    else if (arg == "--threads")
      threads = std::atoi(argv[i + 1]);
    else {
      std::puts("usage: accuracy_bench [--data DIR] [--epochs N] [--seed N] [--threads N]");
      return 2;
    }
  }
  set_compute_threads(threads);
  auto train = load_mnist(data_dir, mnist_split::train);
  auto test = load_mnist(data_dir, mnist_split::test);
  if (!train || !test) {
    std::fprintf(stderr, "accuracy_bench: %s\n",
                 (!train ? train.error() : test.error()).to_string().c_str());
    return 1;
  }
  mlp model{seed};
  trainer_config cfg;
  cfg.seed = seed;
  trainer t{model, cfg};
  report_callback report{t, *test};
  std::printf("seed %llu, %d threads, %zu training and %zu test samples\n",
              static_cast<unsigned long long>(seed), threads, train->size(), test->size());
  auto result = t.fit(*train, epochs, &report);
  if (!result) {
    std::fprintf(stderr, "accuracy_bench: %s\n", result.error().to_string().c_str());
    return 1;
  }
  return 0;
}
