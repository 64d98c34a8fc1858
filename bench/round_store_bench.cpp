// Round-state benchmark: what saving an SL's round state costs a round, on
// the MNIST model (dense/kernel [784,512], dense/bias [512], dense_1/kernel
// [512,10], dense_1/bias [10]: 1.6 MB), in a directory of the file system
// the SL's data directory would be on.
//
//   round_store_bench [DIR]   (default: a new directory under ./out)
//
// A round saves twice, as an SL does: the value it accepted (a model the
// previous record does not name) and its commit (the same model: only the
// record). Both are saved, models first, before the messages they cover
// leave, so that a record is never without its model. A leader's accepting
// save writes its merged model then; an acceptor stored its speculative
// merge of the same model while it waited for the proposal
// (round_store::prewrite), and its accepting save writes only the record.
// The anchor, measured in the same run, is memcpy of the model into a warm
// buffer. Wall-clock medians over 200 rounds, unsynced (the default) and
// with SL_FSYNC_ROUND_STATE's fdatasync.
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
  double leader_accept = 0, prewrite = 0, acceptor_accept = 0, commit = 0;
};

// Medians over `rounds`: a leader's accepting save (model and record), or
// an acceptor's prewrite and accepting save (record only); the committing
// save.
timings run(const std::filesystem::path& dir, bool fsync, int rounds, bool leader) {
  auto name = std::string{fsync ? "synced" : "unsynced"} + (leader ? "-leader" : "-acceptor");
  auto store = swarm::sl::round_store::open(dir, name, fsync);
  if (!store) {
    std::fprintf(stderr, "round_store_bench: %s\n", store.error().message.c_str());
    std::exit(1);
  }
  std::mt19937 rng{42};
  auto base = mnist_model(rng);
  swarm::merge::round_hard_state state;
  std::vector<double> prewrite_ms, accept_ms, commit_ms;
  for (int r = 1; r <= rounds; ++r) {
    // Every round merges a new model (one value differs: a new digest).
    auto next = *base;
    next.values[static_cast<size_t>(r) % next.values.size()] += 1.0f;
    state.accepted = value_of(std::make_shared<const swarm::merge::tensor_bundle>(next), 1);
    if (!leader) {
      auto tp = clock_type::now();
      if (!store->prewrite(state.accepted->digest, next))
        std::exit(1);
      prewrite_ms.push_back(ms_since(tp));
    }
    auto t0 = clock_type::now();
    if (!store->save("SL-1~a", state))
      std::exit(1);
    accept_ms.push_back(ms_since(t0));
    state.committed_round = static_cast<uint64_t>(r);
    state.committed = *state.accepted;
    state.accepted.reset();
    auto t1 = clock_type::now();
    if (!store->save("SL-1~a", state))
      std::exit(1);
    commit_ms.push_back(ms_since(t1));
  }
  if (leader)
    return {median(accept_ms), 0, 0, median(commit_ms)};
  return {0, median(prewrite_ms), median(accept_ms), median(commit_ms)};
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
  std::printf("(before the messages: the accepting saves and the commit; the prewrite while "
              "an acceptor waits for the proposal)\n");
  std::printf("           leader accepts (model+record)   acceptor prewrite   acceptor accepts"
              "   commit\n");
  for (bool fsync : {false, true}) {
    int rounds = fsync ? 50 : 200;
    auto l = run(dir, fsync, rounds, true);
    auto a = run(dir, fsync, rounds, false);
    std::printf("%-9s  %8.3f ms (%4.1fx memcpy)       %8.3f ms         %8.3f ms    %8.3f ms\n",
                fsync ? "fsync" : "unsynced", l.leader_accept, l.leader_accept / copy,
                a.prewrite, a.acceptor_accept, a.commit);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
