#pragma once

#include <memory>
#include <vector>

#include "swarm/common/error.hpp"
#include "swarm/wire.pb.h"

namespace swarm::wire {

/// Model values that travel beside an envelope rather than inside it.
/// Shared and read-only on the way out: the model lane writes them straight
/// from the sender's model, which the pointer keeps alive until written.
using attached_values = std::shared_ptr<const std::vector<float>>;

/// Model values that came beside an envelope, as the receiver read them.
struct received_values {
  /// The values.
  std::vector<float> values;
  /// Whether the reader found them all finite as they arrived, so that the
  /// decoder need not read them again; false when nobody checked.
  bool finite = false;
};

/// Returns the bundle of `x` whose values are attached (`ModelBundle.attached`),
/// or null if it has none. Only round messages carry models.
ModelBundle* attached_bundle(Envelope& x);

/// Read-only overload of `attached_bundle`.
const ModelBundle* attached_bundle(const Envelope& x);

/// Puts `values` into `x`'s attached bundle as ordinary `data` and clears
/// the mark: the envelope is then whole, for a path that carries only whole
/// envelopes (CAF's connections). Fails if `x` has no attached bundle.
status embed_attachment(Envelope& x, const std::vector<float>& values);

} // namespace swarm::wire
