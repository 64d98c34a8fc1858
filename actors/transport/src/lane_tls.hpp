#pragma once

// Blocking mutual TLS for the model lane (model_lane.hpp): contexts built
// from the node's checked identity, the peer-name check, and exact reads
// and writes on one connection. Plain OpenSSL; no CAF.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include <openssl/types.h>

#include "swarm/common/error.hpp"
#include "swarm/transport/handshake.hpp"

namespace swarm::transport::detail {

/// Frees an SSL_CTX.
struct ssl_ctx_free {
  void operator()(SSL_CTX* x) const;
};

/// Frees an SSL.
struct ssl_free {
  void operator()(SSL* x) const;
};

/// An owned SSL_CTX.
using ssl_ctx_ptr = std::unique_ptr<SSL_CTX, ssl_ctx_free>;

/// An owned SSL.
using ssl_ptr = std::unique_ptr<SSL, ssl_free>;

/// Returns a TLS 1.3 context that presents `self`'s certificate (with its
/// intermediates) and requires a peer certificate chaining to `self`'s
/// trust store, in both roles: the lane has no anonymous side.
expected<ssl_ctx_ptr> make_lane_context(const local_identity& self);

/// Succeeds if the verified peer certificate of `ssl` carries `name` as its
/// CN or a SAN DNS entry; the error says which names it does carry.
status check_peer_name(SSL* ssl, std::string_view name);

/// Size of a lane connection's write buffer: each write system call sends
/// up to this many bytes of records.
constexpr int lane_write_buffer_bytes = 256 * 1024;

/// Connects `ssl` to the socket `fd` (not owned), with its writes through a
/// buffer: a frame's writes leave at `flush_writes`.
status attach_socket(SSL* ssl, int fd);

/// Writes all `size` bytes or fails (the socket's send timeout applies).
/// The bytes may wait in the write buffer until `flush_writes`.
status write_all(SSL* ssl, const void* data, size_t size);

/// Sends what waits in the write buffer.
status flush_writes(SSL* ssl);

/// Reads exactly `size` bytes or fails (`io_error`; "closed" when the
/// peer closed the connection).
status read_exact(SSL* ssl, void* data, size_t size);

/// Returns OpenSSL's last error (and clears the queue), for messages.
std::string last_tls_error();

} // namespace swarm::transport::detail
