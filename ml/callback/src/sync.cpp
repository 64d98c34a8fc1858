// The sync exchange of swarm_callback: send the parameters, load and
// evaluate each merged model the SL offers, until the SL ends the sync.

#include <algorithm>
#include <cstring>

#include "swarm/callback/swarm_callback.hpp"
#include "swarm/common/log.hpp"
#include "swarm/wire/bundle_convert.hpp"

namespace swarm::callback {

namespace {

/// How the SL is named in errors about the models it sends.
constexpr const char* sl_peer = "SL";

error protocol_error(const std::string& detail) {
  return make_error(errc::parse_error, "ML<->SL protocol error: " + detail);
}

error sl_status_error(const mlsl::Status& st, const std::string& context) {
  return make_error(errc::invalid_argument,
                    "the SL reported an error " + context + " ("
                      + mlsl::Status::Code_Name(st.code()) + "): " + st.message());
}

} // namespace

void swarm_callback::timed_sync(mlsl::MessageType request, mlsl::MessageType response) {
  auto start = std::chrono::steady_clock::now();
  auto st = sync(request, response);
  auto took = std::chrono::steady_clock::now() - start;
  sync_time_ += took;
  sync_ms_.push_back(std::chrono::duration<double, std::milli>(took).count());
  // Where a run's sync time goes (waiting for peers, evaluation): per sync.
  log::get("SwarmCallback")->debug("sync {} took {:.1f} ms", seq_, sync_ms_.back());
  if (!st)
    stop(st.error());
}

status swarm_callback::sync(mlsl::MessageType request, mlsl::MessageType response) {
  auto& weights = *request_.mutable_weights();
  // The layout goes in once; then the user's buffers are copied straight
  // into the message (or the shared region), with no intermediate copy of
  // 1.6 MB per sync.
  if (weights.tensors_size() == 0) {
    if (shared_)
      wire::layout_to_wire(local_, weights);
    else
      wire::to_wire(local_, weights);
    request_.set_weights_shared(shared_.has_value());
  }
  capture_parameters(shared_ ? shared_->to_sl() : weights.mutable_data()->data());
  loaded_this_sync_ = false;
  request_.set_session_id(session_id_);
  request_.set_sync_seq_num(++seq_);
  request_.set_node_weightage(static_cast<uint32_t>(params_.node_weightage));
  request_.set_number_of_nodes(1);
  request_.set_samples(samples_since_sync_);
  request_.set_epochs_done(epochs_done_);
  request_.set_total_epochs(static_cast<uint32_t>(params_.total_epochs));
  if (auto st = channel_->send(request, request_); !st)
    return st;
  batches_since_sync_ = 0;
  samples_since_sync_ = 0;
  // No timeout: a round may wait for minPeers as long as it takes. A dead SL
  // still ends the wait, as the socket reports its end.
  for (;;) {
    auto f = channel_->receive();
    if (!f)
      return f.error();
    if (f->type == mlsl::GET_LOSS_REQUEST) {
      if (auto st = handle_loss_request(*f); !st)
        return st;
      continue;
    }
    if (f->type == response) {
      mlsl::SyncResponse resp;
      if (auto st = mlsl::parse_body(*f, resp); !st)
        return st;
      return finish_sync(resp, response);
    }
    if (f->type == mlsl::STATUS) {
      mlsl::Status report;
      if (auto st = mlsl::parse_body(*f, report); !st)
        return st;
      return sl_status_error(report, "during " + mlsl::type_name(request));
    }
    return protocol_error("unexpected " + mlsl::type_name(f->type) + " while waiting for "
                          + mlsl::type_name(response));
  }
}

status swarm_callback::finish_sync(const mlsl::SyncResponse& resp, mlsl::MessageType type) {
  if (resp.session_id() != session_id_ || resp.sync_seq_num() != seq_)
    return protocol_error(mlsl::type_name(type) + " for session "
                          + std::to_string(resp.session_id()) + " sync "
                          + std::to_string(resp.sync_seq_num()) + ", expected session "
                          + std::to_string(session_id_) + " sync " + std::to_string(seq_));
  if (resp.status().code() != mlsl::Status::STATUS_OK)
    return sl_status_error(resp.status(), "in " + mlsl::type_name(type));
  if (resp.next_sync_interval() > 0)
    interval_ = resp.next_sync_interval();
  if (type == mlsl::SYNC_RESPONSE)
    ++rounds_;
  if (resp.training_over() && !over_) {
    over_ = true;
    if (loaded_this_sync_)
      keep_final_model();
    if (type == mlsl::SYNC_RESPONSE)
      log::get("SwarmCallback")->info("The Swarm training is over: stopping local training");
  }
  return {};
}

status swarm_callback::handle_loss_request(const mlsl::frame& f) {
  mlsl::LossRequest req;
  if (auto st = mlsl::parse_body(f, req); !st)
    return st;
  if (req.session_id() != session_id_ || req.sync_seq_num() != seq_)
    return protocol_error("GET_LOSS_REQUEST for session " + std::to_string(req.session_id())
                          + " sync " + std::to_string(req.sync_seq_num())
                          + ", expected session " + std::to_string(session_id_) + " sync "
                          + std::to_string(seq_));
  mlsl::LossResponse resp;
  resp.set_session_id(session_id_);
  resp.set_sync_seq_num(seq_);
  resp.set_loss_seq_num(req.loss_seq_num());
  resp.set_epochs_done(epochs_done_);
  resp.set_total_epochs(static_cast<uint32_t>(params_.total_epochs));
  auto loaded = load_merged(req);
  if (!loaded) {
    // Tell the SL why before giving up, so its log names the cause too.
    resp.mutable_status()->set_code(mlsl::Status::ERROR_IN_USER);
    resp.mutable_status()->set_message(loaded.error().message);
    (void) channel_->send(mlsl::GET_LOSS_RESPONSE, resp);
    return loaded;
  }
  auto eval_start = std::chrono::steady_clock::now();
  auto measured = evaluate_ ? evaluate_() : eval_result{};
  log::get("SwarmCallback")
    ->debug("evaluating the merged model took {:.1f} ms",
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now()
                                                      - eval_start)
              .count());
  resp.mutable_status()->set_code(mlsl::Status::STATUS_OK);
  resp.set_loss(static_cast<float>(measured.loss));
  resp.set_metric(static_cast<float>(measured.metric));
  return channel_->send(mlsl::GET_LOSS_RESPONSE, resp);
}

