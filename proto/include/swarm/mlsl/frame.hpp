#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>

#include <google/protobuf/message_lite.h>

#include "swarm/common/error.hpp"
#include "swarm/mlsl.pb.h"
#include "swarm/wire/limits.hpp"

/// The ML<->SL protocol (proto/swarm/mlsl.proto): framing of its messages
/// and the channel that carries them between a training program and its SL.
namespace swarm::mlsl {

/// The protocol generation this build speaks.
inline constexpr uint32_t api_version = 1;

/// The oldest generation this build still reads.
inline constexpr uint32_t min_api_version = 1;

/// Serialized length of every Header: all its fields are fixed32 with
/// explicit presence and always set (see mlsl.proto), so a reader reads
/// exactly this many bytes first.
inline constexpr size_t header_bytes = 22;

/// Largest body accepted: a model of `wire::max_model_bytes` plus 16 MiB for
/// its tensor names and the message around it. Checked from the header,
/// before the body is read or allocated.
inline constexpr size_t max_message_bytes = wire::max_model_bytes + (size_t{16} << 20);

/// Environment variable through which `swarm sl --ml-cmd` tells the ML
/// program it spawns where the channel socket is.
inline constexpr const char* channel_env_var = "SWARM_SL_CHANNEL";

/// Which end of a channel a process is; errors name the other end.
enum class side : uint8_t {
  /// The user's training program.
  ml,
  /// The learning node.
  sl,
};

/// Returns "ML" or "SL".
std::string_view to_string(side x) noexcept;

/// Returns the other end: `sl` for `ml` and vice versa.
constexpr side other(side x) noexcept {
  return x == side::ml ? side::sl : side::ml;
}

/// Why the last receive on a channel failed, so callers can tell a timeout
/// (retry) from a dead peer (give up) without parsing messages.
enum class failure : uint8_t {
  /// The last receive succeeded.
  none,
  /// The peer closed the channel (the process ended or hung up).
  closed,
  /// Nothing (complete) arrived within the timeout.
  timeout,
  /// The socket failed.
  io,
  /// A header announced a body over `max_message_bytes`.
  oversized,
  /// The peer speaks an incompatible protocol generation.
  version_mismatch,
  /// A header that does not parse, misses a field or names an unknown type.
  malformed,
};

/// Returns the name of `x`, e.g. "closed".
std::string_view to_string(failure x) noexcept;

/// Prints the name of `x` (for test diagnostics and logs).
std::ostream& operator<<(std::ostream& out, failure x);

/// One message received: its type and its serialized body.
struct frame {
  /// The header's message type.
  MessageType type = MESSAGE_TYPE_UNSPECIFIED;
  /// The body's bytes, as sent.
  std::string body;
  /// A file descriptor the sender attached to the message (SCM_RIGHTS),
  /// if any; closed when the last copy of the frame goes.
  std::shared_ptr<const int> attached_fd;
};

/// Parses `f.body` into `out`; fails (errc::parse_error, naming the type)
/// if the bytes are not such a message.
status parse_body(const frame& f, google::protobuf::MessageLite& out);

/// Returns the name of `x`, e.g. "SYNC_REQUEST", or its number if unknown.
std::string type_name(uint32_t x);

/// Writes the header for a body of `type` and `size` bytes into `out`,
/// which must have room for `header_bytes`.
void encode_header(MessageType type, uint32_t size, char* out);

/// A header read off the channel.
struct header_fields {
  /// The message type (a known one).
  MessageType type = MESSAGE_TYPE_UNSPECIFIED;
  /// The body length.
  uint32_t size = 0;
};

/// Decodes and checks a header of `header_bytes` bytes from `peer`: all
/// fields present, a compatible API version (the error names both, as
/// HPE's "Mismatch in the Swarm API version between ML and SL" does), a
/// known type, and a size up to `max_message_bytes`. Sets `why` on failure.
expected<header_fields> decode_header(std::string_view bytes, side peer, failure& why);

} // namespace swarm::mlsl
