#pragma once

#include <string>
#include <string_view>

#include "swarm/common/error.hpp"
#include "swarm/merge/round_messages.hpp"
#include "swarm/wire/attachment.hpp"
#include "swarm/wire.pb.h"

namespace swarm::wire {

/// A round message in wire form whose model values travel beside the
/// envelope (see attachment.hpp).
struct encoded_round {
  /// The message; its model, if any, has only its layout, marked attached.
  Envelope env;
  /// The model's values, shared with the model (no copy); null if the
  /// message carries no model.
  attached_values values;
};

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

  /// As `encode`, but the model's values are left out of the envelope and
  /// returned beside it, uncopied, for the model lane; `embed_attachment`
  /// makes the envelope whole again for any other path.
  encoded_round encode_detached(std::string_view contract, std::string_view sender,
                                const merge::round_message& msg);
};

/// Returns an Enroll envelope: "I, round identity `sender`, train `contract`".
Envelope make_enroll_envelope(std::string_view contract, std::string_view sender, bool reply);

/// Decodes the round message in `x` (not an Enroll), sent by `peer`.
/// Rejects digests that are not 32 bytes, models that fail
/// `from_wire(ModelBundle)`, and messages whose model carries a digest
/// that differs from the one they announce.
/// `attached`, if not null, holds the values that travelled beside the
/// message; they go, without a copy, into its model marked attached (read
/// once more for finiteness unless `attached->finite`). A
/// model marked attached without them, or values for a message without
/// such a model, is refused.
expected<merge::round_message> round_from_wire(const RoundMessage& x, std::string_view peer,
                                               received_values* attached = nullptr);

} // namespace swarm::wire
