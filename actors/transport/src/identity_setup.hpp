#pragma once

// Everything the node checks and loads before any CAF code runs. No CAF.

#include <string>
#include <vector>

#include "swarm/common/error.hpp"
#include "swarm/identity/pki.hpp"
#include "swarm/transport/handshake.hpp"
#include "swarm/transport/tls_node_config.hpp"

namespace swarm::transport::detail {

/// A node's identity after the pre-flight.
struct prepared_identity {
  /// Name, certificate, key and trust store; `listen_address` is still
  /// empty (known once the listener is bound).
  local_identity self;
  /// Problems that do not stop the node (a key readable by others, ...).
  std::vector<std::string> warnings;
};

/// Runs `identity::check_identity` on the configured files (CAF 0.17
/// terminates or hangs on an unreadable certificate, a wrong passphrase or
/// a certificate without key, caf-0.17-notes.md section 2, quirk 3, so this
/// must pass before the actor system exists), resolves the node name
/// (default: the certificate's CN; it must be one of the certificate's
/// names), and makes sure OpenSSL's capath lookup, which CAF uses, finds
/// every CA we trust: it needs `<hash>.<n>` links, so an unlinked capath is
/// rehashed (or the start fails saying why).
expected<prepared_identity> prepare_identity(const tls_node_config& cfg,
                                             identity::clock::time_point now);

/// Re-runs the file checks of `prepare_identity` without changing anything;
/// for the periodic re-check while running.
status recheck_identity(const tls_node_config& cfg, identity::clock::time_point now);

} // namespace swarm::transport::detail
