#pragma once

// The model lane's plain sockets: listening, dialing with a bound, the
// per-socket timeouts, and keeping SIGPIPE away from lane threads. No TLS,
// no CAF.

#include <cstdint>
#include <string>

#include <sys/socket.h>

#include "swarm/common/error.hpp"

namespace swarm::transport::detail {

/// Listens on `host` (an IP literal, "0.0.0.0" or "::") and `port` (0: the
/// OS picks); returns the socket and fills `bound_port`.
expected<int> lane_listen(const std::string& host, uint16_t port, uint16_t& bound_port);

/// A socket for dialing a peer's lane, not yet connected.
struct lane_dialer {
  /// The socket; the caller owns it (and closes it, also on failure).
  int fd = -1;
  /// The peer's resolved address.
  sockaddr_storage peer{};
  socklen_t peer_len = 0;
};

/// Opens a socket for dialing "host:port", bound to `source_host` unless it
/// is a wildcard (so peers see the address this node listens on). The
/// caller publishes the socket before lane_connect, so that a stop can cut
/// a connect short with shutdown().
expected<lane_dialer> lane_socket(const std::string& address, const std::string& source_host);

/// Connects `d` within `timeout_ms` and sets TCP_NODELAY. Leaves the
/// socket open on failure.
status lane_connect(const lane_dialer& d, const std::string& address, int64_t timeout_ms);

/// Makes blocking sends and receives on `fd` fail after `ms` without
/// progress (0: wait forever).
void set_io_timeouts(int fd, int64_t send_ms, int64_t receive_ms);

/// Returns the peer address of `fd` as "host:port", for log lines.
std::string peer_of(int fd);

/// Blocks SIGPIPE in the calling thread: a write to a connection the peer
/// closed then fails with EPIPE instead of killing the process, without
/// changing the embedding application's signal handling.
void block_sigpipe();

/// Discards a SIGPIPE the calling thread's failed write left pending.
void drop_pending_sigpipe();

} // namespace swarm::transport::detail
