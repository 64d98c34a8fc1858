#pragma once

#include <string>
#include <string_view>

#include "swarm/common/error.hpp"
#include "swarm/merge/round_messages.hpp"
#include "swarm/wire.pb.h"

namespace swarm::wire {

/// Converts merge-round messages to and from `Envelope.round`. Models are
/// carried as `ModelBundle`s and verified (layout, finiteness, and the
/// digest where one travels: votes and catch-ups, the rare paths) on the
/// way in; the sender's name goes into every error.
class round_encoder {
public:
  /// Returns an envelope for `msg` in `contract` from round identity
  /// `sender`. A model is copied once, straight into the envelope (a
  /// cached encoding would only add a copy: assigning it costs as much).
  Envelope encode(std::string_view contract, std::string_view sender,
                  const merge::round_message& msg);
};

/// Returns an Enroll envelope: "I, round identity `sender`, train `contract`".
Envelope make_enroll_envelope(std::string_view contract, std::string_view sender, bool reply);

/// Decodes the round message in `x` (not an Enroll), sent by `peer`.
/// Rejects digests that are not 32 bytes, models that fail
/// `from_wire(ModelBundle)`, and messages whose model carries a digest
/// that differs from the one they announce.
expected<merge::round_message> round_from_wire(const RoundMessage& x, std::string_view peer);

} // namespace swarm::wire
