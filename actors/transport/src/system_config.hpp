#pragma once

#include <memory>

#include "caf/actor_system_config.hpp"

#include "swarm/transport/tls_node_config.hpp"

namespace swarm::transport::detail {

/// Builds the CAF configuration of a TLS node: the middleman and then the
/// OpenSSL manager, the pre-flighted identity files, no automatic
/// (plaintext) connections, heartbeats. Requires `prepare_identity` to have
/// passed on the same files.
std::unique_ptr<caf::actor_system_config> make_system_config(const tls_node_config& cfg);

} // namespace swarm::transport::detail
