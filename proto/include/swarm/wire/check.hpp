#pragma once

#include "swarm/common/error.hpp"
#include "swarm/wire.pb.h"

namespace swarm::wire {

/// Checks a parsed envelope against the protocol's rules: the version is
/// `wire_version`, exactly one body is set, and every string, byte field and
/// repeated field of that body is within its limit (limits.hpp), names and
/// addresses are printable ASCII without spaces, and enum values are known.
/// Fails with a `reject_reason` naming the field, e.g.
/// "field over limit: swim.updates[3].node: 300 bytes, at most 255".
status check_envelope(const Envelope& x);

/// Checks a SWIM message on its own (the same rules `check_envelope`
/// applies to a SWIM body); `from_wire` calls it.
status check_swim_message(const SwimMessage& x);

} // namespace swarm::wire
