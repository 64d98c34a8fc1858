#define BOOST_TEST_MODULE callback.swarm_callback
#include <boost/test/unit_test.hpp>

// SwarmCallback's sync flow against a fake SL: the cadence, merged models,
// the end of training, and failures. Parameter checks and loopback mode are
// in swarm_callback_params_test.cpp.

#include "fake_sl.hpp"

using namespace callback_test;

BOOST_AUTO_TEST_CASE(syncs_at_start_and_then_exactly_every_sync_frequency) {
  harness h{sl_script{}};
  BOOST_TEST(h.script.open.sync_interval() == 5u);
  BOOST_TEST(h.script.open.min_peers() == 2u);
  BOOST_TEST(h.script.open.merge_method() == "mean");
  h.cb->on_train_begin();
  BOOST_TEST(h.cb->rounds_synced() == 1u);
  BOOST_TEST(h.script.syncs.at(0).samples() == 0u);
  for (size_t b = 1; b <= 17; ++b) {
    BOOST_TEST(h.cb->on_batch_end(batch(b)));
    BOOST_TEST(h.cb->rounds_synced() == 1 + b / 5, "after batch " << b);
  }
  BOOST_REQUIRE(h.script.syncs.size() == 4u);
  for (size_t i = 1; i < 4; ++i) {
    BOOST_TEST(h.script.syncs[i].samples() == 50u);
    BOOST_TEST(h.script.syncs[i].session_id() == session);
    BOOST_TEST(h.script.syncs[i].sync_seq_num() == i + 1);
    BOOST_TEST(h.script.syncs[i].weights().tensors_size() == 2);
  }
  BOOST_TEST(h.evaluations == 4);
  BOOST_TEST(h.script.losses.back().loss() == 0.25f);
  BOOST_TEST(h.script.losses.back().metric() == 0.75f);
  // One duration per sync, adding up to the total the report prints.
  const auto& durations = h.cb->sync_durations_ms();
  BOOST_REQUIRE(durations.size() == 4u);
  double sum_ms = 0.0;
  for (double ms : durations) {
    BOOST_TEST(ms >= 0.0);
    sum_ms += ms;
  }
  BOOST_TEST(sum_ms / 1000.0 == h.cb->sync_seconds(), boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(merged_weights_land_in_the_user_buffers) {
  harness h{sl_script{}};
  h.cb->on_train_begin();
  BOOST_TEST(h.model.kernel[0] == 1.5f);
  // The user trains: the next sync sends the user's values, not a copy.
  std::fill(h.model.bias.begin(), h.model.bias.end(), -3.0f);
  for (size_t b = 1; b <= 5; ++b)
    h.cb->on_batch_end(batch(b));
  auto sent = wire::from_wire(h.script.syncs.at(1).weights(), "ML");
  BOOST_REQUIRE(bool(sent));
  BOOST_TEST(sent->values.back() == -3.0f);
  BOOST_TEST(h.model.kernel[5] == 2.5f);
  BOOST_TEST(h.model.bias[2] == 2.5f);
  BOOST_TEST(h.cb->merged_models_loaded() == 2u);
}

BOOST_AUTO_TEST_CASE(next_sync_interval_from_the_sl_is_followed) {
  sl_script s;
  s.next_interval = 3;
  harness h{s};
  h.cb->on_train_begin();
  for (size_t b = 1; b <= 9; ++b)
    h.cb->on_batch_end(batch(b));
  BOOST_TEST(h.cb->rounds_synced() == 4u);
}

BOOST_AUTO_TEST_CASE(training_over_stops_training_and_loads_the_last_model) {
  sl_script s;
  s.over_at_sync = 2;
  harness h{s};
  h.cb->on_train_begin();
  for (size_t b = 1; b <= 4; ++b)
    BOOST_TEST(h.cb->on_batch_end(batch(b)));
  BOOST_TEST(!h.cb->on_batch_end(batch(5)));
  BOOST_TEST(h.cb->training_over());
  BOOST_TEST(!h.cb->last_error());
  h.model.kernel[0] = 123.0f; // as if the trainer ran on
  h.end();
  BOOST_REQUIRE(h.script.kills.size() == 1u);
  BOOST_TEST(h.script.kills[0].reason().code() == Status::STATUS_OK);
  BOOST_TEST(h.script.closes.empty());
  BOOST_TEST(h.model.kernel[0] == 2.5f);
}

BOOST_AUTO_TEST_CASE(close_session_loads_the_final_model) {
  captured_log().str("");
  harness h{sl_script{}};
  h.cb->on_train_begin();
  for (size_t b = 1; b <= 7; ++b)
    h.cb->on_batch_end(batch(b));
  h.cb->on_epoch_end(ml::epoch_stats{});
  BOOST_TEST(!logged(final_line));
  h.end();
  BOOST_REQUIRE(h.script.closes.size() == 1u);
  BOOST_TEST(h.script.closes[0].samples() == 20u);
  BOOST_TEST(h.script.closes[0].epochs_done() == 1u);
  BOOST_TEST(h.script.kills.empty());
  BOOST_TEST(h.model.kernel[3] == 99.0f);
  BOOST_TEST(logged(final_line), captured_log().str());
}

BOOST_AUTO_TEST_CASE(sl_error_status_stops_training_with_its_message) {
  sl_script s;
  s.error_at_sync = 2;
  harness h{s};
  h.cb->on_train_begin();
  for (size_t b = 1; b <= 4; ++b)
    h.cb->on_batch_end(batch(b));
  BOOST_TEST(!h.cb->on_batch_end(batch(5)));
  BOOST_REQUIRE(h.cb->last_error().has_value());
  BOOST_TEST(h.cb->last_error()->message.find("quorum lost: 1 of 2 peers") != std::string::npos,
             h.cb->last_error()->message);
  BOOST_TEST(!h.cb->on_batch_end(batch(6)));
  BOOST_TEST(logged("quorum lost"));
  h.end();
  BOOST_TEST(h.script.kills.size() == 1u);
  BOOST_TEST(!h.cb->final_model_loaded());
}

BOOST_AUTO_TEST_CASE(merged_model_of_another_layout_is_refused) {
  sl_script s;
  s.bad_layout = true;
  harness h{s};
  h.model.kernel[0] = 7.0f;
  h.cb->on_train_begin();
  BOOST_REQUIRE(h.cb->last_error().has_value());
  const auto& text = h.cb->last_error()->message;
  BOOST_TEST(text.find("dense/kernel") != std::string::npos, text);
  BOOST_TEST(text.find("[3,2]") != std::string::npos, text);
  BOOST_TEST(h.model.kernel[0] == 7.0f);
  BOOST_TEST(!h.cb->on_batch_end(batch(1)));
  h.end();
  BOOST_REQUIRE(h.script.losses.size() == 1u);
  BOOST_TEST(h.script.losses[0].status().code() == Status::ERROR_IN_USER);
}

BOOST_AUTO_TEST_CASE(a_merged_model_with_a_nan_is_refused_by_tensor_and_changes_nothing) {
  // In the message and through shared memory alike: the values are checked
  // before any reaches the user's buffers.
  for (bool share : {false, true}) {
    sl_script s;
    s.nan_merge = true;
    s.share = share;
    harness h{s};
    h.model.kernel[0] = 7.0f;
    h.model.bias[2] = -1.0f;
    h.cb->on_train_begin();
    BOOST_REQUIRE(h.cb->last_error().has_value());
    const auto& text = h.cb->last_error()->message;
    BOOST_TEST(text.find("dense/bias") != std::string::npos, text);
    BOOST_TEST(h.model.kernel[0] == 7.0f);
    BOOST_TEST(h.model.bias[2] == -1.0f);
    BOOST_TEST(h.cb->merged_models_loaded() == 0u);
    h.end();
    BOOST_REQUIRE(h.script.losses.size() == 1u);
    BOOST_TEST(h.script.losses[0].status().code() == Status::ERROR_IN_USER);
  }
}

BOOST_AUTO_TEST_CASE(a_dead_sl_stops_training_with_a_clear_error) {
  sl_script s;
  s.die_at_sync = 2;
  harness h{s};
  h.cb->on_train_begin();
  for (size_t b = 1; b <= 4; ++b)
    h.cb->on_batch_end(batch(b));
  BOOST_TEST(!h.cb->on_batch_end(batch(5)));
  BOOST_REQUIRE(h.cb->last_error().has_value());
  BOOST_TEST(h.cb->last_error()->message.find("the SL closed the channel") != std::string::npos,
             h.cb->last_error()->message);
  h.end();
}

BOOST_AUTO_TEST_CASE(model_values_travel_through_shared_memory_when_the_sl_takes_it) {
  sl_script s;
  s.share = true;
  harness h{s};
  // Two halves, each as large as the model (9 floats).
  BOOST_TEST(h.script.open.shared_weights_bytes() == 2u * 9u * sizeof(float));
  BOOST_TEST_REQUIRE(h.script.region != nullptr);
  h.cb->on_train_begin();
  BOOST_TEST(h.model.kernel[0] == 1.5f);
  std::fill(h.model.bias.begin(), h.model.bias.end(), -3.0f);
  for (size_t b = 1; b <= 5; ++b)
    h.cb->on_batch_end(batch(b));
  BOOST_TEST_REQUIRE(h.script.syncs.size() == 2u);
  for (const auto& sync : h.script.syncs) {
    BOOST_TEST(sync.weights_shared());
    BOOST_TEST(sync.weights().data().empty());
    BOOST_TEST(sync.weights().tensors_size() == 2);
  }
  // What the SL read from the region: the user's values at each sync.
  BOOST_TEST_REQUIRE(h.script.shared_syncs.size() == 2u);
  BOOST_TEST(h.script.shared_syncs[0].front() == 0.0f);
  BOOST_TEST(h.script.shared_syncs[1].front() == 1.5f);
  BOOST_TEST(h.script.shared_syncs[1].back() == -3.0f);
  // And the merged models the SL put there landed in the user's buffers.
  BOOST_TEST(h.model.kernel[5] == 2.5f);
  BOOST_TEST(h.model.bias[2] == 2.5f);
  BOOST_TEST(logged("model values through shared memory"));
}

BOOST_AUTO_TEST_CASE(an_sl_that_declines_the_region_gets_the_values_in_the_messages) {
  harness h{sl_script{}};
  BOOST_TEST(h.script.open.shared_weights_bytes() > 0u);
  h.cb->on_train_begin();
  BOOST_TEST_REQUIRE(h.script.syncs.size() == 1u);
  BOOST_TEST(!h.script.syncs[0].weights_shared());
  BOOST_TEST(h.script.syncs[0].weights().data().size() == 9u * sizeof(float));
  BOOST_TEST(h.model.kernel[0] == 1.5f);
}
