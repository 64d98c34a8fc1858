// Evaluation throughput of the seed's MLP on the MNIST test images, the
// work the SwarmCallback does on each merged model (mnist-ml evaluates a
// 2,000-image slice per sync). Compares, in the same run, the pass that
// skips zero pixels with the dense pass, forced by replacing each zero pixel
// with 1e-30 (the same products over every pixel).

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "swarm/ml/mnist.hpp"
#include "swarm/ml/mlp.hpp"
#include "swarm/ml/trainer.hpp"

namespace {

using namespace swarm::ml;

// Returns the best of `reps` timings of one evaluation of `data`, in ms.
double best_ms(trainer& t, const dataset& data, int reps, double& accuracy) {
  double best = 1e30;
  for (int i = 0; i < reps; ++i) {
    auto start = std::chrono::steady_clock::now();
    auto e = t.evaluate(data);
    auto took = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start);
    if (!e) {
      std::fprintf(stderr, "eval_bench: %s\n", e.error().to_string().c_str());
      std::exit(1);
    }
    accuracy = e->accuracy;
    best = std::min(best, took.count());
  }
  return best;
}

} // namespace

int main(int argc, char** argv) {
  std::string data_dir = SWARM_SOURCE_DIR "/examples/mnist/data";
  size_t samples = 2000;
  int reps = 20;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view arg = argv[i];
    if (arg == "--data")
      data_dir = argv[i + 1];
    else if (arg == "--samples")
      samples = std::strtoull(argv[i + 1], nullptr, 10);
    else if (arg == "--reps")
      reps = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "usage: eval_bench [--data DIR] [--samples N] [--reps N]\n");
      return 2;
    }
  }
  set_compute_threads(1);
  auto test = load_mnist(data_dir, mnist_split::test);
  if (!test) {
    std::fprintf(stderr, "eval_bench: %s\n", test.error().to_string().c_str());
    return 1;
  }
  std::vector<size_t> first(std::min(samples, test->size()));
  for (size_t i = 0; i < first.size(); ++i)
    first[i] = i;
  auto sparse = test->subset(first);
  auto dense = sparse;
  for (auto& x : dense.images)
    x = x == 0.0f ? 1e-30f : x;
  mlp model{1};
  trainer t{model};
  double acc_sparse = 0, acc_dense = 0;
  const double ms_dense = best_ms(t, dense, reps, acc_dense);
  const double ms_sparse = best_ms(t, sparse, reps, acc_sparse);
  std::printf("%zu images, one thread, best of %d\n", sparse.size(), reps);
  std::printf("dense pass (zeros as 1e-30): %7.2f ms (accuracy %.4f)\n", ms_dense, acc_dense);
  std::printf("zeros skipped:               %7.2f ms (accuracy %.4f)\n", ms_sparse, acc_sparse);
  std::printf("speedup: %.2fx\n", ms_dense / ms_sparse);
  return 0;
}
