#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "swarm/common/error.hpp"
#include "swarm/merge/bundle.hpp"
#include "swarm/model.pb.h"
#include "swarm/wire/limits.hpp"

namespace swarm::wire {

/// Converts `x` to its wire form into `out` (reusing `out`'s buffers, so a
/// caller that sends every round does not reallocate): one TensorMeta per
/// tensor, the values as little-endian bytes back to back, and `sha256 =
/// *digest` if a digest is given (the caller vouches that it is
/// `merge::digest(x)`). Without one the field stays empty and the receiver
/// checks no digest: the hops that carry models every round (the ML's
/// local socket, mutual TLS between SLs) already guarantee integrity, and
/// hashing an MNIST model costs about 1.2 ms per hop. Does not check `x`;
/// the receiver does.
void to_wire(const merge::tensor_bundle& x, ModelBundle& out,
             const sha256_digest* digest = nullptr);

/// Converts a bundle received from `peer` (named in every error), checking,
/// in this order, before anything is trusted:
/// - at most `max_tensors` tensors, names non-empty and at most
///   `max_tensor_name_bytes`, rank at most `max_tensor_rank`
///   (errc::invalid_argument);
/// - dtype "F32" only (errc::invalid_argument naming the tensor);
/// - every dimension positive and the element count free of overflow
///   (errc::invalid_argument);
/// - `data` at most `max_bytes` and exactly the tensors' bytes
///   (errc::corrupt_data);
/// - `merge::check_layout` (unique names);
/// - `sha256`, if present, 32 bytes equal to the recomputed digest
///   (errc::checksum_mismatch);
/// - `merge::check_finite` (no NaN or infinity).
expected<merge::tensor_bundle> from_wire(const ModelBundle& x, std::string_view peer,
                                         size_t max_bytes = max_model_bytes);

/// As `from_wire(x, ...)`, but the values are the first bytes of `data`
/// rather than `x.data` (which must be empty): a bundle whose values came
/// through shared memory. Same checks.
expected<merge::tensor_bundle> from_wire(const ModelBundle& x, std::string_view data,
                                         std::string_view peer,
                                         size_t max_bytes = max_model_bytes);

/// As `from_wire(x, ...)`, but the values are `values`, taken without a
/// copy: a bundle whose values travelled beside its message (`x.attached`,
/// `x.data` empty). Same checks; the finiteness check reads the values once,
/// unless `known_finite` says that their reader already did.
expected<merge::tensor_bundle> from_wire(const ModelBundle& x, std::vector<float>&& values,
                                         std::string_view peer,
                                         size_t max_bytes = max_model_bytes,
                                         bool known_finite = false);

/// Says whether the `count` floats at `values` are all finite (no NaN or
/// infinity): one branch-free pass, for values checked where they lie.
bool all_finite(const float* values, size_t count) noexcept;

/// Checks the layout of `x` as `from_wire` does (limits, dtypes, shapes,
/// unique names) for values kept elsewhere: `data_bytes` of them, exactly
/// the tensors' bytes, or at least that many if `shared` (a region holds
/// them). Returns the layout with no values: a reader that copies them
/// straight to where they go (the ML's parameters) checks them itself.
expected<merge::tensor_bundle> layout_from_wire(const ModelBundle& x, size_t data_bytes,
                                                bool shared, std::string_view peer,
                                                size_t max_bytes = max_model_bytes);

/// Writes `x`'s tensor names, shapes and dtypes into `out` and leaves its
/// values out (`out.data` empty): they travel through shared memory.
void layout_to_wire(const merge::tensor_bundle& x, ModelBundle& out);

} // namespace swarm::wire
