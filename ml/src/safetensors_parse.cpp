#include <algorithm>
#include <cstring>
#include <limits>
#include <string>

#include "idx_read_file.hpp"
#include "safetensors_header.hpp"
#include "swarm/ml/safetensors.hpp"

namespace swarm::ml {

namespace {

using detail::safetensors_entry;

uint64_t load_le64(const std::byte* p) {
  uint64_t result = 0;
  for (int i = 7; i >= 0; --i)
    result = (result << 8) | std::to_integer<uint64_t>(p[i]);
  return result;
}

/// Checks that the entries, sorted by offset, tile [0, data_size) exactly.
status check_layout(std::vector<safetensors_entry>& entries, uint64_t data_size,
                    std::string_view name) {
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    return std::pair{a.begin, a.end} < std::pair{b.begin, b.end};
  });
  auto fail = [&](const std::string& what) {
    return make_error(errc::corrupt_data, std::string{name} + ": " + what);
  };
  uint64_t expected_begin = 0;
  const safetensors_entry* previous = nullptr;
  for (auto& e : entries) {
    auto offsets = "data_offsets [" + std::to_string(e.begin) + ", "
                   + std::to_string(e.end) + "]";
    if (e.end > data_size)
      return fail("tensor '" + e.name + "': " + offsets + " reach past the end of the "
                  + std::to_string(data_size) + "-byte data section");
    if (e.begin < expected_begin)
      return fail("tensor '" + e.name + "': " + offsets + " overlap tensor '"
                  + previous->name + "'");
    if (e.begin > expected_begin)
      return fail("tensor '" + e.name + "': " + offsets + " leave a gap of "
                  + std::to_string(e.begin - expected_begin) + " bytes before it");
    expected_begin = e.end;
    previous = &e;
  }
  if (expected_begin != data_size)
    return fail(std::to_string(data_size - expected_begin)
                + " trailing bytes after the last tensor's data");
  return status::ok();
}

} // namespace

expected<safetensors_contents> parse_safetensors(std::span<const std::byte> bytes,
                                                 std::string_view name) {
  auto fail = [&](errc code, const std::string& what) {
    return make_error(code, std::string{name} + ": " + what);
  };
  if (bytes.size() < 8)
    return fail(errc::corrupt_data, "too short for a safetensors file ("
                                      + std::to_string(bytes.size())
                                      + " bytes, the length field alone needs 8)");
  auto header_size = load_le64(bytes.data());
  if (header_size > safetensors_max_header_bytes)
    return fail(errc::corrupt_data,
                "header length " + std::to_string(header_size) + " exceeds the limit of "
                  + std::to_string(safetensors_max_header_bytes) + " bytes");
  if (header_size > bytes.size() - 8)
    return fail(errc::corrupt_data, "header length " + std::to_string(header_size)
                                      + " exceeds the " + std::to_string(bytes.size() - 8)
                                      + " bytes after the length field (truncated?)");
  std::string_view text{reinterpret_cast<const char*>(bytes.data() + 8), header_size};
  auto header = detail::parse_safetensors_header(text, name);
  if (!header)
    return header.error();
  auto data = bytes.subspan(8 + header_size);
  if (auto st = check_layout(header->entries, data.size(), name); !st)
    return st.error();
  safetensors_contents result;
  result.metadata = std::move(header->metadata);
  result.tensors.reserve(header->entries.size());
  for (auto& e : header->entries) {
    tensor t{std::move(e.name), std::move(e.shape), {}};
    t.values.resize((e.end - e.begin) / sizeof(float));
    if (!t.values.empty())
      std::memcpy(t.values.data(), data.data() + e.begin, e.end - e.begin);
    result.tensors.push_back(std::move(t));
  }
  std::sort(result.tensors.begin(), result.tensors.end(),
            [](const tensor& a, const tensor& b) { return a.name < b.name; });
  return result;
}

expected<safetensors_contents> read_safetensors(const std::filesystem::path& path) {
  auto bytes = detail::read_file_bytes(path, std::numeric_limits<size_t>::max());
  if (!bytes)
    return bytes.error();
  return parse_safetensors(*bytes, path.string());
}

expected<std::vector<tensor>> load_safetensors(const std::filesystem::path& path) {
  auto contents = read_safetensors(path);
  if (!contents)
    return contents.error();
  return std::move(contents->tensors);
}

} // namespace swarm::ml
