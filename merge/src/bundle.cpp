#include "swarm/merge/bundle.hpp"

#include <bit>
#include <cmath>
#include <limits>
#include <unordered_set>

#include "kernels_impl.hpp"

namespace swarm::merge {

static_assert(std::endian::native == std::endian::little,
              "digests hash the values' in-memory bytes as little-endian");

namespace {

/// Returns "[784,512]".
std::string shape_text(const std::vector<int64_t>& shape) {
  std::string result = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0)
      result += ',';
    result += std::to_string(shape[i]);
  }
  result += ']';
  return result;
}

/// Returns "peer 'sl-2': tensor 'dense/bias'", the prefix of every error.
std::string where(std::string_view peer, std::string_view tensor) {
  std::string result = "peer '";
  result += peer;
  result += "': tensor '";
  result += tensor;
  result += '\'';
  return result;
}

void put_u32(sha256& hasher, uint32_t x) {
  uint8_t bytes[4];
  for (int i = 0; i < 4; ++i)
    bytes[i] = static_cast<uint8_t>(x >> (8 * i));
  hasher.update(bytes, sizeof(bytes));
}

void put_i64(sha256& hasher, int64_t x) {
  auto u = static_cast<uint64_t>(x);
  uint8_t bytes[8];
  for (int i = 0; i < 8; ++i)
    bytes[i] = static_cast<uint8_t>(u >> (8 * i));
  hasher.update(bytes, sizeof(bytes));
}

/// Returns the element count of `shape`, or nothing when a dimension is not
/// positive or the product overflows (check_layout reports which).
std::optional<size_t> checked_count(const std::vector<int64_t>& shape) {
  size_t result = 1;
  for (auto dim : shape) {
    if (dim <= 0)
      return std::nullopt;
    auto d = static_cast<size_t>(dim);
    if (result > std::numeric_limits<size_t>::max() / d)
      return std::nullopt;
    result *= d;
  }
  return result;
}

} // namespace

std::string_view to_string(dtype x) noexcept {
  switch (x) {
    case dtype::f32:
      return "F32";
  }
  return "UNKNOWN";
}

std::optional<dtype> parse_dtype(std::string_view text) noexcept {
  if (text == "F32")
    return dtype::f32;
  return std::nullopt;
}

size_t tensor_info::count() const noexcept {
  // Saturates instead of wrapping so that a hostile shape cannot make a
  // tiny count; check_layout rejects such shapes with a message.
  size_t result = 1;
  for (auto dim : shape) {
    if (dim <= 0)
      return 0;
    auto d = static_cast<size_t>(dim);
    if (result > std::numeric_limits<size_t>::max() / d)
      return std::numeric_limits<size_t>::max();
    result *= d;
  }
  return result;
}

void tensor_bundle::add(std::string name, std::vector<int64_t> shape, const float* data) {
  tensor_info info;
  info.name = std::move(name);
  info.shape = std::move(shape);
  info.offset = values.size();
  auto n = info.count();
  // A null `data` appends zeros: convenient for building layouts.
  if (data == nullptr)
    values.resize(values.size() + n, 0.0f);
  else
    values.insert(values.end(), data, data + n);
  tensors.push_back(std::move(info));
}

const tensor_info* tensor_bundle::find(std::string_view name) const noexcept {
  for (const auto& t : tensors)
    if (t.name == name)
      return &t;
  return nullptr;
}

tensor_bundle zeros_like(const tensor_bundle& x) {
  tensor_bundle result;
  result.tensors = x.tensors;
  result.values.assign(x.values.size(), 0.0f);
  return result;
}

sha256_digest digest(const tensor_bundle& x) {
  sha256 hasher;
  for (const auto& t : x.tensors) {
    put_u32(hasher, static_cast<uint32_t>(t.name.size()));
    hasher.update(t.name.data(), t.name.size());
    auto type = static_cast<uint8_t>(t.type);
    hasher.update(&type, 1);
    put_u32(hasher, static_cast<uint32_t>(t.shape.size()));
    for (auto dim : t.shape)
      put_i64(hasher, dim);
  }
  // One update over all values: SHA-NI then runs at memory speed.
  hasher.update(x.values.data(), x.size_bytes());
  return hasher.finish();
}

