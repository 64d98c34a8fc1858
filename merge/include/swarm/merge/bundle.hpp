#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "swarm/common/error.hpp"
#include "swarm/common/sha256.hpp"

/// Merge strategies, the round coordinator and leader election: the pure
/// protocol core of a merge round (DESIGN.md, A merge round). No CAF, no
/// sockets, no clocks.
namespace swarm::merge {

/// Element type of a tensor. Only float32 is merged; other types are named
/// so that a peer sending one gets a precise refusal.
enum class dtype : uint8_t {
  /// IEEE-754 binary32, little-endian.
  f32 = 1,
};

/// Returns the safetensors name of `x`, e.g. "F32".
std::string_view to_string(dtype x) noexcept;

/// Parses a safetensors dtype name; only "F32" is supported.
std::optional<dtype> parse_dtype(std::string_view text) noexcept;

/// Where one named tensor lives inside a bundle's `values`.
struct tensor_info {
  /// Framework name, e.g. "dense/kernel".
  std::string name;
  /// Dimensions, outermost first (row-major).
  std::vector<int64_t> shape;
  /// Element type.
  merge::dtype type = dtype::f32;
  /// Index of the first element in `tensor_bundle::values`.
  size_t offset = 0;

  /// Returns the number of elements (the product of `shape`).
  size_t count() const noexcept;

  /// Field-wise equality.
  friend bool operator==(const tensor_info&, const tensor_info&) = default;
};

/// A model's parameters: named tensors stored back to back in one buffer,
/// so that merging streams through contiguous memory.
struct tensor_bundle {
  /// The tensors, in the order their elements appear in `values`.
  std::vector<tensor_info> tensors;
  /// Every tensor's elements, back to back.
  std::vector<float> values;

  /// Appends a tensor (its offset is set to the current end of `values`);
  /// a null `data` appends zeros.
  void add(std::string name, std::vector<int64_t> shape, const float* data);

  /// Returns the tensor called `name`, or null.
  const tensor_info* find(std::string_view name) const noexcept;

  /// Returns the total size of the elements in bytes.
  size_t size_bytes() const noexcept {
    return values.size() * sizeof(float);
  }

  /// Field-wise equality (bitwise on the values' representation is what
  /// digests compare; this compares as floats).
  friend bool operator==(const tensor_bundle&, const tensor_bundle&) = default;
};

/// Returns a bundle with the layout of `x` (names, shapes, dtypes, offsets)
/// and zero values.
tensor_bundle zeros_like(const tensor_bundle& x);

/// Returns the SHA-256 of a bundle: over each tensor's name, dtype and shape
/// (length-prefixed, little-endian) and then all values' bytes. Equal
/// digests mean bitwise equal models.
sha256_digest digest(const tensor_bundle& x);

/// Checks that `x` is well formed: offsets contiguous and in order, every
/// dimension positive, names unique and non-empty, `values` exactly as long
/// as the tensors need. Errors name `peer` and the tensor.
status check_layout(const tensor_bundle& x, std::string_view peer);

/// Checks that every value of `x` is finite; the error names `peer`, the
/// tensor and the first bad element's index.
status check_finite(const tensor_bundle& x, std::string_view peer);

/// Checks that `x` has exactly the tensors of `reference` (same names in the
/// same order, same shapes and dtypes). The error (errc::shape_mismatch)
/// names `peer`, the tensor, and both shapes.
status check_same_layout(const tensor_bundle& reference, const tensor_bundle& x,
                         std::string_view peer);

} // namespace swarm::merge
