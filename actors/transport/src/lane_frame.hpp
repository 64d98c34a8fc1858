#pragma once

// What travels on a model-lane connection, after TLS: the sender's hello
// ("SWL2", a name length byte, the name), then frames. A frame is two
// 4-byte big-endian lengths, an envelope's bytes and, beside them, model
// values (little-endian floats, possibly none) that belong in the
// envelope's bundle marked attached: the values go from the sender's model
// to the receiver's without a copy into or out of the envelope.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <openssl/types.h>

#include "swarm/common/error.hpp"

namespace swarm::transport::detail {

/// Longest node name a hello may carry.
inline constexpr size_t max_lane_name_bytes = 255;

/// Sends the hello naming `name` (at most max_lane_name_bytes).
status write_hello(SSL* ssl, const std::string& name);

/// Reads a hello; fails on a wrong magic or an empty name.
expected<std::string> read_hello(SSL* ssl);

/// A frame to send: an envelope's bytes and the values attached to it.
struct lane_frame {
  /// The serialized envelope (never empty).
  std::string head;
  /// Model values that travel beside it, shared with the model; null if
  /// none.
  std::shared_ptr<const std::vector<float>> values;

  /// Returns the bytes the frame carries after its lengths.
  size_t size_bytes() const noexcept {
    return head.size() + (values ? values->size() * sizeof(float) : 0);
  }
};

/// A frame as read: the envelope's bytes and the values beside them.
struct lane_frame_in {
  /// The serialized envelope.
  std::string head;
  /// The attached values; empty if none came.
  std::vector<float> values;
  /// Whether every attached value was finite (checked while each piece was
  /// in cache, so that the node need not read them all again).
  bool values_finite = true;
};

/// Sends `frame`.
status write_frame(SSL* ssl, const lane_frame& frame);

/// Reads one frame of at most `max_bytes` bytes in all, with a non-empty
/// envelope and whole floats; any other fails without reading its body.
/// The values are read in pieces, each checked for finiteness as it lands.
expected<lane_frame_in> read_frame(SSL* ssl, size_t max_bytes);

} // namespace swarm::transport::detail
