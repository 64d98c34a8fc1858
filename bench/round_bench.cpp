// Round latency of real SL processes: a sentinel SN and N = 2, 4, 8
// `swarm sl` processes on loopback (127.25.i.1), each with a toy ML
// (tests/sl/toy_ml.cpp) holding an MNIST-sized model (1.6 MB) that syncs
// after every batch. Each ML times its sync calls (sync point to merged
// model applied, waiting for peers included; nothing subtracted); the
// table shows, per N, the median of the nodes' p50s, the largest p90 and
// max, and the wall time of the whole run. Each N runs twice: with the
// SLs' model lanes (the default) and, as the baseline, with
// `--no-model-lane` (models through CAF's connections); the last column
// is the lane run's p50 over the baseline's.
//
// Usage: round_bench [--quick] [--nodes N,N,...] [--syncs N] [--keep]
//                    [--no-baseline] [BIN_DIR]
//   BIN_DIR   where `swarm` and `swarm-toy-ml` are (default: this binary's)
//   --quick   N = 2 only, 20 syncs (default: 2, 4 and 8 nodes, 200 syncs:
//             the first rounds, while the lanes dial, weigh less)
//   --nodes   the swarm sizes to run
//   --syncs   syncs per node (for profiling a longer steady state)
//   --keep    keep each run's certificates and logs (the path is printed)
//   --no-baseline  skip the runs without model lanes

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "sl_cluster.hpp"

namespace {

using namespace sl_test;

/// Target of the two-node case, in milliseconds.
constexpr double target_p50_ms = 10.0;

/// One ML's "sync_ms p50=.. p90=.. max=.. n=.." line.
struct sync_stats {
  double p50 = 0;
  double p90 = 0;
  double max = 0;
  int n = 0;
};

std::optional<sync_stats> parse_stats(const std::string& log) {
  auto line = value_after(log, "sync_ms ");
  sync_stats s;
  if (line.empty()
      || std::sscanf(line.c_str(), "p50=%lf p90=%lf max=%lf n=%d", &s.p50, &s.p90, &s.max, &s.n)
           != 4)
    return std::nullopt;
  return s;
}

/// A scratch directory, removed with its contents unless `keep`.
struct scratch_dir {
  fs::path path;
  bool keep = false;
  explicit scratch_dir(bool keep_it) : keep(keep_it) {
    std::string pattern = (fs::temp_directory_path() / "round_bench.XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error("mkdtemp failed");
    path = pattern;
  }
  ~scratch_dir() {
    std::error_code ec;
    if (keep)
      std::printf("    logs of this run: %s\n", path.c_str());
    else
      fs::remove_all(path, ec);
  }
};

/// Runs one swarm of `n` nodes; prints its table row. Returns the row's
/// aggregate (median p50 over the nodes, largest p90 and max).
std::optional<sync_stats> run_swarm(const fs::path& bin, int n, int syncs, bool keep,
                                    bool lane, const sync_stats* baseline) {
  scratch_dir dir{keep};
  swarm_cluster c{bin, dir.path, 25, n};
  c.start_sn();
  auto start = steady::now();
  for (int i = 1; i <= n; ++i) {
    auto spec = toy_spec(bin, "toy-" + std::to_string(i),
                         {{"MIN_PEERS", std::to_string(n)},
                          {"SYNC_FREQUENCY", "1"},
                          {"TOY_BATCHES", std::to_string(syncs)},
                          {"TOY_REPORT_SYNC", "1"}});
    // The SL's default timeouts, not the tests' short ones: a 1 s leader
    // timeout is shorter than an 8-node exchange of 1.6 MB models on a
    // busy 2-core machine, and elections would churn.
    spec.sl_env.clear();
    if (!lane)
      spec.sl_flags.push_back("--no-model-lane");
    c.start_sl(i, spec);
  }
  std::vector<sync_stats> nodes;
  for (int i = 1; i <= n; ++i) {
    int code = c.sl(i).wait_exit(std::chrono::seconds{60 + 4 * syncs});
    auto stats = parse_stats(c.log(i));
    if (code != 0 || !stats) {
      std::cerr << "round_bench: N=" << n << ": SL-" << i << " failed (exit " << code << ")\n"
                << c.dump();
      return std::nullopt;
    }
    nodes.push_back(*stats);
  }
  double wall = std::chrono::duration<double>(steady::now() - start).count();
  std::vector<double> p50s;
  sync_stats all;
  for (const auto& x : nodes) {
    p50s.push_back(x.p50);
    all.p90 = std::max(all.p90, x.p90);
    all.max = std::max(all.max, x.max);
    all.n += x.n;
  }
  std::sort(p50s.begin(), p50s.end());
  all.p50 = p50s[p50s.size() / 2];
  std::printf("%3d %-5s %10.2f %10.2f %10.2f %8d %10.1f", n, lane ? "lane" : "caf", all.p50,
              all.p90, all.max, all.n, wall);
  if (baseline != nullptr && baseline->p50 > 0)
    std::printf(" %14.2f", all.p50 / baseline->p50);
  std::printf("\n");
  std::fflush(stdout);
  return all;
}

} // namespace

int main(int argc, char** argv) try {
  bool quick = false;
  bool keep = false;
  bool baseline = true;
  int syncs = 0;
  std::vector<int> sizes{2, 4, 8};
  fs::path bin = fs::canonical("/proc/self/exe").parent_path();
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--quick") {
      quick = true;
      sizes = {2};
    } else if (arg == "--keep") {
      keep = true;
    } else if (arg == "--no-baseline") {
      baseline = false;
    } else if (arg == "--nodes" && i + 1 < argc) {
      sizes.clear();
      std::stringstream list{argv[++i]};
      for (std::string x; std::getline(list, x, ',');)
        sizes.push_back(std::stoi(x));
    } else if (arg == "--syncs" && i + 1 < argc) {
      syncs = std::stoi(argv[++i]);
    } else if (arg == "--help" || arg == "-h") {
      std::cout << "usage: round_bench [--quick] [--nodes N,N,...] [--syncs N] [--keep] "
                   "[--no-baseline] [BIN_DIR]\n";
      return 0;
    } else {
      bin = arg;
    }
  }
  for (const char* name : {"swarm", "swarm-toy-ml"})
    if (!fs::exists(bin / name)) {
      std::cerr << "round_bench: no " << (bin / name) << " (pass the bin directory)\n";
      return 2;
    }
  if (syncs <= 0)
    syncs = quick ? 20 : 200;
  std::printf("round latency, MNIST-sized model (1.6 MB), sync after every batch, %d syncs "
              "per node; ms per sync as the ML sees it\n",
              syncs);
  std::printf("%3s %-5s %10s %10s %10s %8s %10s %14s\n", "N", "path", "p50_ms", "p90_ms",
              "max_ms", "syncs", "wall_s", "p50_vs_caf");
  std::optional<sync_stats> two;
  for (int n : sizes) {
    std::optional<sync_stats> caf;
    if (baseline && !(caf = run_swarm(bin, n, syncs, keep, false, nullptr)))
      return 1;
    auto row = run_swarm(bin, n, syncs, keep, true, caf ? &*caf : nullptr);
    if (!row)
      return 1;
    if (n == 2)
      two = row;
  }
  if (two)
    std::printf("target: p50 <= %.0f ms at 2 nodes: %s (%.2f ms)\n", target_p50_ms,
                two->p50 <= target_p50_ms ? "PASS" : "FAIL", two->p50);
  return 0;
} catch (const std::exception& e) {
  std::cerr << "round_bench: " << e.what() << '\n';
  return 1;
}
