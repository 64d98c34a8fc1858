#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "swarm/common/error.hpp"
#include "swarm/wire.pb.h"
#include "swarm/wire/attachment.hpp"

/// The network layer under the protocol logic: nodes over CAF remote actors
/// and mutual TLS, with an application-level identity handshake. Protocol
/// code sees only this header's CAF-free interfaces.
namespace swarm::transport {

/// A peer whose identity proof verified.
struct peer_info {
  /// The node name it proved (its certificate's CN or a SAN DNS entry).
  std::string name;
  /// Where it accepts connections, "host:port": the address we dialed, or
  /// the one its Hello announced (not authenticated beyond its name). May
  /// be empty if a peer dialed us without announcing one.
  std::string address;
  /// Lower-case hex SHA-256 of its certificate (for logs and pinning).
  std::string fingerprint;
};

/// What a delegate may do while one of its callbacks runs. Valid only
/// during the callback (it is the node actor itself): never store it.
class node_context {
public:
  virtual ~node_context() = default;

  /// Returns this node's proven name.
  virtual const std::string& name() const = 0;

  /// Returns the address this node announces, "host:port".
  virtual const std::string& address() const = 0;

  /// Returns the node's monotonic clock in milliseconds (the clock of
  /// `on_tick`; not wall time).
  virtual int64_t now_ms() const = 0;

  /// Sends `env` to the verified peer `name`. Returns false (and drops it,
  /// with a debug log line) if no verified peer has that name. Sets the
  /// envelope's version; refuses (logs, returns false) an envelope whose
  /// encoding exceeds the node's `max_envelope_bytes`.
  virtual bool send_to_name(std::string_view name, wire::Envelope env) = 0;

  /// Sends `env` to whoever accepts connections at `address` ("host:port"):
  /// at once if a verified peer is known there, otherwise after dialing it
  /// and completing the handshake (queued meanwhile, up to
  /// `max_queued_envelopes`; dropped if the dial fails, which
  /// `on_dial_failed` reports).
  virtual void send_to_address(std::string_view address, wire::Envelope env) = 0;

  /// Sends to the verified peer `name` if there is one, otherwise to
  /// `address` as `send_to_address` does (SWIM's peer{name, address}; an
  /// empty name, as for a seed known only by address, just dials).
  /// Prefer it over `send_to_address` whenever the name is known: if the
  /// name sorts before ours, the node first gives that peer
  /// `dial_yield_ms` to dial in, which keeps two nodes that learned of
  /// each other at once from dialing simultaneously (CAF 0.17 breaks both
  /// connections then; the transport retries, but messages in flight are
  /// lost).
  virtual void send(std::string_view name, std::string_view address, wire::Envelope env) = 0;

  /// As `send`, for an envelope whose model values travel beside it
  /// (`wire::attached_bundle(env)` names where they belong; null `values`
  /// means none): the model lane writes them straight from `values`, which
  /// it keeps alive until then; any other path gets the envelope made
  /// whole (a copy of the values). By default, always the latter.
  virtual void send_attached(std::string_view name, std::string_view address, wire::Envelope env,
                             wire::attached_values values);

  /// Connects to `address` and runs the handshake without sending anything
  /// (e.g. to warm up a seed); a no-op if a peer there is known or a dial
  /// is under way.
  virtual void dial(std::string_view address) = 0;

  /// Returns every verified peer.
  virtual std::vector<peer_info> peers() const = 0;

  /// Returns whether a verified peer has the name `name`.
  virtual bool is_verified(std::string_view name) const = 0;

  /// Stops the node gracefully after the current callback: `on_stop` runs,
  /// then its last messages are flushed to the peers.
  virtual void request_stop() = 0;
};

/// The protocol logic on top of a node (e.g. the SN's SWIM and state
/// replication). Every callback runs on the node actor's own thread, one at
/// a time, so a delegate needs no locking for state only it touches.
/// Exceptions thrown by a callback are logged and swallowed (the message
/// that caused them is dropped): a remote input must not stop the node.
class node_delegate {
public:
  virtual ~node_delegate() = default;

  /// Called once the node listens, before anything else.
  virtual void on_start(node_context& ctx);

  /// Called every `tick_interval_ms` with `ctx.now_ms()`.
  virtual void on_tick(node_context& ctx, int64_t now_ms);

  /// Called when a peer has proved its name (again after it reconnects).
  virtual void on_peer_verified(node_context& ctx, const peer_info& peer);

  /// Called for each envelope a verified peer sends that the transport does
  /// not consume itself (SWIM and state bodies; never handshake bodies).
  /// `env` passed every check of `wire::decode_envelope`.
  virtual void on_message(node_context& ctx, const std::string& from,
                          const wire::Envelope& env) = 0;

  /// Called instead of `on_message` for an envelope whose model values
  /// came beside it on the model lane (for `wire::attached_bundle(env)`;
  /// the delegate may take them without a copy). By default, the envelope
  /// is made whole and goes to `on_message`.
  virtual void on_attached(node_context& ctx, const std::string& from, const wire::Envelope& env,
                           wire::received_values values);

  /// Called when the connection to a verified peer is gone: it
  /// disconnected, crashed, or refused us. Not called when a newer
  /// connection proving the same name replaces an old one: the peer stays
  /// up under the new connection (`on_peer_verified` runs again).
  virtual void on_peer_down(node_context& ctx, const std::string& name);

  /// Called when a dial to `address` failed (TCP, TLS, no actor there, or
  /// handshake); envelopes queued for it were dropped.
  virtual void on_dial_failed(node_context& ctx, const std::string& address,
                              const swarm::error& reason);

  /// Called once when the node stops gracefully; what it sends is flushed
  /// to the peers before the node shuts down (e.g. SWIM's leave).
  virtual void on_stop(node_context& ctx);
};

} // namespace swarm::transport
