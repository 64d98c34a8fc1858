#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "swarm/common/error.hpp"
#include "swarm/identity/preflight.hpp"
#include "swarm/wire/limits.hpp"

namespace spdlog {
class logger;
} // namespace spdlog

namespace swarm::transport {

/// How a `tls_node` runs. Defaults suit an SN on a LAN (HPE's ports).
struct tls_node_config {
  /// Key, certificate, passphrase and trust store (HPE's --key, --cert,
  /// --capath/--cacert). Required.
  identity::identity_files identity;

  /// The name this node claims in handshakes; must be the certificate's CN
  /// or a SAN DNS entry. Default: "" (the certificate's CN).
  std::string node_name;

  /// Address to listen on (HPE's --host-ip). "0.0.0.0" listens on every
  /// interface and then needs `advertised_host`. Default: "0.0.0.0".
  std::string bind_host = "0.0.0.0";

  /// Port to listen on; 0 lets the OS pick one (tests). Default: 30303.
  uint16_t port = 30303;

  /// Host that peers dial to reach this node, announced in Hellos. Default:
  /// "" (use `bind_host`, which then must name one interface).
  std::string advertised_host;

  /// Sets SO_REUSEADDR on the listening socket, so a restarted node can
  /// bind while old connections linger in TIME_WAIT. Default: true.
  bool reuse_address = true;

  /// Period of `node_delegate::on_tick`. Default: 100.
  int64_t tick_interval_ms = 100;

  /// Bound on a dial: TCP connect, TLS and CAF's own handshake. Default:
  /// 5000.
  int64_t connect_timeout_ms = 5000;

  /// Bound on the identity handshake after connecting; a peer that has not
  /// proved itself by then is dropped. Default: 5000.
  int64_t handshake_timeout_ms = 5000;

  /// When two nodes dial each other at the same moment, CAF 0.17 breaks
  /// both connections (BASP keeps one connection per pair of nodes, and
  /// closing the duplicate purges the state of the other). So for
  /// `node_context::send(name, address, ...)` to a peer whose name sorts
  /// before ours, this node first waits this long for that peer to dial in
  /// (it likely will, if both just learned of each other), and dials only
  /// if it did not. 0 disables the wait. Default: 250.
  int64_t dial_yield_ms = 250;

  /// On a graceful stop, how long to wait for peers to confirm they
  /// received the last messages. Default: 2000.
  int64_t stop_flush_timeout_ms = 2000;

  /// CAF heartbeat on every connection, so that a silent (half-open)
  /// connection is detected and closed; 0 disables it. Default: 1000.
  int64_t heartbeat_interval_ms = 1000;

  /// CAF closes a connection that sent nothing, heartbeats included, for
  /// this long (only with heartbeats on). Default: 10000.
  int64_t connection_timeout_ms = 10000;

  /// Period of re-checking the key, certificate and trust store files: CAF
  /// re-reads them on every connection and terminates the process on an
  /// unreadable certificate (caf-0.17-notes.md section 2, quirk 3), so a
  /// broken file is reported (and dials refused) before that happens.
  /// Default: 30000.
  int64_t identity_recheck_interval_ms = 30000;

  /// Largest envelope accepted from or sent to a verified peer, at most
  /// wire::max_round_envelope_bytes (SL nodes carry models); a peer that has
  /// not proved its name is held to wire::max_envelope_bytes regardless.
  /// Default: wire::max_envelope_bytes.
  size_t max_envelope_bytes = wire::max_envelope_bytes;

  /// Opens the model lane: a second mutual-TLS listener (on `bind_host`,
  /// port `lane_port`) through which peers send envelopes of at least
  /// `lane_min_bytes` straight through OpenSSL rather than CAF's BASP,
  /// which copies and queues a model several times on its way. Peers learn
  /// its address in the identity handshake; one without a lane, or whose
  /// lane fails, gets everything through CAF. For SL nodes. Default: false.
  bool model_lane = false;
  /// Port of the model lane; 0 lets the OS pick one. Default: 0.
  uint16_t lane_port = 0;
  /// Smallest envelope sent on the model lane. Default: 256 KiB.
  size_t lane_min_bytes = size_t{256} << 10;
  /// Envelopes held per address while dialing and handshaking; more are
  /// dropped (with a log line). Default: 256.
  size_t max_queued_envelopes = 256;

  /// CAF scheduler threads; 0 means CAF's default (one per core). The node
  /// actor itself has a thread of its own. Default: 0.
  size_t worker_threads = 0;

  /// Where log lines go; null means `swarm::log::get("swarm.transport")`.
  std::shared_ptr<spdlog::logger> logger;

  /// Returns the first violated rule: positive periods, a valid bind host,
  /// a concrete advertised host, limits within the wire's.
  status validate() const;
};

} // namespace swarm::transport
