// swarm-toy-ml: an ML program for SL tests and benchmarks that trains
// nothing real. It owns named float tensors (TOY_SHAPE), "trains" them with
// a cheap deterministic update per batch, and drives the SwarmCallback as a
// PyTorch user would (on_train_begin, on_batch_end, on_epoch_end,
// on_train_end), without the reference trainer. So a swarm of toy nodes
// moves a realistic model (MNIST-sized by default) at a chosen pace.
//
// Environment:
//   TOY_SHAPE          comma-separated tensors, each "[name:]D1xD2x...";
//                      unnamed rank >= 2 tensors are w, w1, w2, ..., the
//                      others b, b1, ... (default "784x512,512,512x10,10")
//   TOY_BATCHES        batches in total (default 100), over TOY_EPOCHS (1)
//   TOY_BATCH_WORK_US  busy compute per batch in microseconds (default 0)
//   TOY_SETUP_WORK_US  busy compute between opening the session and
//                      on_train_begin, as a program that loads its data
//                      after creating the callback (default 0)
//   TOY_REPORT_SYNC    1: print "sync_ms p50=.. p90=.. max=.. n=.." at the end
//   SYNC_FREQUENCY (10), MIN_PEERS (2), NODE_NAME, NODE_WEIGHTAGE (1),
//   MERGE_METHOD (mean), TRAINING_CONTRACT, SWARM_SEED (1), SWARM_LOOPBACK
// Prints "Initial model SHA-256: <hex>" after the initial sync and
// "Final model SHA-256: <hex>" at the end; exits 1 if the swarm failed.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "swarm/callback/swarm_callback.hpp"
#include "swarm/common/log.hpp"
#include "swarm/common/sha256.hpp"
#include "swarm/merge/bundle.hpp"
#include "toy_model.hpp"

namespace {

using namespace swarm::toy;
using clock_type = std::chrono::steady_clock;

std::string env_or(const char* name, std::string fallback) {
  const char* x = std::getenv(name);
  return x != nullptr && *x != '\0' ? std::string{x} : fallback;
}

int env_int(const char* name, int fallback) {
  return std::stoi(env_or(name, std::to_string(fallback)));
}

/// Returns the SHA-256 of the parameters as the swarm computes it.
std::string digest_hex(toy_model& model) {
  swarm::merge::tensor_bundle bundle;
  for (const auto& v : model.views())
    bundle.add(v.name, v.shape, v.data);
  return swarm::to_hex(swarm::merge::digest(bundle));
}

/// Spins for `us` microseconds: compute, not sleep, as a real batch would.
void busy_work(int us) {
  if (us <= 0)
    return;
  auto until = clock_type::now() + std::chrono::microseconds{us};
  volatile uint64_t sink = 0;
  while (clock_type::now() < until)
    for (int i = 0; i < 64; ++i)
      sink = sink * 6364136223846793005ULL + 1442695040888963407ULL;
}

/// Prints the latency of the syncs made from on_batch_end, in milliseconds.
void report_syncs(std::vector<double> ms) {
  if (ms.empty()) {
    std::printf("sync_ms p50=0 p90=0 max=0 n=0\n");
    return;
  }
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) {
    return ms[static_cast<size_t>(q * static_cast<double>(ms.size() - 1))];
  };
  std::printf("sync_ms p50=%.3f p90=%.3f max=%.3f n=%zu\n", at(0.5), at(0.9), ms.back(),
              ms.size());
}

swarm::callback::swarm_params params_from_env(int epochs) {
  swarm::callback::swarm_params p;
  p.sync_frequency = env_int("SYNC_FREQUENCY", 10);
  p.min_peers = env_int("MIN_PEERS", 2);
  p.node_weightage = env_int("NODE_WEIGHTAGE", 1);
  p.merge_method = env_or("MERGE_METHOD", "mean");
  p.training_contract = env_or("TRAINING_CONTRACT", p.training_contract);
  p.checkin_model_on_train_end = env_or("CHECKIN_MODEL_ON_TRAIN_END", "snapshot");
  p.total_epochs = epochs;
  return p;
}

