#define BOOST_TEST_MODULE ml.trainer
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "swarm/ml/prng.hpp"
#include "swarm/ml/trainer.hpp"

using namespace swarm::ml;

namespace {

constexpr size_t side = 4; // 4 x 4 "images": 16 features

mlp_config small_model() {
  mlp_config cfg;
  cfg.inputs = side * side;
  cfg.hidden = 32;
  cfg.classes = 3;
  return cfg;
}

// Three noisy blobs in [0, 1]^16: learnable in a few epochs.
dataset blobs(size_t n, uint64_t seed) {
  prng rng{seed};
  dataset data;
  data.rows = side;
  data.cols = side;
  for (size_t s = 0; s < n; ++s) {
    const auto label = static_cast<uint8_t>(rng.below(3));
    data.labels.push_back(label);
    for (size_t i = 0; i < side * side; ++i) {
      const float center = (i % 3 == label) ? 0.8f : 0.2f;
      data.images.push_back(center + 0.3f * (rng.uniform_float() - 0.5f));
    }
  }
  return data;
}

trainer_config small_trainer(uint64_t seed) {
  trainer_config cfg;
  cfg.batch_size = 32;
  cfg.seed = seed;
  return cfg;
}

std::vector<float> snapshot(mlp& model) {
  auto all = model.parameter_buffer();
  return {all.begin(), all.end()};
}

std::vector<float> train(uint64_t seed, size_t epochs, const dataset& data,
                         mlp_config cfg = small_model()) {
  mlp model{seed, cfg};
  trainer t{model, small_trainer(seed)};
  BOOST_REQUIRE(t.fit(data, epochs));
  return snapshot(model);
}

bool bitwise_equal(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// Records every hook call as a line of text.
class recorder : public training_callback {
public:
  std::vector<std::string> calls;
  std::vector<batch_stats> batches;
  size_t stop_after_step = SIZE_MAX;

  void on_train_begin() override {
    calls.push_back("train_begin");
  }

  bool on_batch_end(const batch_stats& stats) override {
    calls.push_back("batch");
    batches.push_back(stats);
    return stats.step != stop_after_step;
  }

  bool on_epoch_end(const epoch_stats& stats) override {
    calls.push_back("epoch " + std::to_string(stats.epoch) + " " + std::to_string(stats.samples));
    return true;
  }

  void on_train_end(const fit_result& result) override {
    calls.push_back(std::string{"train_end"} + (result.stopped_early ? " stopped" : ""));
  }
};

} // namespace

BOOST_AUTO_TEST_CASE(the_same_seed_gives_bitwise_identical_parameters) {
  const auto data = blobs(300, 1);
  BOOST_TEST(bitwise_equal(train(5, 3, data), train(5, 3, data)));
}

BOOST_AUTO_TEST_CASE(a_different_seed_gives_different_parameters) {
  const auto data = blobs(300, 1);
  BOOST_TEST(!bitwise_equal(train(5, 3, data), train(6, 3, data)));
}

// A few batches of random data with the real MNIST shapes, so that the
// passes do split across threads.
dataset full_size_data(size_t n) {
  dataset data;
  prng rng{3};
  for (size_t i = 0; i < n * 784; ++i)
    data.images.push_back(rng.uniform_float());
  for (size_t i = 0; i < n; ++i)
    data.labels.push_back(static_cast<uint8_t>(rng.below(10)));
  return data;
}

std::vector<float> train_full_size(const dataset& data) {
  mlp model{9};
  trainer t{model};
  BOOST_REQUIRE(t.fit(data, 1));
  return snapshot(model);
}

BOOST_AUTO_TEST_CASE(the_full_size_model_trains_reproducibly_with_the_default_threads) {
  const auto data = full_size_data(600);
  BOOST_TEST(bitwise_equal(train_full_size(data), train_full_size(data)));
}

#ifdef __AVX512F__
BOOST_AUTO_TEST_CASE(with_avx512_the_thread_count_does_not_change_the_parameters) {
  const auto data = full_size_data(600);
  set_compute_threads(1);
  const auto one = train_full_size(data);
  set_compute_threads(2);
  const auto two = train_full_size(data);
  set_compute_threads(3);
  const auto three = train_full_size(data);
  set_compute_threads(0);
  BOOST_TEST(bitwise_equal(one, two));
  BOOST_TEST(bitwise_equal(one, three));
}
#endif

BOOST_AUTO_TEST_CASE(trainers_on_several_threads_share_the_workers_safely) {
  // Swarm simulations run several nodes in one process: their batches take
  // turns on the shared workers and each still gets its own exact result.
  const auto data = full_size_data(300);
  const auto expected = train_full_size(data);
  std::vector<std::vector<float>> results(3);
  std::vector<std::thread> nodes;
  for (auto& result : results)
    nodes.emplace_back([&] {
      mlp model{9};
      trainer t{model};
      if (t.fit(data, 1))
        result = snapshot(model);
    });
  for (auto& node : nodes)
    node.join();
  for (const auto& result : results)
    BOOST_TEST(bitwise_equal(result, expected));
}

BOOST_AUTO_TEST_CASE(training_one_epoch_twice_equals_two_epochs) {
  const auto data = blobs(300, 1);
  mlp model{5, small_model()};
  trainer t{model, small_trainer(5)};
  BOOST_REQUIRE(t.fit(data, 1));
  BOOST_REQUIRE(t.fit(data, 1));
  BOOST_TEST(t.epochs_started() == 2u);
  BOOST_TEST(bitwise_equal(snapshot(model), train(5, 2, data)));
}

BOOST_AUTO_TEST_CASE(the_loss_decreases_on_a_learnable_problem) {
  const auto data = blobs(600, 2);
  const auto test = blobs(300, 3);
  mlp model{1, small_model()};
  trainer t{model, small_trainer(1)};
  const auto before = t.evaluate(test);
  BOOST_REQUIRE(before);
  auto result = t.fit(data, 5);
  BOOST_REQUIRE(result);
  BOOST_TEST_REQUIRE(result->epochs.size() == 5u);
  BOOST_TEST(result->epochs.back().loss < result->epochs.front().loss);
  BOOST_TEST(result->epochs.back().accuracy > 0.9);
  BOOST_TEST(result->epochs.front().samples == 600u);
  BOOST_TEST(result->epochs.front().batches == 19u);
  const auto after = t.evaluate(test);
  BOOST_REQUIRE(after);
  BOOST_TEST(after->loss < 0.5 * before->loss);
  BOOST_TEST(after->accuracy > 0.95);
  BOOST_TEST(after->samples == 300u);
}

BOOST_AUTO_TEST_CASE(the_batch_hook_runs_once_per_batch_with_the_right_indices) {
  const auto data = blobs(300, 1); // 9 batches of 32 and one of 12
  mlp model{1, small_model()};
  trainer t{model, small_trainer(1)};
  recorder rec;
  auto result = t.fit(data, 2, &rec);
  BOOST_REQUIRE(result);
  BOOST_TEST_REQUIRE(rec.batches.size() == 20u);
  for (size_t k = 0; k < rec.batches.size(); ++k) {
    BOOST_TEST(rec.batches[k].epoch == k / 10);
    BOOST_TEST(rec.batches[k].batch == k % 10);
    BOOST_TEST(rec.batches[k].step == k);
    BOOST_TEST(rec.batches[k].samples == (k % 10 == 9 ? 12u : 32u));
  }
  BOOST_TEST(rec.calls.front() == "train_begin");
  BOOST_TEST(rec.calls[11] == "epoch 0 300");
  BOOST_TEST(rec.calls[22] == "epoch 1 300");
  BOOST_TEST(rec.calls.back() == "train_end");
  BOOST_TEST(rec.calls.size() == 24u);
  BOOST_TEST(t.steps() == 20u);
  BOOST_TEST(t.optimizer().iterations() == 20u);
}

BOOST_AUTO_TEST_CASE(the_batch_hook_can_stop_training_mid_epoch) {
  const auto data = blobs(300, 1);
  mlp model{1, small_model()};
  trainer t{model, small_trainer(1)};
  recorder rec;
  rec.stop_after_step = 13; // the 4th batch of the 2nd epoch
  auto result = t.fit(data, 5, &rec);
  BOOST_REQUIRE(result);
  BOOST_TEST(result->stopped_early);
  BOOST_TEST(rec.batches.size() == 14u);
  BOOST_TEST_REQUIRE(result->epochs.size() == 2u);
  BOOST_TEST(result->epochs.back().batches == 4u);
  BOOST_TEST(result->epochs.back().samples == 128u);
  BOOST_TEST(rec.calls.back() == "train_end stopped");
  BOOST_TEST(t.optimizer().iterations() == 14u);
}

BOOST_AUTO_TEST_CASE(a_plain_function_works_as_the_batch_hook) {
  const auto data = blobs(100, 1);
  mlp model{1, small_model()};
  trainer t{model, small_trainer(1)};
  std::vector<size_t> steps;
  auto result = t.fit(data, 3, [&](const batch_stats& s) {
    steps.push_back(s.step);
    return s.step < 5;
  });
  BOOST_REQUIRE(result);
  BOOST_TEST(steps == (std::vector<size_t>{0, 1, 2, 3, 4, 5}), boost::test_tools::per_element());
  BOOST_TEST(result->stopped_early);
}

BOOST_AUTO_TEST_CASE(the_last_partial_batch_is_trained) {
  const auto data = blobs(33, 1); // one batch of 32 and one of 1
  mlp model{1, small_model()};
  trainer t{model, small_trainer(1)};
  std::vector<std::vector<float>> after;
  auto result = t.fit(data, 1, [&](const batch_stats&) {
    after.push_back(snapshot(model));
    return true;
  });
  BOOST_REQUIRE(result);
  BOOST_TEST_REQUIRE(after.size() == 2u);
  BOOST_TEST(!bitwise_equal(after[0], after[1]));
  BOOST_TEST(result->epochs.front().samples == 33u);
  BOOST_TEST(t.optimizer().iterations() == 2u);
}

BOOST_AUTO_TEST_CASE(evaluation_is_deterministic_and_independent_of_its_batch_size) {
  const auto data = blobs(100, 4);
  mlp model{2, small_model()};
  trainer t{model, small_trainer(2)};
  BOOST_REQUIRE(t.fit(data, 1));
  const auto params = snapshot(model);
  auto a = t.evaluate(data, 7);
  auto b = t.evaluate(data, 1000);
  auto c = t.evaluate(data, 7);
  BOOST_REQUIRE(a && b && c);
  BOOST_TEST(a->accuracy == b->accuracy);
  BOOST_TEST(a->loss == b->loss, boost::test_tools::tolerance(1e-5));
  BOOST_TEST(a->loss == c->loss);
  BOOST_TEST(bitwise_equal(params, snapshot(model)));
}

BOOST_AUTO_TEST_CASE(data_that_does_not_fit_the_model_is_rejected) {
  mlp model{1, small_model()};
  trainer t{model, small_trainer(1)};
  auto wide = blobs(10, 1);
  wide.cols = side + 1;
  auto r1 = t.fit(wide, 1);
  BOOST_REQUIRE(!r1);
  BOOST_TEST(r1.error().code == swarm::errc::shape_mismatch);
  auto bad_label = blobs(10, 1);
  bad_label.labels[3] = 7;
  auto r2 = t.evaluate(bad_label);
  BOOST_REQUIRE(!r2);
  BOOST_TEST(r2.error().code == swarm::errc::invalid_argument);
  BOOST_TEST(r2.error().message.find("sample 3") != std::string::npos);
  BOOST_TEST(t.steps() == 0u);
}
