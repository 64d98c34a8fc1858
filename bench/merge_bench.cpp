// Merge benchmark: the strategies of merge/ on an MNIST-shaped model
// (dense/kernel [784,512], dense/bias [512], dense_1/kernel [512,10],
// dense_1/bias [10]: 1.6 MB) and a 100 MiB model ([25,1048576]), with 2, 4,
// 8 and 16 peers of random values and unequal weights (k + 1).
//
//   merge_bench            everything (about a minute on two cores)
//   merge_bench --quick    MNIST-shaped model, 2 and 4 peers, fewer reps
//
// Throughput is input bytes (n models) over the best time of several runs
// of the merge, validation included. Times
// are the thread's CPU time (user + system, so page faults count): on a
// machine shared with builds, wall time mostly measures the neighbours; on
// an idle one the two agree. The anchor is memcpy measured in the same run
// over the same bytes: each of the n models copied into one (warm)
// destination. Targets, per row:
// - mean >= 50% of memcpy's bandwidth (column "/copy");
// - medians (coordmedian, geomedian, trimmedmean) within 10x of the
//   mean's time.
// The strategies run as the SL runs them, merge_models_into one output
// bundle reused round after round, so like memcpy they write into warm
// pages. A fresh output's pages cost a fixed time per model (column
// "out ms"; in a VM page faults are dear); "fresh" is the mean's share of
// memcpy when every merge returns a new model (merge_models).
// Geometric median and Krum have no target (iterative, and O(n^2) pairs).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "swarm/merge/strategy.hpp"

namespace {

using namespace swarm::merge;

/// Returns the calling thread's CPU time in seconds.
double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

struct model_spec {
  const char* name;
  std::vector<std::pair<std::string, std::vector<int64_t>>> tensors;
};

struct settings {
  size_t max_reps = 5;
  /// Stop repeating a measurement once its runs took this long.
  double budget_seconds = 0.5;
};

/// Fills `out` with values in [-1, 1) from a xorshift generator: fast
/// enough to make 1.6 GB of peers in a second.
void fill_random(std::vector<float>& out, uint32_t seed) {
  uint32_t s = seed * 2654435761u + 1;
  for (auto& x : out) {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    x = static_cast<float>(static_cast<int32_t>(s)) * (1.0f / 2147483648.0f);
  }
}

std::vector<tensor_bundle> make_peers(const model_spec& spec, size_t n) {
  std::vector<tensor_bundle> result(n);
  for (size_t k = 0; k < n; ++k) {
    for (const auto& [name, shape] : spec.tensors)
      result[k].add(name, shape, nullptr);
    fill_random(result[k].values, static_cast<uint32_t>(k + 1));
  }
  return result;
}

/// Returns the best time in seconds of `run` over the settings' reps.
template <class F>
double best_of(const settings& cfg, F run) {
  double best = 1e100;
  double spent = 0;
  for (size_t rep = 0; rep < cfg.max_reps && spent < cfg.budget_seconds; ++rep) {
    auto start = cpu_seconds();
    run();
    double s = cpu_seconds() - start;
    best = std::min(best, s);
    spent += s;
  }
  return best;
}

double time_memcpy(const settings& cfg, const std::vector<tensor_bundle>& peers, size_t n) {
  std::vector<float> dst(peers[0].values.size(), 1.0f);
  return best_of(cfg, [&] {
    for (size_t k = 0; k < n; ++k)
      std::memcpy(dst.data(), peers[k].values.data(), peers[k].size_bytes());
    // Keep the copies observable.
    volatile float sink = dst[dst.size() / 2];
    (void) sink;
  });
}

/// Returns the time to map the pages of a fresh model-sized output as
/// merge_models does (one madvise call where Linux has MADV_POPULATE_WRITE,
/// else a fault per page; one write per page here, the values themselves
/// are the kernel's work): the part of every merge's time that memcpy into
/// a warm destination never pays.
double time_fresh_output(const settings& cfg, size_t count) {
  return best_of(cfg, [&] {
    std::unique_ptr<float[]> out{new float[count]};
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
    auto begin = (reinterpret_cast<uintptr_t>(out.get()) + 4095) & ~uintptr_t{4095};
    auto end = (reinterpret_cast<uintptr_t>(out.get()) + count * 4) & ~uintptr_t{4095};
    if (count * 4 >= (size_t{2} << 20) && end > begin)
      (void) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE);
#endif
    for (size_t i = 0; i < count; i += 1024)
      out[i] = 1.0f;
    volatile float sink = out[count / 2];
    (void) sink;
  });
}

void check(const swarm::status& st) {
  if (!st) {
    std::fprintf(stderr, "merge failed: %s\n", st.error().to_string().c_str());
    std::exit(1);
  }
}