status check_layout(const tensor_bundle& x, std::string_view peer) {
  std::unordered_set<std::string_view> names;
  size_t next = 0;
  for (const auto& t : x.tensors) {
    if (t.name.empty())
      return make_error(errc::invalid_argument,
                        "peer '" + std::string{peer} + "': a tensor has an empty name");
    if (!names.insert(t.name).second)
      return make_error(errc::invalid_argument, where(peer, t.name) + " appears twice");
    if (to_string(t.type) == "UNKNOWN")
      return make_error(errc::invalid_argument,
                        where(peer, t.name) + ": unsupported dtype "
                          + std::to_string(static_cast<int>(t.type)));
    auto n = checked_count(t.shape);
    if (!n)
      return make_error(errc::invalid_argument,
                        where(peer, t.name) + ": invalid shape " + shape_text(t.shape));
    if (t.offset != next)
      return make_error(errc::corrupt_data,
                        where(peer, t.name) + ": offset " + std::to_string(t.offset)
                          + " where " + std::to_string(next) + " is expected");
    if (*n > x.values.size() - next)
      return make_error(errc::corrupt_data,
                        where(peer, t.name) + ": needs " + std::to_string(*n)
                          + " values but only " + std::to_string(x.values.size() - next)
                          + " remain");
    next += *n;
  }
  if (next != x.values.size())
    return make_error(errc::corrupt_data,
                      "peer '" + std::string{peer} + "': " + std::to_string(x.values.size())
                        + " values where the tensors need " + std::to_string(next));
  return {};
}

status check_finite(const tensor_bundle& x, std::string_view peer) {
  for (const auto& t : x.tensors) {
    auto n = std::min(t.count(), x.values.size() - std::min(t.offset, x.values.size()));
    const float* data = x.values.data() + t.offset;
    auto bad = detail::first_non_finite(data, n);
    if (bad == n)
      continue;
    auto v = data[bad];
    const char* what = std::isnan(v) ? "NaN" : (v > 0 ? "+Inf" : "-Inf");
    return make_error(errc::invalid_argument, where(peer, t.name) + " element "
                                                + std::to_string(bad) + " is " + what);
  }
  return {};
}

status check_same_layout(const tensor_bundle& reference, const tensor_bundle& x,
                         std::string_view peer) {
  const auto& want = reference.tensors;
  const auto& got = x.tensors;
  auto common = std::min(want.size(), got.size());
  for (size_t i = 0; i < common; ++i) {
    if (got[i].name != want[i].name)
      return make_error(errc::shape_mismatch,
                        where(peer, got[i].name) + " at position " + std::to_string(i)
                          + " where '" + want[i].name + "' is expected");
    if (got[i].type != want[i].type)
      return make_error(errc::shape_mismatch,
                        where(peer, got[i].name) + ": dtype "
                          + std::string{to_string(got[i].type)} + " differs from "
                          + std::string{to_string(want[i].type)});
    if (got[i].shape != want[i].shape)
      return make_error(errc::shape_mismatch,
                        where(peer, got[i].name) + ": shape " + shape_text(got[i].shape)
                          + " differs from " + shape_text(want[i].shape));
  }
  if (got.size() < want.size())
    return make_error(errc::shape_mismatch,
                      where(peer, want[common].name) + " is missing ("
                        + std::to_string(got.size()) + " tensors, expected "
                        + std::to_string(want.size()) + ")");
  if (got.size() > want.size())
    return make_error(errc::shape_mismatch,
                      where(peer, got[common].name) + " is unexpected ("
                        + std::to_string(got.size()) + " tensors, expected "
                        + std::to_string(want.size()) + ")");
  return {};
}

} // namespace swarm::merge
