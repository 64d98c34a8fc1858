#include "node_actor.hpp"

#include <chrono>
#include <exception>

#include <spdlog/spdlog.h>

#include "caf/all.hpp"

#include "caf_atoms.hpp"
#include "identity_setup.hpp"

namespace swarm::transport::detail {

namespace {

std::chrono::milliseconds ms(int64_t x) {
  return std::chrono::milliseconds{x};
}

} // namespace

node_actor::node_actor(caf::actor_config& cfg, node_setup setup)
  : caf::event_based_actor(cfg), setup_(std::move(setup)), ctx_(*this) {
  // Until `start` names the address, identity_ holds the identity without
  // one; nothing reads the address before.
  identity_ = std::make_shared<const local_identity>(setup_.self);
}

const char* node_actor::name() const {
  return "swarm.transport.node";
}

void node_actor::on_exit() {
  // Runs however the actor ends (graceful stop, fatal error, exception), so
  // the owner's wait() always returns.
  setup_.shared->finish(final_status_);
  peers_.clear();
  gateway_ = nullptr;
}

caf::behavior node_actor::make_behavior() {
  // Peers may reach the gateway as soon as it is published, a moment before
  // `start` arrives: keep their messages in the mailbox until then.
  set_default_handler(caf::skip);
  set_down_handler([this](caf::down_msg& dm) { on_down(dm); });
  // CAF's default would quit on an error message or a non-normal exit
  // message; only local actors can reach this actor (peers talk to the
  // gateway), but stay up regardless.
  set_error_handler([this](caf::error& err) {
    setup_.log->debug("node actor ignored an error message: {}", system().render(err));
  });
  set_exit_handler([this](caf::exit_msg& em) {
    setup_.log->debug("node actor ignored an exit message: {}", system().render(em.reason));
  });
  return {
    [this](start_atom, std::string& address, caf::actor& gateway) {
      gateway_ = std::move(gateway);
      start(std::move(address));
      become(running());
    },
    [this](stop_atom) { quit(); },
  };
}

caf::behavior node_actor::running() {
  set_default_handler([this](caf::scheduled_actor*,
                             caf::message_view& x) -> caf::result<caf::message> {
    setup_.log->debug("node actor dropped an unexpected message: {}",
                      to_string(x.copy_content_to_message()).substr(0, 200));
    return caf::sec::unexpected_message;
  });
  return {
    [this](wire_atom, std::string& bytes) { on_wire(bytes); },
    [this](flush_atom, uint64_t token) {
      // Only verified peers may make us answer: an answer is cheap, but
      // nothing from an unproven peer gets a reaction beyond the handshake.
      auto i = peers_.find(caf::actor_cast<caf::actor_addr>(current_sender()));
      if (i != peers_.end() && i->second.hs->verified() && !i->second.refused)
        caf::send_as(gateway_, i->second.handle, flushed_atom::value, token);
    },
    [this](flushed_atom, uint64_t token) {
      on_flushed(caf::actor_cast<caf::actor_addr>(current_sender()), token);
    },
    [this](tick_atom) { on_tick(); },
    [this](post_atom) { run_posted(); },
    [this](stop_atom) { begin_stop(); },
    [this](stop_deadline_atom) {
      if (!flushes_.empty())
        setup_.log->warn("{}: {} peer(s) did not confirm the last messages within {} ms",
                            node_name(), flushes_.size(), setup_.cfg.stop_flush_timeout_ms);
      finish_stop();
    },
    [this](handshake_timeout_atom, caf::actor_addr& key, uint64_t epoch) {
      on_handshake_timeout(key, epoch);
    },
    [this](redial_atom, std::string& address) { on_redial(address); },
    // Local only: the lane's threads send these anonymously; a peer cannot
    // reach this actor (see gateway.cpp), and anything with a sender is not
    // from the lane.
    [this](lane_frame_atom, std::string& name, lane_envelope& delivery) {
      if (!current_sender() && delivery)
        on_lane_frame(name, *delivery);
    },
    [this](lane_undelivered_atom, std::string& name, lane_returned& frame) {
      if (!current_sender() && frame)
        on_lane_undelivered(name, *frame);
    },
  };
}

void node_actor::start(std::string address) {
  auto self = setup_.self;
  self.listen_address = std::move(address);
  identity_ = std::make_shared<const local_identity>(std::move(self));
  started_ = true;
  monitor(gateway_);
  next_identity_check_ms_ = clock_ms() + setup_.cfg.identity_recheck_interval_ms;
  setup_.log->info("{}: listening on {} (mutual TLS, identity handshake required)", node_name(),
                   node_address());
  guarded("on_start", [&] { setup_.delegate->on_start(ctx_); });
  delayed_send(this, ms(setup_.cfg.tick_interval_ms), tick_atom::value);
  run_posted();
}

int64_t node_actor::clock_ms() const {
  auto now = std::chrono::steady_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::milliseconds>(now).count();
}

void node_actor::on_tick() {
  if (stopping_)
    return;
  auto now = clock_ms();
  if (now >= next_identity_check_ms_) {
    next_identity_check_ms_ = now + setup_.cfg.identity_recheck_interval_ms;
    recheck_identity();
  }
  guarded("on_tick", [&] { setup_.delegate->on_tick(ctx_, now); });
  delayed_send(this, ms(setup_.cfg.tick_interval_ms), tick_atom::value);
}

void node_actor::recheck_identity() {
  // CAF re-reads the files on every connection and std::terminate()s on a
  // certificate it cannot load (quirk 3). We cannot stop CAF from doing so
  // for incoming connections, but we can say loudly that it will happen,
  // and refuse our own dials meanwhile.
  auto st = detail::recheck_identity(setup_.cfg, identity::clock::now());
  if (!st && identity_ok_)
    setup_.log->error("{}: TLS identity files no longer pass the pre-flight ({}); new"
                      " connections will fail and CAF may terminate the process on the"
                      " next incoming one. Fix or restore the files.",
                      node_name(), st.error().message);
  else if (st && !identity_ok_)
    setup_.log->info("{}: TLS identity files pass the pre-flight again", node_name());
  identity_ok_ = static_cast<bool>(st);
}

void node_actor::run_posted() {
  for (auto& fn : setup_.shared->take_posted())
    if (!stopping_)
      guarded("a posted function", [&] { fn(ctx_); });
}

void node_actor::request_stop() {
  send(this, stop_atom::value);
}

void node_actor::begin_stop() {
  if (stopping_)
    return;
  guarded("on_stop", [&] { setup_.delegate->on_stop(ctx_); });
  stopping_ = true;
  // BASP keeps order per connection, so a peer that answers the flush has
  // received everything on_stop sent.
  uint64_t token = 0;
  for (auto& [key, peer] : peers_) {
    if (!peer.hs->verified() || peer.refused || peer.superseded)
      continue;
    flushes_.emplace(key, ++token);
    caf::send_as(gateway_, peer.handle, flush_atom::value, token);
  }
  if (flushes_.empty())
    return finish_stop();
  delayed_send(this, ms(setup_.cfg.stop_flush_timeout_ms), stop_deadline_atom::value);
}

void node_actor::on_flushed(const caf::actor_addr& from, uint64_t token) {
  auto i = flushes_.find(from);
  if (i == flushes_.end() || i->second != token)
    return;
  flushes_.erase(i);
  if (stopping_ && flushes_.empty())
    finish_stop();
}

void node_actor::finish_stop() {
  setup_.log->info("{}: stopped", node_name());
  quit();
}

void node_actor::fail(swarm::error why) {
  setup_.log->error("{}: {}", node_name(), why.message);
  final_status_ = std::move(why);
  stopping_ = true;
  quit(caf::sec::runtime_error);
}

void node_actor::on_down(caf::down_msg& dm) {
  if (dm.source == gateway_.address()) {
    // The only way: a peer sent the published gateway an exit message with
    // reason `kill`, which CAF 0.17 does not let an actor trap.
    if (!stopping_)
      fail(make_error(errc::io_error, "the published gateway actor terminated ("
                                        + system().render(dm.reason)
                                        + "); the node cannot accept connections"));
    return;
  }
  if (flushes_.erase(dm.source) > 0 && stopping_ && flushes_.empty())
    finish_stop();
  forget(dm.source, true);
}

void node_actor::guarded(const char* callback, const std::function<void()>& fn) {
  // After on_stop the delegate has said its goodbyes: no more callbacks.
  if (stopping_)
    return;
  // An exception escaping a handler would make CAF terminate this actor;
  // one bad input must not take the node down.
  try {
    fn();
  } catch (const std::exception& e) {
    setup_.log->error("{}: the delegate threw in {}: {}", node_name(), callback, e.what());
  } catch (...) {
    setup_.log->error("{}: the delegate threw in {} (not a std::exception)", node_name(),
                      callback);
  }
}

// -- node_context_impl --------------------------------------------------------

const std::string& node_context_impl::name() const {
  return self_.node_name();
}

const std::string& node_context_impl::address() const {
  return self_.node_address();
}

int64_t node_context_impl::now_ms() const {
  return self_.clock_ms();
}

bool node_context_impl::send_to_name(std::string_view name, wire::Envelope env) {
  return self_.send_to_name(name, std::move(env));
}

void node_context_impl::send_to_address(std::string_view address, wire::Envelope env) {
  self_.send_to_address(address, std::move(env));
}

void node_context_impl::send(std::string_view name, std::string_view address,
                             wire::Envelope env) {
  self_.send_to_peer(name, address, std::move(env));
}

void node_context_impl::send_attached(std::string_view name, std::string_view address,
                                      wire::Envelope env, wire::attached_values values) {
  self_.send_attached(name, address, std::move(env), std::move(values));
}

void node_context_impl::dial(std::string_view address) {
  self_.dial(address);
}

std::vector<peer_info> node_context_impl::peers() const {
  return self_.verified_peers();
}

bool node_context_impl::is_verified(std::string_view name) const {
  return self_.is_verified(name);
}

void node_context_impl::request_stop() {
  self_.request_stop();
}

} // namespace swarm::transport::detail