/// Times merge_models_into with one output bundle reused across runs, as
/// the SL merges every round; the untimed first run maps its pages. With
/// `fresh`, every timed run merges into a new bundle instead (merge_models).
double time_merge(const settings& cfg, const std::vector<contribution>& inputs,
                  merge_method method, bool fresh = false) {
  merge_options opts;
  opts.method = method;
  opts.byzantine_count = (inputs.size() - 3) / 2;
  tensor_bundle out;
  if (!fresh)
    check(merge_models_into(inputs, opts, out));
  return best_of(cfg, [&] {
    if (fresh) {
      auto result = merge_models(inputs, opts);
      check(result ? swarm::status{} : swarm::status{result.error()});
    } else {
      check(merge_models_into(inputs, opts, out));
    }
  });
}

/// Prints one row of the table; returns whether both targets hold.
bool run_row(const settings& cfg, const model_spec& spec, const std::vector<tensor_bundle>& peers,
             size_t n) {
  std::vector<contribution> inputs;
  for (size_t k = 0; k < n; ++k)
    inputs.push_back({"sl-" + std::to_string(k + 1), static_cast<double>(k + 1), &peers[k]});
  double bytes = static_cast<double>(n) * static_cast<double>(peers[0].size_bytes());
  auto gbps = [bytes](double s) { return bytes / s / 1e9; };
  double copy = time_memcpy(cfg, peers, n);
  double fresh = time_fresh_output(cfg, peers[0].values.size());
  double mean = time_merge(cfg, inputs, merge_method::mean);
  double mean_fresh = time_merge(cfg, inputs, merge_method::mean, true);
  double median = time_merge(cfg, inputs, merge_method::coordmedian);
  double trimmed = time_merge(cfg, inputs, merge_method::trimmedmean);
  double geo = time_merge(cfg, inputs, merge_method::geomedian);
  double krum = n < 3 ? 0 : time_merge(cfg, inputs, merge_method::krum);
  double share = copy / mean;
  double fresh_share = copy / mean_fresh;
  double slowest = std::max({median, trimmed, geo}) / mean;
  bool ok_mean = share >= 0.5;
  bool ok_median = slowest <= 10.0;
  auto cell = [&](double s) {
    static char text[32];
    if (s == 0)
      std::snprintf(text, sizeof(text), "%8s", "-");
    else
      std::snprintf(text, sizeof(text), "%8.2f", gbps(s));
    return std::string{text};
  };
  std::printf("%-6s %3zu %8.2f %8.2f %5.0f%% %6.1f %5.0f%% %s %s %5.1fx %s %s   %-4s %-4s\n",
              spec.name, n, gbps(copy), gbps(mean), 100 * share, 1e3 * fresh,
              100 * fresh_share, cell(median).c_str(), cell(trimmed).c_str(), slowest,
              cell(geo).c_str(), cell(krum).c_str(), ok_mean ? "PASS" : "FAIL",
              ok_median ? "PASS" : "FAIL");
  std::fflush(stdout);
  return ok_mean && ok_median;
}

} // namespace

int main(int argc, char** argv) {
  bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  if (argc > 1 && !quick) {
    std::fprintf(stderr, "usage: merge_bench [--quick]\n");
    return 2;
  }
  settings cfg;
  if (quick) {
    cfg.max_reps = 3;
    cfg.budget_seconds = 0.2;
  }
  std::vector<model_spec> specs{
    {"mnist",
     {{"dense/kernel", {784, 512}},
      {"dense/bias", {512}},
      {"dense_1/kernel", {512, 10}},
      {"dense_1/bias", {10}}}},
  };
  if (!quick)
    specs.push_back({"100MiB", {{"dense/kernel", {25, 1048576}}}});
  std::vector<size_t> peer_counts{2, 4};
  if (!quick)
    peer_counts.insert(peer_counts.end(), {8, 16});
  std::printf("GB/s of input (n x model bytes / best CPU time); targets: mean >= 50%% of "
              "memcpy (/copy), medians (coordmedian, geomedian, trimmedmean) within 10x of mean "
              "(med/mn)\n"
              "mean: into a reused (warm) output, as the SL merges every round; out ms: mapping "
              "the pages of a fresh output; fresh: /copy of the mean into a fresh output\n");
  std::printf("%-6s %3s %8s %8s %6s %6s %6s %8s %8s %6s %8s %8s   %-4s %-4s\n", "model", "n",
              "memcpy", "mean", "/copy", "out ms", "fresh", "coordmed", "trimmed", "med/mn",
              "geomed", "krum", "mean", "med");
  bool all = true;
  for (const auto& spec : specs) {
    auto peers = make_peers(spec, peer_counts.back());
    for (auto n : peer_counts)
      all = run_row(cfg, spec, peers, n) && all;
  }
  std::printf("targets: %s\n", all ? "PASS" : "FAIL");
  return 0;
}
