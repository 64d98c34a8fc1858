#define BOOST_TEST_MODULE callback.swarm_callback_params
#include <boost/test/unit_test.hpp>

// SwarmCallback's parameter checks (HPE's rules), creation errors,
// SWARM_LOOPBACK, and connecting through a socket path.

#include "fake_sl.hpp"

using namespace callback_test;

BOOST_AUTO_TEST_CASE(each_parameter_rule_is_checked) {
  auto refused = [](swarm_params p, bool has_validation, const std::string& part) {
    auto st = validate(p, has_validation);
    BOOST_TEST_CONTEXT(part) {
      BOOST_REQUIRE(!st);
      BOOST_TEST(st.error().code == errc::invalid_argument);
      BOOST_TEST(st.error().message.find(part) != std::string::npos, st.error().message);
    }
  };
  BOOST_TEST(bool(validate(params(), false)));
  auto p = params();
  p.sync_frequency = 0;
  refused(p, false, "syncFrequency must be a positive integer, got 0");
  p = params();
  p.min_peers = -1;
  refused(p, false, "minPeers must be a positive integer, got -1");
  p = params();
  p.node_weightage = 101;
  refused(p, false, "nodeWeightage must be an integer from 1 to 100, got 101");
  p.node_weightage = 0;
  refused(p, false, "nodeWeightage");
  p = params();
  p.merge_method = "average";
  refused(p, false, "mergeMethod");
  p.merge_method = "GeoMedian";
  BOOST_TEST(bool(validate(p, false)));
  p = params();
  p.checkin_model_on_train_end = "sometimes";
  refused(p, false, "checkinModelOnTrainEnd must be one of inactive, snapshot, active");
  p.checkin_model_on_train_end = "Inactive";
  BOOST_TEST(bool(validate(p, false)));
  p = params();
  p.use_adaptive_sync = true;
  refused(p, false, "useAdaptiveSync needs validation data");
  BOOST_TEST(bool(validate(p, true)));
  p = params();
  p.training_contract = "";
  refused(p, false, "trainingContract");
  p.training_contract = "has space";
  refused(p, false, "trainingContract");
  p.training_contract = std::string(256, 'a');
  refused(p, false, "trainingContract");
  p.training_contract = "my-contract_1.v2";
  BOOST_TEST(bool(validate(p, false)));
  p = params();
  p.total_epochs = -2;
  refused(p, false, "totalEpochs");
}

