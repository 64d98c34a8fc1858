#include <spdlog/spdlog.h>

#include "caf/all.hpp"
#include "caf/io/all.hpp"

#include "caf_atoms.hpp"
#include "node_actor.hpp"
#include "tcp_nodelay.hpp"
#include "swarm/transport/address.hpp"
#include "swarm/wire/codec.hpp"

namespace swarm::transport::detail {

namespace {

// CAF 0.17 reports every TLS failure as one of two codes without OpenSSL's
// reason (caf-0.17-notes.md section 2, quirk 4); say what they usually mean.
std::string hint_for(const caf::error& err) {
  if (err == caf::sec::disconnect_during_handshake)
    return " (TLS handshake failed: the peer's certificate is not trusted here, ours is"
           " not trusted there, or the peer does not speak TLS)";
  if (err == caf::sec::cannot_connect_to_node)
    return " (TCP connect failed, or the peer runs TLS without authentication)";
  if (err == caf::sec::request_timeout)
    return " (no answer within connect_timeout_ms)";
  return "";
}

// 1, 10, 100, ...: the failures in a row that are worth a warning.
bool is_power_of_ten(uint64_t x) {
  for (uint64_t p = 1; p <= x; p *= 10)
    if (p == x)
      return true;
  return false;
}

// With heartbeats on, CAF 0.17 may close a connection whose BASP handshake
// has not delivered a message by the next heartbeat tick, as if it had
// timed out (observed: `connection_timeout` 100 ms into a dial with a 100 ms
// heartbeat); the acceptor's tick can do the same, which the dialer sees as
// a disconnect during the handshake. Both are worth another try; a real TLS
// refusal then fails again and is reported after the retries.
bool is_transient(const caf::error& err) {
  return err == caf::sec::connection_timeout || err == caf::sec::disconnect_during_handshake;
}

} // namespace

expected<std::string> node_actor::encode_checked(wire::Envelope& env, std::string_view to) {
  env.set_version(wire::wire_version);
  auto bytes = wire::encode(env);
  if (bytes.size() <= setup_.cfg.max_envelope_bytes)
    return bytes;
  auto err = wire::make_error(wire::reject_reason::oversized,
                              "not sending " + std::to_string(bytes.size()) + " bytes to "
                                + std::string{to} + ": max_envelope_bytes is "
                                + std::to_string(setup_.cfg.max_envelope_bytes)
                                + " (split the message)");
  setup_.log->error("{}: {}", node_name(), err.message);
  return err;
}

bool node_actor::lane_takes(peer_entry& peer, lane_frame& frame) {
  // A model-sized envelope for a peer with a lane goes there once its
  // connection stands (CAF carries it during the dial, and while the lane
  // rests after a failure).
  return setup_.lane && frame.size_bytes() >= setup_.cfg.lane_min_bytes && peer.hs->verified()
         && !peer.superseded && !peer.hs->peer_lane_address().empty()
         && setup_.lane->send(peer.hs->peer().name, peer.hs->peer_lane_address(), frame);
}

void node_actor::send_bytes(peer_entry& peer, std::string bytes) {
  lane_frame frame{std::move(bytes), nullptr};
  if (lane_takes(peer, frame))
    return;
  // As the gateway: peers must never learn this actor's address, or they
  // could send it exit messages (see gateway.cpp).
  caf::send_as(gateway_, peer.handle, wire_atom::value, std::move(frame.head));
}

void node_actor::send_attached(std::string_view name, std::string_view address,
                               wire::Envelope env, wire::attached_values values) {
  if (values && !values->empty() && !name.empty()) {
    if (auto i = names_.find(name); i != names_.end()) {
      env.set_version(wire::wire_version);
      lane_frame frame{wire::encode(env), values};
      if (frame.size_bytes() > setup_.cfg.max_envelope_bytes) {
        setup_.log->error("{}: not sending {} bytes to {}: max_envelope_bytes is {}",
                          node_name(), frame.size_bytes(), name,
                          setup_.cfg.max_envelope_bytes);
        return;
      }
      if (lane_takes(peers_.at(i->second), frame))
        return;
    }
  }
  // Every other path carries whole envelopes.
  if (values)
    (void) wire::embed_attachment(env, *values);
  send_to_peer(name, address, std::move(env));
}

void node_actor::on_lane_undelivered(const std::string& name, lane_frame& frame) {
  auto i = names_.find(name);
  if (i == names_.end() || stopping_) {
    setup_.log->debug("{}: dropped an envelope the model lane could not send to {}", node_name(),
                      name);
    return;
  }
  std::string bytes = std::move(frame.head);
  if (frame.values) {
    // Made whole for CAF: parsed back (our own bytes), values embedded.
    auto env = wire::decode_envelope(bytes, setup_.cfg.max_envelope_bytes);
    if (!env || !wire::embed_attachment(*env, *frame.values)) {
      setup_.log->warn("{}: dropped an envelope for {} the model lane returned: {}", node_name(),
                       name, env ? "no attached model in it" : env.error().message);
      return;
    }
    bytes = wire::encode(*env);
  }
  caf::send_as(gateway_, peers_.at(i->second).handle, wire_atom::value, std::move(bytes));
}

void node_actor::hold(std::vector<std::string>& queue, std::string bytes,
                      std::string_view to) {
  if (queue.size() >= setup_.cfg.max_queued_envelopes) {
    setup_.log->warn("{}: dropped an envelope for {}: {} already wait for the connection",
                     node_name(), to, queue.size());
    return;
  }
  queue.push_back(std::move(bytes));
}

bool node_actor::send_to_name(std::string_view name, wire::Envelope env) {
  auto i = names_.find(name);
  if (i == names_.end()) {
    setup_.log->debug("{}: no verified peer named {}; envelope dropped", node_name(), name);
    return false;
  }
  auto bytes = encode_checked(env, name);
  if (!bytes)
    return false;
  send_bytes(peers_.at(i->second), std::move(*bytes));
  return true;
}

void node_actor::send_to_address(std::string_view address, wire::Envelope env) {
  if (address == node_address()) {
    setup_.log->debug("{}: not sending to itself ({})", node_name(), address);
    return;
  }
  auto bytes = encode_checked(env, address);
  if (!bytes)
    return;
  if (auto i = addresses_.find(address); i != addresses_.end()) {
    auto& peer = peers_.at(i->second);
    if (peer.hs->verified())
      send_bytes(peer, std::move(*bytes));
    else
      hold(peer.queue, std::move(*bytes), address);
    return;
  }
  if (auto d = dials_.find(address); d != dials_.end())
    return hold(d->second.queue, std::move(*bytes), address);
  if (stopping_)
    return;
  std::string key{address};
  dials_[key].queue.push_back(std::move(*bytes));
  start_dial(key);
}

void node_actor::send_to_peer(std::string_view name, std::string_view address,
                              wire::Envelope env) {
  if (!name.empty() && is_verified(name))
    return static_cast<void>(send_to_name(name, std::move(env)));
  bool known = address == node_address() || addresses_.count(address) > 0
               || dials_.count(address) > 0;
  // Who dials is decided by name order: the later name yields for a moment
  // to the earlier one, whose dial (if it is also reaching out) then arrives
  // first and is adopted instead of crossing ours.
  if (known || stopping_ || setup_.cfg.dial_yield_ms == 0 || name.empty()
      || !(name < node_name()))
    return send_to_address(address, std::move(env));
  auto bytes = encode_checked(env, address);
  if (!bytes)
    return;
  std::string key{address};
  dials_[key].queue.push_back(std::move(*bytes));
  delayed_send(this, std::chrono::milliseconds{setup_.cfg.dial_yield_ms}, redial_atom::value,
               key);
}

void node_actor::adopt_dial(peer_entry& peer, const std::string& address) {
  // The peer dialed in and announced `address`. A dial we merely scheduled
  // there (yielding, or retrying) is moot: its envelopes wait for this
  // connection. A dial in flight is left alone: the collision is under way.
  auto d = dials_.find(address);
  if (d != dials_.end() && !d->second.in_flight) {
    for (auto& bytes : d->second.queue) {
      if (peer.hs->verified())
        send_bytes(peer, std::move(bytes));
      else
        hold(peer.queue, std::move(bytes), address);
    }
    dials_.erase(d);
  }
  if (dials_.count(address) == 0)
    addresses_.try_emplace(address, peer.handle.address());
}

void node_actor::dial(std::string_view address) {
  if (address == node_address() || addresses_.count(address) > 0 || dials_.count(address) > 0
      || stopping_)
    return;
  std::string key{address};
  dials_[key];
  start_dial(key);
}

void node_actor::start_dial(const std::string& address) {
  // Our own files are re-read by CAF for this connection; if they went bad,
  // CAF would hang (wrong passphrase) or terminate (unreadable certificate)
  // instead of failing (quirk 3).
  if (!identity_ok_)
    return on_dial_failed(address, make_error(errc::io_error,
                                              "not dialing: this node's TLS identity files"
                                              " fail the pre-flight"));
  auto ep = parse_address(address);
  if (!ep)
    return on_dial_failed(address, ep.error());
  setup_.log->debug("{}: dialing {}", node_name(), address);
  dials_[address].in_flight = true;
  // An asynchronous request to the TLS middleman actor, never the blocking
  // openssl::remote_actor: this actor must keep serving while TCP, TLS and
  // BASP handshakes run, and remote_actor's own request has no timeout.
  request(setup_.tls_middleman, std::chrono::milliseconds{setup_.cfg.connect_timeout_ms},
          caf::connect_atom::value, ep->host, ep->port)
    .then(
      [this, address](caf::node_id&, caf::strong_actor_ptr& ptr, std::set<std::string>&) {
        on_connected(address, ptr);
      },
      [this, address](caf::error& err) {
        auto why = make_error(errc::io_error,
                              "cannot connect: " + system().render(err) + hint_for(err));
        if (is_transient(err))
          return schedule_redial(address, {}, why);
        on_dial_failed(address, why);
      });
}

void node_actor::on_connected(const std::string& address, caf::strong_actor_ptr& ptr) {
  if (!ptr)
    return on_dial_failed(address, make_error(errc::io_error,
                                              "connected, but no actor is published there"));
  if (ptr->node() == node())
    return on_dial_failed(address, make_error(errc::invalid_argument,
                                              "the address is this node's own"));
  auto& peer = peer_for(caf::actor_cast<caf::actor>(ptr));
  if (peer.refused || peer.superseded)
    return on_dial_failed(address, make_error(errc::invalid_argument,
                                              "the node there was refused (or replaced) on"
                                              " this connection; waiting for it to"
                                              " reconnect"));
  setup_.log->debug("{}: connected to {} ({})", node_name(), address, describe(peer));
  if (auto f = failed_dials_.find(address); f != failed_dials_.end()) {
    if (f->second > 1)
      setup_.log->info("{}: dial {} succeeded after {} failures", node_name(), address,
                       f->second);
    failed_dials_.erase(f);
  }
  // CAF opened the socket without TCP_NODELAY (see tcp_nodelay.hpp). None
  // found: CAF reused a connection the peer dialed, whose socket inherited
  // it from our listener.
  if (auto ep = parse_address(address))
    set_nodelay_on_connections_to(ep->host, ep->port);
  if (peer.dialed.empty())
    peer.dialed = address;
  auto key = peer.handle.address();
  addresses_.try_emplace(address, key);
  auto queued = std::exchange(dials_[address].queue, {});
  dials_.erase(address);
  if (peer.hs->verified()) {
    for (auto& bytes : queued)
      send_bytes(peer, std::move(bytes));
    return;
  }
  for (auto& bytes : queued)
    hold(peer.queue, std::move(bytes), address);
  if (!peer.hs->initiated())
    send_bytes(peer, wire::encode(peer.hs->initiate()));
}

void node_actor::on_dial_failed(const std::string& address, const swarm::error& why) {
  size_t dropped = 0;
  if (auto d = dials_.find(address); d != dials_.end()) {
    dropped = d->second.queue.size();
    dials_.erase(d);
  }
  redials_.erase(address);
  auto failures = ++failed_dials_[address];
  auto level = is_power_of_ten(failures) ? spdlog::level::warn : spdlog::level::debug;
  setup_.log->log(level, "{}: dial {} failed: {}{}{}", node_name(), address, why.message,
                  dropped > 0 ? "; dropped " + std::to_string(dropped) + " queued envelope(s)"
                              : std::string{},
                  failures > 1 ? " (" + std::to_string(failures) + " failures in a row)"
                               : std::string{});
  guarded("on_dial_failed", [&] { setup_.delegate->on_dial_failed(ctx_, address, why); });
}

void node_actor::schedule_redial(const std::string& address, std::vector<std::string> queue,
                                 const swarm::error& why) {
  // Two CAF 0.17 flaws end dials that would otherwise succeed: two nodes
  // dialing each other at once (BASP keeps one connection per pair, and
  // closing the duplicate purges the proxies and state of the one it kept,
  // so both handshakes die silently), and heartbeat ticks that close
  // connections still in their handshake (see is_transient). Retry a few
  // times, after a random pause, so that one side's dial wins.
  constexpr int max_redials = 4;
  auto attempt = ++redials_[address];
  auto& pending = dials_[address];
  pending.queue.insert(pending.queue.begin(), std::make_move_iterator(queue.begin()),
                       std::make_move_iterator(queue.end()));
  if (attempt > max_redials || stopping_)
    return on_dial_failed(address, swarm::error{why.code, why.message + " (after "
                                                            + std::to_string(attempt)
                                                            + " attempts)"});
  std::uniform_int_distribution<int64_t> pause{20, 200 * attempt};
  auto delay_ms = pause(rng_);
  // Debug: a retry that succeeds is routine; the final failure is a warning.
  setup_.log->debug("{}: dial {} failed: {}; retrying in {} ms", node_name(), address,
                    why.message, delay_ms);
  pending.in_flight = false;
  delayed_send(this, std::chrono::milliseconds{delay_ms}, redial_atom::value, address);
}

void node_actor::on_redial(const std::string& address) {
  auto d = dials_.find(address);
  if (d == dials_.end() || d->second.in_flight)
    return;
  // The peer may have dialed us meanwhile and be verified already.
  if (auto i = addresses_.find(address); i != addresses_.end()) {
    auto queued = std::exchange(d->second.queue, {});
    dials_.erase(d);
    auto& peer = peers_.at(i->second);
    for (auto& bytes : queued) {
      if (peer.hs->verified())
        send_bytes(peer, std::move(bytes));
      else
        hold(peer.queue, std::move(bytes), address);
    }
    return;
  }
  start_dial(address);
}

void node_actor::request_endpoint(const caf::actor& handle) {
  // Only for log lines: which IP and port the peer's connection comes from.
  auto key = handle.address();
  request(setup_.tls_middleman, std::chrono::milliseconds{setup_.cfg.connect_timeout_ms},
          caf::get_atom::value, handle.node())
    .then(
      [this, key](caf::node_id&, std::string& host, uint16_t port) {
        if (auto i = peers_.find(key); i != peers_.end() && !host.empty())
          i->second.endpoint = format_address(host, port);
      },
      [](caf::error&) {
        // nop: the log lines fall back to the dialed address or node id
      });
}

} // namespace swarm::transport::detail
