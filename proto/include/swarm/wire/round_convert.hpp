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
  /// `sender`. Consecutive messages that share a model (a broadcast
  /// proposal) reuse one encoding of it.
  Envelope encode(std::string_view contract, std::string_view sender,
                  const merge::round_message& msg);

private:
  const merge::tensor_bundle* cached_ = nullptr;
  merge::model_ptr cached_owner_;
  ModelBundle cached_bundle_;
  bool cached_with_digest_ = false;

  const ModelBundle& bundle_of(const merge::model_ptr& model, const sha256_digest* digest);
};

/// Returns an Enroll envelope: "I, round identity `sender`, train `contract`".
Envelope make_enroll_envelope(std::string_view contract, std::string_view sender, bool reply);

/// Decodes the round message in `x` (not an Enroll), sent by `peer`.
/// Rejects digests that are not 32 bytes, models that fail
/// `from_wire(ModelBundle)`, and messages whose model carries a digest
/// that differs from the one they announce.
expected<merge::round_message> round_from_wire(const RoundMessage& x, std::string_view peer);

} // namespace swarm::wire
