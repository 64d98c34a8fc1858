#pragma once

// What travels on a model-lane connection, after TLS: the sender's hello
// ("SWL1", a name length byte, the name), then frames (a 4-byte big-endian
// length, then that many bytes of one wire envelope).

#include <cstddef>
#include <string>

#include <openssl/types.h>

#include "swarm/common/error.hpp"

namespace swarm::transport::detail {

/// Longest node name a hello may carry.
inline constexpr size_t max_lane_name_bytes = 255;

/// Sends the hello naming `name` (at most max_lane_name_bytes).
status write_hello(SSL* ssl, const std::string& name);

/// Reads a hello; fails on a wrong magic or an empty name.
expected<std::string> read_hello(SSL* ssl);

/// Sends `bytes` as one frame.
status write_frame(SSL* ssl, const std::string& bytes);

/// Reads one frame of 1 to `max_bytes` bytes; a larger or empty one fails
/// without reading its body.
expected<std::string> read_frame(SSL* ssl, size_t max_bytes);

} // namespace swarm::transport::detail
