#pragma once

// The model lane's plain sockets: listening, dialing with a bound, the
// per-socket timeouts, and keeping SIGPIPE away from lane threads. No TLS,
// no CAF.

#include <cstdint>
#include <string>

#include "swarm/common/error.hpp"

namespace swarm::transport::detail {

/// Listens on `host` (an IP literal, "0.0.0.0" or "::") and `port` (0: the
/// OS picks); returns the socket and fills `bound_port`.
expected<int> lane_listen(const std::string& host, uint16_t port, uint16_t& bound_port);

/// Connects to "host:port" within `timeout_ms`, from `source_host` unless
/// it is a wildcard (so peers see the address this node listens on);
/// returns the socket with TCP_NODELAY on.
expected<int> lane_dial(const std::string& address, const std::string& source_host,
                        int64_t timeout_ms);

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
