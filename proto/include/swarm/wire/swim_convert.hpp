#pragma once

#include "swarm/common/error.hpp"
#include "swarm/membership/messages.hpp"
#include "swarm/wire.pb.h"

namespace swarm::wire {

/// Converts a SWIM message of the membership machine to its wire form. An
/// update's `from` is left empty when it equals `node` (the receiver
/// restores it). Cannot fail: the machine's messages are within the limits
/// by construction (the transport still checks the encoded size).
SwimMessage to_wire(const membership::message& x);

/// Converts a SWIM message from the wire, checking it first
/// (`check_swim_message`): an unknown update kind or member state, a
/// version outside 1..255, a missing body or an over-limit field is an
/// error, never a value cast into an enum.
expected<membership::message> from_wire(const SwimMessage& x);

/// Returns an envelope (version set) carrying `x`.
Envelope make_swim_envelope(const membership::message& x);

} // namespace swarm::wire
