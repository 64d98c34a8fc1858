#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "swarm/common/error.hpp"
#include "swarm/transport/node_delegate.hpp"
#include "swarm/transport/tls_node_config.hpp"

namespace swarm::transport {

/// One network endpoint over CAF remote actors and mutual TLS: the one place
/// CAF meets the network. Listens on (bind_host, port), dials peers on
/// demand, runs the identity handshake on every connection, and hands the
/// verified peers' envelopes to a `node_delegate`.
///
/// CAF's deterministic test backend cannot run its TLS module
/// (caf-0.17-notes.md section 2, quirk 6), so simulations drive the
/// protocol machines (or a `node_delegate`) directly; this class is only
/// the production driver.
///
/// Owns a CAF actor system (CAF stays out of this header). Thread-safe:
/// `post`, `stop` and `wait` may be called from any thread but the node
/// actor's own (i.e. not from delegate callbacks; use
/// `node_context::request_stop` there).
class tls_node {
public:
  /// Checks `cfg` and the identity files (before any CAF code runs: CAF
  /// terminates or hangs on unreadable or mismatched files), builds the
  /// actor system with TLS authentication enforced, listens, and calls
  /// `delegate->on_start`. On failure nothing keeps running and the error
  /// says what to fix. Identity problems keep identity's message, e.g.
  /// "private key does not match certificate: key ... does not belong to
  /// ...", so `identity::failure_of` tells them apart.
  static expected<std::unique_ptr<tls_node>> start(tls_node_config cfg,
                                                   std::shared_ptr<node_delegate> delegate);

  /// Stops the node (as `stop` does) if it still runs.
  ~tls_node();

  tls_node(const tls_node&) = delete;
  tls_node& operator=(const tls_node&) = delete;

  /// Returns the port the node listens on (the OS's pick if configured 0).
  uint16_t port() const noexcept;

  /// Returns the address the node announces, "host:port".
  const std::string& address() const noexcept;

  /// Returns the name the node proves in handshakes.
  const std::string& name() const noexcept;

  /// Runs `fn` on the node actor's thread, with the same context the
  /// delegate's callbacks get (e.g. to inject a local state change from an
  /// API thread). Returns false, without running it, once the node stops.
  bool post(std::function<void(node_context&)> fn);

  /// Stops gracefully: the delegate's `on_stop` runs and may send last
  /// messages, which are flushed to the peers (bounded by
  /// `stop_flush_timeout_ms`); then the actor system shuts down. Blocks
  /// until it has. Idempotent; returns what `wait` returns.
  status stop();

  /// Blocks until the node has stopped (`stop`, `node_context::request_stop`,
  /// or a fatal error) and its actor system has shut down. Returns the fatal
  /// error, if one stopped it.
  status wait();

private:
  struct impl;

  explicit tls_node(std::unique_ptr<impl> ptr);

  std::unique_ptr<impl> impl_;
};

} // namespace swarm::transport
