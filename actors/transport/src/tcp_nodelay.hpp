#pragma once

#include <cstdint>
#include <string_view>

namespace swarm::transport::detail {

// CAF 0.17's OpenSSL module opens its sockets itself and never sets
// TCP_NODELAY, and its API hands out no file descriptors. With Nagle on,
// the tail segment of every BASP message waits for the peer's delayed ACK
// (40 ms on Linux) whenever earlier segments are still unacknowledged,
// which is the case after any message larger than a few segments: every
// 1.6 MB model, and the small message after it, cost about 40 ms extra.
// These helpers find the sockets CAF opened by what they are bound or
// connected to (scanning /proc/self/fd, Linux only; a no-op elsewhere)
// and switch Nagle off on them. Only sockets matching exactly are touched,
// so an ML process that embeds the SL keeps its own sockets as they are.

/// Sets TCP_NODELAY on the listening TCP sockets bound to `port`. Linux
/// copies it to every connection accepted from them, so the accepting side
/// of every peer connection needs nothing more. Returns how many sockets
/// it changed.
int set_nodelay_on_listener(uint16_t port) noexcept;

/// Sets TCP_NODELAY on the connected TCP sockets whose peer is `host`
/// (a numeric IPv4 or IPv6 address; any peer address if it is a name) on
/// `port`. Returns how many sockets it changed.
int set_nodelay_on_connections_to(std::string_view host, uint16_t port) noexcept;

} // namespace swarm::transport::detail
