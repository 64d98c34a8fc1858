#pragma once

#include <cstddef>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

namespace swarm::ml {

/// A named float32 tensor over memory someone else owns (a model's own
/// parameter buffers). The swarm layer reads and overwrites parameters
/// through views, so a sync never copies a model per batch.
struct tensor_view {
  /// Keras-style name, e.g. "dense/kernel".
  std::string name;
  /// Dimensions, outermost first (row-major, as safetensors and NumPy).
  std::vector<int64_t> shape;
  /// First element; `size()` contiguous floats follow.
  float* data = nullptr;

  /// Returns the number of elements.
  size_t size() const {
    return std::accumulate(shape.begin(), shape.end(), size_t{1},
                           [](size_t a, int64_t b) { return a * static_cast<size_t>(b); });
  }

  /// Returns the number of bytes.
  size_t size_bytes() const {
    return size() * sizeof(float);
  }
};

/// A named float32 tensor that owns its elements (e.g. loaded from a file).
struct tensor {
  /// Keras-style name.
  std::string name;
  /// Dimensions, outermost first.
  std::vector<int64_t> shape;
  /// Elements in row-major order.
  std::vector<float> values;

  /// Returns a view of this tensor.
  tensor_view view() {
    return tensor_view{name, shape, values.data()};
  }
};

} // namespace swarm::ml
