#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "swarm/common/error.hpp"
#include "swarm/wire.pb.h"
#include "swarm/wire/limits.hpp"
#include "swarm/wire/reject.hpp"

namespace swarm::wire {

/// Decodes one envelope received from a peer. Safe on untrusted input, in
/// this order: input larger than `max_bytes` is refused before anything is
/// parsed (`oversized`); bytes that are not an Envelope (`malformed`); a
/// version other than `wire_version` (`unsupported_version`); no body
/// (`empty_body`); then every field limit (`check_envelope`).
expected<Envelope> decode_envelope(std::span<const std::byte> bytes,
                                   size_t max_bytes = max_envelope_bytes);

/// Same as above, for bytes held in a string (as CAF carries them).
expected<Envelope> decode_envelope(std::string_view bytes,
                                   size_t max_bytes = max_envelope_bytes);

/// Serializes `x`. Does not check it: call `check_envelope` first for
/// envelopes built from untrusted data, and compare the size with the
/// receiver's limit before sending.
std::string encode(const Envelope& x);

/// Returns an envelope with `version` set to `wire_version`.
Envelope make_envelope();

/// Routes protobuf's own diagnostics (it logs invalid UTF-8 in string fields
/// to stderr before failing the parse) into the "swarm.wire" logger at
/// debug level: the rejection itself is reported by whoever called
/// `decode_envelope`, naming the peer, so a peer cannot flood stderr.
/// Process-wide; call once at startup (the transport does).
void route_protobuf_logs();

} // namespace swarm::wire
