#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace swarm::ml {

/// Labelled images in memory, ready for training: pixels scaled to [0, 1],
/// one sample after another (sample-major), as the trainer consumes them.
struct dataset {
  /// Image height in pixels.
  size_t rows = 28;
  /// Image width in pixels.
  size_t cols = 28;
  /// `size() * features()` floats in [0, 1].
  std::vector<float> images;
  /// One label (0..9 for MNIST) per sample.
  std::vector<uint8_t> labels;

  /// Returns the number of samples.
  size_t size() const {
    return labels.size();
  }

  /// Returns the number of floats per sample.
  size_t features() const {
    return rows * cols;
  }

  /// Returns the pixels of sample `i`.
  std::span<const float> image(size_t i) const {
    return {images.data() + i * features(), features()};
  }

  /// Returns a copy holding only the samples at `indices`, in that order.
  dataset subset(std::span<const size_t> indices) const;
};

} // namespace swarm::ml
