#pragma once

// What the SwarmCallback tests share: a user model with named buffers, a
// scripted fake SL on the other end of an in-process channel, a log
// capture, and a harness that drives the callback through batches.

#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/sinks/ostream_sink.h>

#include "swarm/callback/swarm_callback.hpp"
#include "swarm/common/log.hpp"
#include "swarm/mlsl/shared_weights.hpp"
#include "swarm/wire/bundle_convert.hpp"

namespace callback_test {

using namespace swarm;
using namespace swarm::callback;
using namespace swarm::mlsl;
using swarm::wire::ModelBundle;

// Captures what the "SwarmCallback" logger writes.
inline std::ostringstream& captured_log() {
  static std::ostringstream out;
  static bool attached = [] {
    log::get("SwarmCallback")->sinks().push_back(
      std::make_shared<spdlog::sinks::ostream_sink_st>(out));
    return true;
  }();
  (void) attached;
  return out;
}

inline bool logged(const std::string& text) {
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
  bool share = false;           // take the ML's shared weights region
  bool nan_merge = false;       // merged model with a NaN in its last bias
  // Seen:
  OpenSessionRequest open;
  std::vector<SyncRequest> syncs;
  std::vector<SyncRequest> closes;
  std::vector<LossResponse> losses;
  std::vector<KillSessionRequest> kills;
  // With `share`: the region, and the values each sync put in it.
  std::shared_ptr<shared_weights> region;
  std::vector<std::vector<float>> shared_syncs;
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
inline bool offer(ml_channel& ch, sl_script& s, uint64_t seq, float value, bool transposed) {
  LossRequest req;
  req.set_session_id(session);
  req.set_sync_seq_num(seq);
  req.set_loss_seq_num(s.losses.size() + 1);
  *req.mutable_weights() = merged_model(value, transposed);
  if (s.nan_merge) {
    auto& data = *req.mutable_weights()->mutable_data();
    float nan = std::numeric_limits<float>::quiet_NaN();
    std::memcpy(data.data() + data.size() - sizeof(float), &nan, sizeof(float));
  }
  if (s.region) {
    // As the real SL does: the values go into the region's second half.
    const auto& data = req.weights().data();
    std::memcpy(s.region->to_ml(), data.data(), data.size());
    req.mutable_weights()->clear_data();
    req.set_weights_shared(true);
  }
  if (!ch.send(GET_LOSS_REQUEST, req))
    return false;
  LossResponse resp;
  if (!ch.receive_as(GET_LOSS_RESPONSE, resp, 5000))
    return false;
  s.losses.push_back(resp);
  return resp.status().code() == Status::STATUS_OK;
}

inline void answer(ml_channel& ch, MessageType type, uint64_t seq, bool over, const Status& st,
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
inline void run_fake_sl(ml_channel ch, sl_script& s) {
  auto first = ch.receive(5000);
  if (!first || first->type != OPEN_SESSION_REQUEST || !parse_body(*first, s.open))
    return;
  OpenSessionResponse opened;
  opened.mutable_status()->set_code(Status::STATUS_OK);
  opened.set_session_id(session);
  if (s.share && first->attached_fd && s.open.shared_weights_bytes() > 0) {
    auto region = shared_weights::adopt(*first->attached_fd, s.open.shared_weights_bytes());
    if (region)
      s.region = std::make_shared<shared_weights>(std::move(*region));
    opened.set_shared_weights(s.region != nullptr);
  }
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
    if (req.weights_shared() && s.region) {
      auto values = wire::from_wire(req.weights(), {s.region->to_sl(), s.region->model_bytes()},
                                    "ML");
      s.shared_syncs.push_back(values ? values->values : std::vector<float>{});
    }
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

inline swarm_params params(int freq = 5) {
  swarm_params p;
  p.sync_frequency = freq;
  p.min_peers = 2;
  p.total_epochs = 1;
  return p;
}

inline ml::batch_stats batch(size_t n) {
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

} // namespace callback_test
