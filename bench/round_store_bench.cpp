// Round-state benchmark: what saving an SL's round state costs a round, on
// the MNIST model (dense/kernel [784,512], dense/bias [512], dense_1/kernel
// [512,10], dense_1/bias [10]: 1.6 MB), in a directory of the file system
// the SL's data directory would be on.
//
//   round_store_bench [DIR]   (default: a new directory under ./out)
//
// A round saves twice, as an SL does: the value it accepted (a model the
// previous record does not name) and its commit (the same model: only the
// record). The SL writes the record before its messages leave and the new
// model after (round_store::save with deferred models): the first is what
// a round waits for, the second only costs CPU. The anchor, measured in the
// same run, is memcpy of the model into a warm buffer. Wall-clock medians
// over 200 rounds, unsynced (the default) and with SL_FSYNC_ROUND_STATE's
// fdatasync.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <vector>

#include "swarm/merge/bundle.hpp"
#include "swarm/sl/round_store.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

double ms_since(clock_type::time_point start) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
}

double median(std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  return xs[xs.size() / 2];
}

swarm::merge::model_ptr mnist_model(std::mt19937& rng) {
  std::uniform_real_distribution<float> u{-1.0f, 1.0f};
  swarm::merge::tensor_bundle b;
  auto add = [&](const char* name, std::vector<int64_t> shape) { b.add(name, shape, nullptr); };
  add("dense/kernel", {784, 512});
  add("dense/bias", {512});
  add("dense_1/kernel", {512, 10});
  add("dense_1/bias", {10});
  for (auto& x : b.values)
    x = u(rng);
  return std::make_shared<const swarm::merge::tensor_bundle>(std::move(b));
}

swarm::merge::round_value value_of(const swarm::merge::model_ptr& m, uint64_t term) {
  swarm::merge::checkin_info info;
  info.weight = 1.0;
  info.samples = 128;
  return {term, swarm::merge::digest(*m), m, {{"SL-1~a", info}, {"SL-2~b", info}}, false, {}};
}

struct timings {
  double accept_record = 0, accept_model = 0, commit_record = 0;
};

// Medians over `rounds`: the accepting save's record and deferred model,
// and the committing save.
timings run(const std::filesystem::path& dir, bool fsync, int rounds) {
  auto store = swarm::sl::round_store::open(dir, fsync ? "synced" : "unsynced", fsync);
  if (!store) {
    std::fprintf(stderr, "round_store_bench: %s\n", store.error().message.c_str());
    std::exit(1);
  }
  std::mt19937 rng{42};
  auto base = mnist_model(rng);
  swarm::merge::round_hard_state state;
  std::vector<double> accept_ms, model_ms, commit_ms;
  for (int r = 1; r <= rounds; ++r) {
    // Every round merges a new model (one value differs: a new digest).
    auto next = *base;
    next.values[static_cast<size_t>(r) % next.values.size()] += 1.0f;
    state.accepted = value_of(std::make_shared<const swarm::merge::tensor_bundle>(next), 1);
    auto t0 = clock_type::now();
    if (!store->save("SL-1~a", state, true))
      std::exit(1);
    accept_ms.push_back(ms_since(t0));
    auto tm = clock_type::now();
    if (!store->write_deferred())
      std::exit(1);
    model_ms.push_back(ms_since(tm));
    state.committed_round = static_cast<uint64_t>(r);
    state.committed = *state.accepted;
    state.accepted.reset();
    auto t1 = clock_type::now();
    if (!store->save("SL-1~a", state))
      std::exit(1);
    commit_ms.push_back(ms_since(t1));
  }
  return {median(accept_ms), median(model_ms), median(commit_ms)};
}

} // namespace

int main(int argc, char** argv) {
  std::filesystem::path dir = argc > 1 ? argv[1] : "out/round_store_bench";
  std::filesystem::create_directories(dir);
  std::mt19937 rng{7};
  auto model = mnist_model(rng);
  std::vector<float> dest(model->values.size());
  std::vector<double> copy_ms;
  for (int i = 0; i < 200; ++i) {
    auto t0 = clock_type::now();
    std::memcpy(dest.data(), model->values.data(), model->size_bytes());
    copy_ms.push_back(ms_since(t0));
  }
  auto copy = median(copy_ms);
  std::printf("MNIST model, %.2f MB, in %s\n", model->size_bytes() / 1e6, dir.c_str());
  std::printf("memcpy of the model (anchor): %.3f ms\n", copy);
  std::printf("           record before the messages   model after them   commit record\n");
  for (bool fsync : {false, true}) {
    auto t = run(dir, fsync, fsync ? 50 : 200);
    std::printf("%-9s  %8.3f ms                  %8.3f ms (%4.1fx memcpy)  %8.3f ms\n",
                fsync ? "fsync" : "unsynced", t.accept_record, t.accept_model,
                t.accept_model / copy, t.commit_record);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
