#include "swarm/wire/bundle_convert.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <vector>
#include <cstring>
#include <string>
#include <unordered_set>

namespace swarm::wire {

// The wire carries little-endian floats; copying them verbatim is only right
// on a little-endian host. Every platform Swarm targets is one.
static_assert(std::endian::native == std::endian::little,
              "bundle_convert copies float bytes verbatim: add byte swapping");

namespace {

error refuse(errc code, std::string_view peer, std::string detail) {
  // The same prefix merge::check_layout uses, so all refusals read alike.
  return make_error(code, "peer '" + std::string{peer} + "': " + std::move(detail));
}

std::string tensor_named(std::string_view name) {
  return "tensor '" + std::string{name} + "'";
}

/// Checks one TensorMeta and returns its element count.
expected<size_t> check_meta(const TensorMeta& meta, size_t index, std::string_view peer,
                            size_t max_elements) {
  if (meta.name().empty())
    return refuse(errc::invalid_argument, peer,
                  "tensor #" + std::to_string(index) + " has an empty name");
  if (meta.name().size() > max_tensor_name_bytes)
    return refuse(errc::invalid_argument, peer,
                  "tensor #" + std::to_string(index) + " name of "
                    + std::to_string(meta.name().size()) + " bytes, at most "
                    + std::to_string(max_tensor_name_bytes));
  if (meta.dtype() != "F32")
    return refuse(errc::invalid_argument, peer,
                  tensor_named(meta.name()) + ": dtype '" + meta.dtype()
                    + "' is not supported (only F32)");
  if (static_cast<size_t>(meta.shape_size()) > max_tensor_rank)
    return refuse(errc::invalid_argument, peer,
                  tensor_named(meta.name()) + ": rank " + std::to_string(meta.shape_size())
                    + ", at most " + std::to_string(max_tensor_rank));
  size_t count = 1;
  for (int64_t dim : meta.shape()) {
    if (dim <= 0)
      return refuse(errc::invalid_argument, peer,
                    tensor_named(meta.name()) + ": dimension " + std::to_string(dim)
                      + " is not positive");
    // Bound by the element budget at each step, so the product never wraps.
    if (static_cast<uint64_t>(dim) > max_elements / count)
      return refuse(errc::invalid_argument, peer,
                    tensor_named(meta.name()) + ": more elements than the limit of "
                      + std::to_string(max_elements));
    count *= static_cast<size_t>(dim);
  }
  return count;
}

/// Copies `count` floats from `bytes` into `out` and says whether all are
/// finite. In L1-sized pieces, so the values are read from memory once:
/// neither zero-filled first (as `resize` would) nor read again to check.
bool copy_checked(std::string_view bytes, size_t count, std::vector<float>& out) {
  constexpr size_t piece = 2048;
  float buffer[piece];
  out.clear();
  out.reserve(count);
  bool finite = true;
  for (size_t done = 0; done < count;) {
    auto n = std::min(piece, count - done);
    std::memcpy(buffer, bytes.data() + done * sizeof(float), n * sizeof(float));
    finite = all_finite(buffer, n) && finite;
    out.insert(out.end(), buffer, buffer + n);
    done += n;
  }
  return finite;
}

} // namespace

bool all_finite(const float* values, size_t count) noexcept {
  uint32_t bad = 0;
  for (size_t i = 0; i < count; ++i) {
    // All exponent bits set: Inf or NaN.
    auto u = std::bit_cast<uint32_t>(values[i]);
    bad |= static_cast<uint32_t>((u & 0x7f800000u) == 0x7f800000u);
  }
  return bad == 0;
}

void layout_to_wire(const merge::tensor_bundle& x, ModelBundle& out) {
  out.Clear();
  out.mutable_tensors()->Reserve(static_cast<int>(x.tensors.size()));
  for (const auto& info : x.tensors) {
    auto* meta = out.add_tensors();
    meta->set_name(info.name);
    meta->mutable_shape()->Add(info.shape.begin(), info.shape.end());
    meta->set_dtype(std::string{merge::to_string(info.type)});
  }
}

void to_wire(const merge::tensor_bundle& x, ModelBundle& out, const sha256_digest* digest) {
  layout_to_wire(x, out);
  out.mutable_data()->assign(reinterpret_cast<const char*>(x.values.data()), x.size_bytes());
  if (digest != nullptr)
    out.set_sha256(reinterpret_cast<const char*>(digest->data()), digest->size());
}

expected<merge::tensor_bundle> from_wire(const ModelBundle& x, std::string_view peer,
                                         size_t max_bytes) {
  return from_wire(x, x.data(), peer, max_bytes);
}

namespace {

/// The layout of `x` (tensors, no values) and its element count, checked
/// against the limits; `data_bytes` is the size of the values' bytes.
expected<merge::tensor_bundle> layout_of(const ModelBundle& x, size_t data_bytes,
                                         std::string_view peer, size_t max_bytes) {
  if (static_cast<size_t>(x.tensors_size()) > max_tensors)
    return refuse(errc::invalid_argument, peer,
                  std::to_string(x.tensors_size()) + " tensors, at most "
                    + std::to_string(max_tensors));
  if (data_bytes > max_bytes)
    return refuse(errc::corrupt_data, peer,
                  "data of " + std::to_string(data_bytes) + " bytes, at most "
                    + std::to_string(max_bytes));
  const size_t max_elements = max_bytes / sizeof(float);
  merge::tensor_bundle result;
  result.tensors.reserve(static_cast<size_t>(x.tensors_size()));
  size_t total = 0;
  for (int i = 0; i < x.tensors_size(); ++i) {
    const auto& meta = x.tensors(i);
    auto count = check_meta(meta, static_cast<size_t>(i), peer, max_elements - total);
    if (!count)
      return count.error();
    result.tensors.push_back(merge::tensor_info{
      meta.name(), {meta.shape().begin(), meta.shape().end()}, merge::dtype::f32, total});
    total += *count;
  }
  return result;
}

size_t element_count(const merge::tensor_bundle& layout) {
  return layout.tensors.empty() ? 0 : layout.tensors.back().offset + layout.tensors.back().count();
}

error size_mismatch(std::string_view peer, size_t data_bytes, size_t total) {
  return refuse(errc::corrupt_data, peer,
                "data of " + std::to_string(data_bytes) + " bytes, but the tensors need "
                  + std::to_string(total * sizeof(float)));
}

/// The checks after the values are in place: layout, digest, finiteness.
expected<merge::tensor_bundle> finish(const ModelBundle& x, merge::tensor_bundle result,
                                      bool finite, std::string_view peer) {
  if (auto st = merge::check_layout(result, peer); !st)
    return st.error();
  if (!x.sha256().empty()) {
    auto sum = merge::digest(result);
    if (x.sha256().size() != sum.size()
        || std::memcmp(x.sha256().data(), sum.data(), sum.size()) != 0)
      return refuse(errc::checksum_mismatch, peer,
                    "SHA-256 digest does not match the tensors (corrupted or tampered)");
  }
  if (!finite) {
    // Rare: the full check names the tensor and the element.
    if (auto st = merge::check_finite(result, peer); !st)
      return st.error();
  }
  return result;
}

} // namespace

expected<merge::tensor_bundle> from_wire(const ModelBundle& x, std::string_view data,
                                         std::string_view peer, size_t max_bytes) {
  // Shared memory holds a whole half of its region: the tensors' values
  // are its first bytes.
  bool shared = data.data() != x.data().data();
  if (shared && !x.data().empty())
    return refuse(errc::corrupt_data, peer, "values both in the message and in shared memory");
  if (x.attached())
    return refuse(errc::corrupt_data, peer, "values announced as attached, not in the message");
  auto result = layout_of(x, data.size(), peer, max_bytes);
  if (!result)
    return result.error();
  auto total = element_count(*result);
  if (shared && data.size() > total * sizeof(float))
    data = data.substr(0, total * sizeof(float));
  if (data.size() != total * sizeof(float))
    return size_mismatch(peer, data.size(), total);
  bool finite = copy_checked(data, total, result->values);
  return finish(x, std::move(*result), finite, peer);
}

expected<merge::tensor_bundle> layout_from_wire(const ModelBundle& x, size_t data_bytes,
                                                bool shared, std::string_view peer,
                                                size_t max_bytes) {
  auto result = layout_of(x, shared ? 0 : data_bytes, peer, max_bytes);
  if (!result)
    return result.error();
  auto need = element_count(*result) * sizeof(float);
  if (shared ? data_bytes < need : data_bytes != need)
    return size_mismatch(peer, data_bytes, element_count(*result));
  std::unordered_set<std::string_view> names;
  for (const auto& t : result->tensors)
    if (!names.insert(t.name).second)
      return refuse(errc::invalid_argument, peer, tensor_named(t.name) + " appears twice");
  return result;
}

expected<merge::tensor_bundle> from_wire(const ModelBundle& x, std::vector<float>&& values,
                                         std::string_view peer, size_t max_bytes,
                                         bool known_finite) {
  if (!x.data().empty())
    return refuse(errc::corrupt_data, peer, "values both in the message and attached to it");
  auto bytes = values.size() * sizeof(float);
  auto result = layout_of(x, bytes, peer, max_bytes);
  if (!result)
    return result.error();
  auto total = element_count(*result);
  if (values.size() != total)
    return size_mismatch(peer, bytes, total);
  bool finite = known_finite || all_finite(values.data(), values.size());
  result->values = std::move(values);
  return finish(x, std::move(*result), finite, peer);
}

} // namespace swarm::wire
