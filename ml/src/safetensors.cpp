#include "swarm/ml/safetensors.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

#include "swarm/common/atomic_file.hpp"

namespace swarm::ml {

// Tensor bytes go to and from the file with memcpy.
static_assert(std::endian::native == std::endian::little,
              "safetensors I/O assumes a little-endian host");
static_assert(std::numeric_limits<float>::is_iec559 && sizeof(float) == 4);

namespace {

/// A validated tensor in file order, with its byte range in the data section.
struct planned_tensor {
  const tensor_view* view;
  uint64_t bytes;
};

/// The header and layout of a file about to be written.
struct plan {
  std::string header; // padded JSON
  std::vector<planned_tensor> tensors;
  uint64_t data_bytes = 0;
};

error bad_argument(const std::string& what) {
  return make_error(errc::invalid_argument, "safetensors: " + what);
}

/// Returns the size in bytes of `t`, or an error when its shape is invalid.
expected<uint64_t> byte_size(const tensor_view& t) {
  uint64_t count = 1;
  for (auto dim : t.shape) {
    if (dim < 0)
      return bad_argument("tensor '" + t.name + "' has negative dimension "
                          + std::to_string(dim));
    auto d = static_cast<uint64_t>(dim);
    if (d != 0 && count > std::numeric_limits<uint64_t>::max() / 4 / d)
      return bad_argument("tensor '" + t.name + "' is too large");
    count *= d;
  }
  if (count > 0 && t.data == nullptr)
    return bad_argument("tensor '" + t.name + "' has no data");
  return count * 4;
}

/// Sorts and validates the views and builds the padded JSON header, exactly
/// as the reference implementation lays it out.
expected<plan> make_plan(std::span<const tensor_view> tensors,
                         const safetensors_metadata& metadata) {
  plan result;
  for (auto& t : tensors) {
    if (t.name.empty())
      return bad_argument("a tensor has an empty name");
    if (t.name == "__metadata__")
      return bad_argument("'__metadata__' is reserved and cannot name a tensor");
    auto bytes = byte_size(t);
    if (!bytes)
      return bytes.error();
    result.tensors.push_back({&t, *bytes});
  }
  std::sort(result.tensors.begin(), result.tensors.end(),
            [](const auto& a, const auto& b) { return a.view->name < b.view->name; });
  auto dup = std::adjacent_find(result.tensors.begin(), result.tensors.end(),
                                [](const auto& a, const auto& b) {
                                  return a.view->name == b.view->name;
                                });
  if (dup != result.tensors.end())
    return bad_argument("duplicate tensor name '" + dup->view->name + "'");
  // ordered_json keeps insertion order: "__metadata__" first, then tensors
  // in data order, as the reference serializer emits them.
  auto header = nlohmann::ordered_json::object();
  if (!metadata.empty())
    header["__metadata__"] = metadata;
  for (auto& t : result.tensors) {
    auto begin = result.data_bytes;
    result.data_bytes += t.bytes;
    header[t.view->name] = {{"dtype", "F32"},
                            {"shape", t.view->shape},
                            {"data_offsets", {begin, result.data_bytes}}};
  }
  try {
    result.header = header.dump();
  } catch (const nlohmann::json::exception& e) {
    // dump() throws on strings that are not valid UTF-8.
    return bad_argument(std::string{"a tensor name or metadata string is not valid "
                                    "UTF-8: "}
                        + e.what());
  }
  // Pad so that the data section starts 8-byte aligned in the file.
  result.header.append((8 - result.header.size() % 8) % 8, ' ');
  return result;
}

std::array<std::byte, 8> le64(uint64_t x) {
  std::array<std::byte, 8> result;
  for (auto& b : result) {
    b = static_cast<std::byte>(x & 0xff);
    x >>= 8;
  }
  return result;
}

/// Feeds the whole file described by `p` to `sink`.
bool emit(const plan& p, const byte_sink& sink) {
  auto length = le64(p.header.size());
  if (!sink(length.data(), length.size()) || !sink(p.header.data(), p.header.size()))
    return false;
  for (auto& t : p.tensors)
    if (t.bytes > 0 && !sink(t.view->data, t.bytes))
      return false;
  return true;
}

} // namespace

expected<std::vector<std::byte>>
serialize_safetensors(std::span<const tensor_view> tensors,
                      const safetensors_metadata& metadata) {
  auto p = make_plan(tensors, metadata);
  if (!p)
    return p.error();
  std::vector<std::byte> result;
  result.reserve(8 + p->header.size() + p->data_bytes);
  emit(*p, [&result](const void* data, size_t size) {
    auto* first = static_cast<const std::byte*>(data);
    result.insert(result.end(), first, first + size);
    return true;
  });
  return result;
}

status save_safetensors(const std::filesystem::path& path,
                        std::span<const tensor_view> tensors,
                        const safetensors_metadata& metadata) {
  auto p = make_plan(tensors, metadata);
  if (!p)
    return make_error(p.error().code, path.string() + ": " + p.error().message);
  return write_file_atomically(path,
                               [&p](const byte_sink& sink) { return emit(*p, sink); });
}

} // namespace swarm::ml
