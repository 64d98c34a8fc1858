#include "swarm/ml/dataset.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace swarm::ml {

dataset dataset::subset(std::span<const size_t> indices) const {
  dataset result;
  result.rows = rows;
  result.cols = cols;
  auto n = features();
  result.labels.reserve(indices.size());
  result.images.resize(indices.size() * n);
  auto* out = result.images.data();
  for (auto i : indices) {
    // A bad index is a programming error; reading past the buffer would turn
    // it into silently wrong training data, so stop loudly instead.
    if (i >= size()) {
      std::fprintf(stderr, "dataset::subset: index %zu out of range (size %zu)\n", i,
                   size());
      std::abort();
    }
    result.labels.push_back(labels[i]);
    out = std::copy_n(images.data() + i * n, n, out);
  }
  return result;
}

} // namespace swarm::ml
