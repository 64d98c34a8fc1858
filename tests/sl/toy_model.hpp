#pragma once
// The toy ML's model: named float tensors it owns, a deterministic
// per-node initialization and a cheap deterministic "training" update.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "swarm/common/error.hpp"
#include "swarm/ml/tensor.hpp"

namespace swarm::toy {

/// MNIST's MLP (784x512 kernel, 512 bias, 512x10 kernel, 10 bias): 1.6 MB.
inline constexpr const char* default_toy_shape = "784x512,512,512x10,10";

/// Samples each toy batch claims (the merge weighs by sample counts).
inline constexpr size_t toy_batch_samples = 128;

/// One tensor of the layout: name and dimensions.
struct tensor_spec {
  /// Tensor name, e.g. "w".
  std::string name;
  /// Dimensions, outermost first.
  std::vector<int64_t> shape;
};

/// Parses "[name:]D1xD2x...,..." into tensor specs. Unnamed tensors of rank
/// 2 or more are called w, w1, w2, ... and the others b, b1, ..., so that
/// "4x3,3" is w [4,3] and b [3].
inline expected<std::vector<tensor_spec>> parse_shapes(std::string_view text) {
  std::vector<tensor_spec> result;
  int kernels = 0;
  int biases = 0;
  while (!text.empty()) {
    auto comma = text.find(',');
    auto item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    tensor_spec spec;
    if (auto colon = item.find(':'); colon != std::string_view::npos) {
      spec.name = std::string{item.substr(0, colon)};
      item = item.substr(colon + 1);
    }
    while (!item.empty()) {
      auto x = item.find('x');
      auto dim = item.substr(0, x);
      item = x == std::string_view::npos ? std::string_view{} : item.substr(x + 1);
      int64_t value = 0;
      for (char c : dim) {
        if (c < '0' || c > '9' || value > 100'000'000)
          return make_error(errc::invalid_argument, "bad dimension '" + std::string{dim} + "'");
        value = value * 10 + (c - '0');
      }
      if (value <= 0)
        return make_error(errc::invalid_argument, "dimensions must be positive");
      spec.shape.push_back(value);
    }
    if (spec.shape.empty())
      return make_error(errc::invalid_argument, "empty tensor in the shape list");
    if (spec.name.empty()) {
      int& n = spec.shape.size() >= 2 ? kernels : biases;
      spec.name = spec.shape.size() >= 2 ? "w" : "b";
      if (n > 0)
        spec.name += std::to_string(n);
      ++n;
    }
    result.push_back(std::move(spec));
  }
  if (result.empty())
    return make_error(errc::invalid_argument, "no tensors");
  return result;
}

/// SplitMix64: a fixed, portable mixer for seeds and updates.
inline uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// Maps 24 bits of `x` to [-1, 1).
inline float unit(uint64_t x) {
  return static_cast<float>(static_cast<double>(x >> 40) / 8388608.0 - 1.0);
}

/// A model of owned tensors. Each node starts from its own values (the
/// initial sync must align them) and moves them differently per step.
class toy_model {
public:
  /// Allocates the tensors and fills them from `seed` and `node`.
  toy_model(const std::vector<tensor_spec>& layout, uint64_t seed, std::string_view node) {
    node_key_ = mix(seed);
    for (unsigned char c : node)
      node_key_ = mix(node_key_ ^ c);
    for (const auto& spec : layout) {
      ml::tensor t{spec.name, spec.shape, {}};
      t.values.resize(t.view().size());
      for (size_t i = 0; i < t.values.size(); ++i)
        t.values[i] = 0.1f * unit(mix(node_key_ ^ (i * 0x632be59bd9b4e019ULL)));
      tensors_.push_back(std::move(t));
    }
  }

  /// Returns views over the owned buffers, for the SwarmCallback.
  std::vector<ml::tensor_view> views() {
    std::vector<ml::tensor_view> result;
    for (auto& t : tensors_)
      result.push_back(t.view());
    return result;
  }

  /// Returns the number of parameters.
  size_t float_count() const {
    size_t n = 0;
    for (const auto& t : tensors_)
      n += t.values.size();
    return n;
  }

  /// One "batch": a small decay towards 0 plus a step- and node-dependent
  /// push, so values stay bounded and nodes diverge between syncs. One
  /// hash per tensor and a cheap linear pattern per element keep it fast.
  void train_step(uint64_t step) {
    uint64_t key = mix(node_key_ ^ mix(step));
    for (auto& t : tensors_) {
      key = mix(key);
      float a = 1e-3f * unit(key);
      float b = 1e-6f * unit(mix(key));
      for (size_t i = 0; i < t.values.size(); ++i)
        t.values[i] = 0.999f * t.values[i] + a + b * static_cast<float>(i % 1024);
    }
  }

private:
  std::vector<ml::tensor> tensors_;
  uint64_t node_key_ = 0;
};

} // namespace swarm::toy
