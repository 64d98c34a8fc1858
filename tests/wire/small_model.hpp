#pragma once

// A two-tensor model for the wire tests: small enough to read in a failure
// message, shaped like a real one (a kernel and a bias).

#include <memory>

#include "swarm/merge/round_messages.hpp"

namespace wire_test {

/// A 2x3 kernel "w" (1..6 plus `offset`) and a bias "b" of 3 (7, 8, 9).
inline swarm::merge::model_ptr small_model(float offset) {
  auto x = std::make_shared<swarm::merge::tensor_bundle>();
  float w[6] = {1, 2, 3, 4, 5, 6};
  float b[3] = {7, 8, 9};
  for (auto& v : w)
    v += offset;
  x->add("w", {2, 3}, w);
  x->add("b", {3}, b);
  return x;
}

} // namespace wire_test
