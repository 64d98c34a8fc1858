#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "swarm/api/metrics.hpp"
#include "swarm/api/router.hpp"
#include "swarm/common/error.hpp"
#include "swarm/identity/preflight.hpp"

namespace swarm::api {

/// Default port of the SN API (HPE's `--sn-api-port`).
inline constexpr uint16_t default_sn_api_port = 30304;

/// How the API server listens, whom it trusts, and its resource bounds.
struct api_server_options {
  /// Address to listen on: an address of this host, or "0.0.0.0" for all.
  std::string host = "0.0.0.0";
  /// Port; 0 lets the system pick a free one (see `api_server::port`).
  uint16_t port = default_sn_api_port;
  /// Key, certificate and trust store (`--key`, `--cert`, `--capath` or
  /// `--cacert`). Clients must present a certificate chained to one of the
  /// trusted CAs. The files are checked and read once, by `start`.
  identity::identity_files identity;
  /// Threads serving connections (each serves one connection at a time).
  size_t worker_threads = 4;
  /// Accepted connections that may wait for a worker; beyond that the
  /// server stops accepting until one frees up. Also the listen backlog:
  /// how many more the kernel holds before it drops connection attempts.
  size_t max_queued_connections = 32;
  /// Time a client has to complete the TLS handshake.
  std::chrono::milliseconds handshake_timeout{10'000};
  /// Longest a connection may stay open, keep-alive included.
  std::chrono::milliseconds connection_timeout{60'000};
  /// Longest wait for the next bytes of a request.
  std::chrono::milliseconds read_timeout{5'000};
  /// Longest wait for the client to accept more bytes of a response.
  std::chrono::milliseconds write_timeout{5'000};
  /// Longest wait for the next request on a kept-alive connection.
  std::chrono::milliseconds keep_alive_timeout{5'000};
  /// Requests served on one connection before it is closed.
  size_t keep_alive_max_requests = 100;
  /// Largest request body accepted; larger ones get 413.
  size_t max_body_bytes = 64 * 1024;
  /// Where the server counts its own events, if set: requests by status
  /// (`swarm_api_requests_total{code}`) and refused handshakes by reason
  /// (`swarm_api_handshake_failures_total{reason}`, reasons no_certificate,
  /// expired, not_yet_valid, untrusted, bad_certificate, plaintext,
  /// protocol, timeout, closed, other). Must outlive the server.
  metrics_registry* metrics = nullptr;
};

/// The SN's HTTPS API server: mutual TLS only (no plaintext mode), serving
/// the routes of a `router` from a bounded pool of worker threads.
///
/// Clients without a certificate, with one from an untrusted CA, with an
/// expired one, or speaking plain HTTP are refused during the TLS handshake
/// and never reach a handler; the server keeps serving others.
///
/// `start` and `stop` must not run concurrently with each other (call them
/// from the owner's thread); the other members are safe from any thread.
class api_server {
public:
  /// Creates a stopped server that will answer with `routes`.
  api_server(api_server_options options, router routes);

  /// Stops the server.
  ~api_server();

  api_server(const api_server&) = delete;
  api_server& operator=(const api_server&) = delete;

  /// Checks the identity files (`identity::check_identity`; warnings are
  /// logged), sets up TLS, binds and starts listening. Returns once the
  /// socket accepts connections, or with an error: the identity check's,
  /// or "cannot listen on HOST:PORT: <reason>" (e.g. the port is in use),
  /// or "already running".
  status start();

  /// Stops accepting, cuts open connections and joins every thread of the
  /// server. Prompt: it waits for no timeout. Idempotent; `start` may be
  /// called again afterwards.
  void stop();

  /// Returns whether the server is between a successful `start` and `stop`.
  bool running() const;

  /// Returns the port it listens on (the chosen one if `options.port` was
  /// 0), or 0 when not running.
  uint16_t port() const;

  /// Returns the options.
  const api_server_options& options() const;

  /// Returns the number of connections currently open (handshaking or
  /// served); 0 when not running. For tests and diagnostics; like `start`
  /// and `stop`, not concurrently with them.
  size_t open_connections() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace swarm::api