BOOST_AUTO_TEST_CASE(create_refuses_invalid_params_and_views) {
  user_model model;
  callback_options opts;
  opts.loopback = true;
  auto p = params();
  p.sync_frequency = -5;
  auto bad = swarm_callback::create(p, model.views(), {}, opts);
  BOOST_REQUIRE(!bad);
  BOOST_TEST(bad.error().message.find("syncFrequency") != std::string::npos);
  auto empty = swarm_callback::create(params(), {}, {}, opts);
  BOOST_TEST(!empty);
  auto views = model.views();
  views[1].name = views[0].name;
  auto twice = swarm_callback::create(params(), views, {}, opts);
  BOOST_REQUIRE(!twice);
  BOOST_TEST(twice.error().message.find("dense/kernel") != std::string::npos);
  opts.loopback = false;
  opts.channel_path.clear();
  auto nowhere = swarm_callback::create(params(), model.views(), {}, opts);
  BOOST_REQUIRE(!nowhere);
  BOOST_TEST(nowhere.error().message.find("SWARM_SL_CHANNEL") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(loopback_sends_nothing) {
  char pattern[] = "/tmp/cb-test-XXXXXX";
  std::string dir = ::mkdtemp(pattern);
  auto listener = ml_listener::bind(dir + "/sl.sock");
  BOOST_REQUIRE(bool(listener));
  captured_log().str("");
  user_model model;
  callback_options opts;
  opts.loopback = true;
  opts.channel_path = dir + "/sl.sock";
  auto cb = swarm_callback::create(params(1), model.views(), {}, opts);
  BOOST_REQUIRE(bool(cb));
  BOOST_TEST((*cb)->loopback());
  (*cb)->on_train_begin();
  for (size_t b = 1; b <= 10; ++b)
    BOOST_TEST((*cb)->on_batch_end(batch(b)));
  (*cb)->on_train_end(ml::fit_result{});
  BOOST_TEST((*cb)->rounds_synced() == 0u);
  BOOST_TEST(!listener->accept(100));
  BOOST_TEST(logged("SWARM_LOOPBACK is on"));
  auto no_epochs = params(1);
  no_epochs.total_epochs = 0;
  BOOST_TEST(bool(swarm_callback::create(no_epochs, model.views(), {}, opts)));
  BOOST_TEST(logged("totalEpochs not set"));
  BOOST_TEST(!logged(final_line));
  listener = ml_listener::bind(dir + "/other.sock"); // removes sl.sock
  listener = make_error(errc::io_error, "released");
  ::rmdir(dir.c_str());
}

BOOST_AUTO_TEST_CASE(connects_through_a_socket_path) {
  char pattern[] = "/tmp/cb-test-XXXXXX";
  std::string dir = ::mkdtemp(pattern);
  auto path = dir + "/sl.sock";
  sl_script script;
  std::thread sl{[&] {
    auto listener = ml_listener::bind(path);
    if (!listener)
      return;
    auto ch = listener->accept(5000);
    if (ch)
      run_fake_sl(std::move(*ch), script);
  }};
  user_model model;
  callback_options opts;
  opts.loopback = false;
  opts.channel_path = path;
  opts.open_timeout_ms = 5000;
  opts.node_name = "ml-1";
  auto cb = swarm_callback::create(params(), model.views(), {}, opts);
  BOOST_REQUIRE_MESSAGE(bool(cb), (cb ? "" : cb.error().message));
  (*cb)->on_train_begin();
  (*cb)->on_train_end(ml::fit_result{});
  BOOST_TEST((*cb)->final_model_loaded());
  cb = make_error(errc::io_error, "released");
  sl.join();
  BOOST_TEST(script.open.node_name() == "ml-1");
  BOOST_TEST(script.losses.at(0).loss() == 0.0f); // no evaluator
  ::rmdir(dir.c_str());
}

BOOST_AUTO_TEST_CASE(swarm_shared_weights_zero_keeps_model_values_in_the_messages) {
  ::unsetenv("SWARM_SHARED_WEIGHTS");
  BOOST_TEST(shared_weights_from_env());
  for (const char* off : {"0", "false", "No", "OFF"}) {
    ::setenv("SWARM_SHARED_WEIGHTS", off, 1);
    BOOST_TEST(!shared_weights_from_env(), off);
  }
  ::setenv("SWARM_SHARED_WEIGHTS", "1", 1);
  BOOST_TEST(shared_weights_from_env());
  // Turned off, the callback offers no region at all.
  ::setenv("SWARM_SHARED_WEIGHTS", "0", 1);
  auto ends = ml_channel::pair();
  BOOST_REQUIRE(bool(ends));
  sl_script script;
  script.share = true;
  std::thread sl{run_fake_sl, std::move(ends->second), std::ref(script)};
  user_model model;
  auto cb = swarm_callback::create(params(), model.views(), {}, std::move(ends->first));
  BOOST_REQUIRE_MESSAGE(bool(cb), (cb ? "" : cb.error().message));
  (*cb)->on_train_begin();
  cb = make_error(errc::io_error, "released");
  sl.join();
  ::unsetenv("SWARM_SHARED_WEIGHTS");
  BOOST_TEST(script.open.shared_weights_bytes() == 0u);
  BOOST_TEST_REQUIRE(script.syncs.size() == 1u);
  BOOST_TEST(!script.syncs[0].weights_shared());
}
