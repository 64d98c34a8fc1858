#pragma once

#include <filesystem>

#include "swarm/common/error.hpp"
#include "swarm/ml/dataset.hpp"

namespace swarm::ml {

/// Which half of MNIST to load.
enum class mnist_split {
  /// `train-{images-idx3,labels-idx1}-ubyte[.gz]`: 60,000 samples.
  train,
  /// `t10k-{images-idx3,labels-idx1}-ubyte[.gz]`: 10,000 samples.
  test,
};

/// Whether to check file digests against a `SHA256SUMS` file in the data
/// directory before parsing.
enum class checksum_policy {
  /// Verify when `SHA256SUMS` lists the file; fail on a mismatch.
  verify_if_listed,
  /// Require a `SHA256SUMS` entry and a match (used for the bundled data).
  require,
  /// Do not hash.
  skip,
};

/// Loads one split of MNIST from `dir`, preferring `.gz` files and falling
/// back to raw IDX files. Errors name the file and what is wrong with it.
expected<dataset> load_mnist(const std::filesystem::path& dir, mnist_split split,
                             checksum_policy policy
                             = checksum_policy::verify_if_listed);

} // namespace swarm::ml