/// The training loop; returns the exit code.
int train(toy_model& model, swarm::callback::swarm_callback& cb, int batches, int epochs,
          int work_us, bool report) {
  auto log = swarm::log::get("toy-ml");
  auto start = clock_type::now();
  cb.on_train_begin();
  std::printf("Initial model SHA-256: %s\n", digest_hex(model).c_str());
  std::fflush(stdout);
  std::vector<double> sync_ms;
  swarm::ml::fit_result fit;
  int per_epoch = (batches + epochs - 1) / epochs;
  bool go = !cb.last_error();
  for (int epoch = 0, step = 0; go && epoch < epochs && step < batches; ++epoch) {
    auto epoch_start = clock_type::now();
    int done = 0;
    for (; go && done < per_epoch && step < batches; ++done, ++step) {
      model.train_step(static_cast<uint64_t>(step));
      busy_work(work_us);
      swarm::ml::batch_stats stats;
      stats.epoch = static_cast<size_t>(epoch);
      stats.batch = static_cast<size_t>(done);
      stats.step = static_cast<size_t>(step);
      stats.samples = toy_batch_samples;
      auto before = cb.sync_time();
      auto t0 = clock_type::now();
      go = cb.on_batch_end(stats);
      auto elapsed = clock_type::now() - t0;
      if (cb.sync_time() != before)
        sync_ms.push_back(std::chrono::duration<double, std::milli>(elapsed).count());
    }
    swarm::ml::epoch_stats es;
    es.epoch = static_cast<size_t>(epoch);
    es.batches = static_cast<size_t>(done);
    es.samples = es.batches * toy_batch_samples;
    es.seconds = std::chrono::duration<double>(clock_type::now() - epoch_start).count();
    fit.epochs.push_back(es);
    go = cb.on_epoch_end(es) && go;
  }
  fit.stopped_early = !go;
  fit.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  cb.on_train_end(fit);
  if (cb.last_error()) {
    log->error("the swarm failed: {}", cb.last_error()->message);
    return 1;
  }
  std::printf("Final model SHA-256: %s\n", digest_hex(model).c_str());
  std::printf("Swarm sync: %zu rounds, %.2f s in sync of %.2f s wall\n", cb.rounds_synced(),
              cb.sync_seconds(), fit.seconds);
  if (report)
    report_syncs(std::move(sync_ms));
  std::fflush(stdout);
  return 0;
}

} // namespace

int main() try {
  if (auto st = swarm::log::init(); !st) {
    std::cerr << "swarm-toy-ml: " << st.error().message << '\n';
    return 2;
  }
  auto log = swarm::log::get("toy-ml");
  auto layout = parse_shapes(env_or("TOY_SHAPE", default_toy_shape));
  if (!layout) {
    log->error("invalid TOY_SHAPE: {}", layout.error().message);
    return 2;
  }
  int batches = env_int("TOY_BATCHES", 100);
  int epochs = std::max(1, env_int("TOY_EPOCHS", 1));
  std::string node = env_or("NODE_NAME", "toy");
  auto seed = static_cast<uint64_t>(std::stoull(env_or("SWARM_SEED", "1")));
  toy_model model{*layout, seed, node};
  swarm::callback::callback_options opts;
  opts.node_name = node;
  auto cb = swarm::callback::swarm_callback::create(params_from_env(epochs), model.views(), {},
                                                    opts);
  if (!cb) {
    log->error("cannot join the swarm: {}", cb.error().message);
    return 1;
  }
  log->info("{} tensors, {} floats; {} batches over {} epochs", layout->size(),
            model.float_count(), batches, epochs);
  busy_work(env_int("TOY_SETUP_WORK_US", 0));
  return train(model, **cb, batches, epochs, env_int("TOY_BATCH_WORK_US", 0),
               env_or("TOY_REPORT_SYNC", "0") == "1");
} catch (const std::exception& e) {
  // std::stoi and friends on a malformed variable.
  std::cerr << "swarm-toy-ml: invalid environment: " << e.what() << '\n';
  return 2;
}
