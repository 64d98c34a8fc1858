#define BOOST_TEST_MODULE callback.swarm_callback
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <algorithm>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/sinks/ostream_sink.h>

#include "swarm/callback/swarm_callback.hpp"
#include "swarm/common/log.hpp"
#include "swarm/wire/bundle_convert.hpp"

using namespace swarm;
using namespace swarm::callback;
using namespace swarm::mlsl;
using swarm::wire::ModelBundle;

namespace {

// Captures what the "SwarmCallback" logger writes.
std::ostringstream& captured_log() {
  static std::ostringstream out;
  static bool attached = [] {
    log::get("SwarmCallback")->sinks().push_back(
      std::make_shared<spdlog::sinks::ostream_sink_st>(out));
    return true;
  }();
  (void) attached;
  return out;
}

bool logged(const std::string& text) {
  return captured_log().str().find(text) != std::string::npos;
}

const std::string final_line =
  "All peers and Swarm training rounds finished. Final Swarm model was loaded.";

// The user's model: two tensors in the user's own buffers.
struct user_model {
  std::vector<float> kernel = std::vector<float>(6, 0.0f);
  std::vector<float> bias = std::vector<float>(3, 0.0f);
  std::vector<ml::tensor_view> views() {
    return {{"dense/kernel", {2, 3}, kernel.data()}, {"dense/bias", {3}, bias.data()}};
  }
};

// What the fake SL does and saw.
struct sl_script {
  uint32_t next_interval = 0;   // in every SyncResponse
  uint64_t over_at_sync = 0;    // training_over in this sync's response
  uint64_t error_at_sync = 0;   // ERROR_IN_SL in this sync's response
  uint64_t die_at_sync = 0;     // close the channel instead of answering
  bool bad_layout = false;      // merged model with a transposed kernel
  // Seen:
  OpenSessionRequest open;
  std::vector<SyncRequest> syncs;
  std::vector<SyncRequest> closes;
  std::vector<LossResponse> losses;
  std::vector<KillSessionRequest> kills;
};

constexpr uint64_t session = 77;

// A merged model whose every value is `value`, shaped like user_model
// (or with the kernel transposed).
ModelBundle merged_model(float value, bool transposed = false) {
  merge::tensor_bundle x;
  std::vector<float> k(6, value), b(3, value);
  x.add("dense/kernel", transposed ? std::vector<int64_t>{3, 2} : std::vector<int64_t>{2, 3},
        k.data());
  x.add("dense/bias", {3}, b.data());
  ModelBundle out;
  wire::to_wire(x, out);
  return out;
}

// Offers one merged model (LossRequest) and waits for the answer.
bool offer(ml_channel& ch, sl_script& s, uint64_t seq, float value, bool transposed) {
  LossRequest req;
  req.set_session_id(session);
  req.set_sync_seq_num(seq);
  req.set_loss_seq_num(s.losses.size() + 1);
  *req.mutable_weights() = merged_model(value, transposed);
  if (!ch.send(GET_LOSS_REQUEST, req))
    return false;
  LossResponse resp;
  if (!ch.receive_as(GET_LOSS_RESPONSE, resp, 5000))
    return false;
  s.losses.push_back(resp);
  return resp.status().code() == Status::STATUS_OK;
}

void answer(ml_channel& ch, MessageType type, uint64_t seq, bool over, const Status& st,
            uint32_t interval) {
  SyncResponse resp;
  resp.set_session_id(session);
  resp.set_sync_seq_num(seq);
  *resp.mutable_status() = st;
  resp.set_next_sync_interval(interval);
  resp.set_training_over(over);
  (void) ch.send(type, resp);
}

// The fake SL: a legitimate in-process peer standing in for the real one.
void run_fake_sl(ml_channel ch, sl_script& s) {
  if (!ch.receive_as(OPEN_SESSION_REQUEST, s.open, 5000))
    return;
  OpenSessionResponse opened;
  opened.mutable_status()->set_code(Status::STATUS_OK);
  opened.set_session_id(session);
  (void) ch.send(OPEN_SESSION_RESPONSE, opened);
  Status ok;
  ok.set_code(Status::STATUS_OK);
  for (;;) {
    auto f = ch.receive(10000);
    if (!f)
      return;
    if (f->type == KILL_SESSION_REQUEST) {
      s.kills.emplace_back().ParseFromString(f->body);
      return;
    }
    SyncRequest req;
    req.ParseFromString(f->body);
    auto seq = req.sync_seq_num();
    if (f->type == CLOSE_SESSION_REQUEST) {
      s.closes.push_back(req);
      if (offer(ch, s, seq, 99.0f, false))
        answer(ch, CLOSE_SESSION_RESPONSE, seq, true, ok, 0);
      continue;
    }
    s.syncs.push_back(req);
    if (seq == s.die_at_sync)
      return;
    if (seq == s.error_at_sync) {
      Status bad;
      bad.set_code(Status::ERROR_IN_SL);
      bad.set_message("quorum lost: 1 of 2 peers");
      answer(ch, SYNC_RESPONSE, seq, false, bad, 0);
      continue;
    }
    if (!offer(ch, s, seq, static_cast<float>(seq) + 0.5f, s.bad_layout))
      continue; // the ML refused; it will kill the session
    answer(ch, SYNC_RESPONSE, seq, seq == s.over_at_sync, ok, s.next_interval);
  }
}

swarm_params params(int freq = 5) {
  swarm_params p;
  p.sync_frequency = freq;
  p.min_peers = 2;
  p.total_epochs = 1;
  return p;
}

ml::batch_stats batch(size_t n) {
  ml::batch_stats s;
  s.step = n;
  s.samples = 10;
  return s;
}

// A callback connected to a fake SL thread running `script`.
struct harness {
  user_model model;
  sl_script script;
  std::thread sl;
  std::unique_ptr<swarm_callback> cb;
  int evaluations = 0;

  explicit harness(sl_script s, swarm_params p = params()) : script(std::move(s)) {
    captured_log();
    auto ends = ml_channel::pair();
    BOOST_REQUIRE(bool(ends));
    sl = std::thread{run_fake_sl, std::move(ends->second), std::ref(script)};
    auto made = swarm_callback::create(
      p, model.views(),
      [this] {
        ++evaluations;
        return eval_result{0.25, 0.75};
      },
      std::move(ends->first));
    BOOST_REQUIRE_MESSAGE(bool(made), (made ? "" : made.error().message));
    cb = std::move(*made);
  }

  ~harness() {
    cb.reset(); // closes the channel, ending the fake SL
    if (sl.joinable())
      sl.join();
  }

  // Ends training; the channel closes, so the fake SL finishes.
  void end() {
    cb->on_train_end(ml::fit_result{});
    sl.join();
  }
};

} // namespace

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
  BOOST_TEST(h.cb->sync_seconds() >= 0.0);
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