status swarm_callback::load_merged(const mlsl::LossRequest& req) {
  if (req.weights_shared() && !shared_)
    return protocol_error("GET_LOSS_REQUEST has its values in shared memory, but this "
                          "session shares none");
  const auto& weights = req.weights();
  std::string_view data = req.weights_shared()
                            ? std::string_view{shared_->to_ml(), shared_->model_bytes()}
                            : std::string_view{weights.data()};
  if (req.weights_shared() && !weights.data().empty())
    return protocol_error("GET_LOSS_REQUEST has values both in the message and in shared memory");
  auto layout = wire::layout_from_wire(weights, data.size(), req.weights_shared(), sl_peer);
  if (!layout)
    return layout.error();
  if (auto st = merge::check_same_layout(local_, *layout, sl_peer); !st)
    return make_error(st.error().code,
                      "the merged model does not fit this model's parameters: "
                        + st.error().message);
  const auto* values = reinterpret_cast<const float*>(data.data());
  // From the region, the check rides on the copy: the check-in that this
  // sync wrote to `to_sl` can undo it (unless a model loaded already).
  // Otherwise: one scan, then one copy straight into the parameters.
  bool fused = req.weights_shared() && weights.sha256().empty() && !loaded_this_sync_;
  bool clean = fused ? load_values_checked(values)
                     : weights.sha256().empty() && wire::all_finite(values, local_.values.size());
  if (clean && !fused)
    load_values(values);
  if (!clean) {
    // Rare: the full conversion checks the digest and names a non-finite
    // tensor; the parameters stay untouched until everything passed.
    auto merged = wire::from_wire(weights, data, sl_peer);
    if (!merged)
      return merged.error();
    load_parameters(*merged);
  }
  loaded_this_sync_ = true;
  ++merged_loaded_;
  return {};
}

bool swarm_callback::load_values_checked(const float* values) {
  // Pieces small enough that the check reads the copy back from L1; it
  // checks what landed in the user's buffers, out of the SL's reach.
  constexpr size_t piece = 4096;
  for (size_t i = 0; i < views_.size(); ++i) {
    const auto& info = local_.tensors[i];
    float* to = views_[i].data;
    const auto* from = values + info.offset;
    for (size_t done = 0, count = info.count(); done < count; done += piece) {
      auto n = std::min(piece, count - done);
      std::memcpy(to + done, from + done, n * sizeof(float));
      if (!wire::all_finite(to + done, n)) {
        load_values(reinterpret_cast<const float*>(shared_->to_sl()));
        return false;
      }
    }
  }
  return true;
}

void swarm_callback::keep_final_model() {
  // The parameters hold the final model now (loaded in this sync); the
  // user's loop may train on before it sees trainingOver.
  last_merged_.tensors = local_.tensors;
  last_merged_.values.resize(local_.values.size());
  capture_parameters(reinterpret_cast<char*>(last_merged_.values.data()));
}

void swarm_callback::capture_parameters(char* data) {
  // Laid out as local_ (the layout the session was opened with).
  for (size_t i = 0; i < views_.size(); ++i) {
    const auto& info = local_.tensors[i];
    std::memcpy(data + info.offset * sizeof(float), views_[i].data,
                info.count() * sizeof(float));
  }
}

void swarm_callback::load_parameters(const merge::tensor_bundle& x) {
  // Same layout as local_ (checked), hence as the views.
  load_values(x.values.data());
}

void swarm_callback::load_values(const float* values) {
  // Laid out as local_ (checked by the caller), hence as the views.
  for (size_t i = 0; i < views_.size(); ++i) {
    const auto& info = local_.tensors[i];
    std::memcpy(views_[i].data, values + info.offset, info.count() * sizeof(float));
  }
}

} // namespace swarm::callback
