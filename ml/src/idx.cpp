#include "swarm/ml/idx.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <string>

#include "idx_gzip.hpp"
#include "idx_read_file.hpp"

namespace swarm::ml {

namespace {

/// What an IDX header declares.
struct idx_header {
  std::vector<uint32_t> dims;
  uint64_t payload = 0;
};

std::string kind_name(idx_kind kind) {
  return kind == idx_kind::images ? "images (idx3-ubyte)" : "labels (idx1-ubyte)";
}

uint32_t load_be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8)
         | uint32_t{p[3]};
}

std::string join_dims(const std::vector<uint32_t>& dims) {
  std::string result;
  for (auto d : dims) {
    if (!result.empty())
      result += " x ";
    result += std::to_string(d);
  }
  return result;
}

error fail(errc code, std::string_view name, const std::string& what) {
  return make_error(code, std::string{name} + ": " + what);
}

error truncated_header(std::string_view name, idx_kind kind, size_t found,
                       const char* note = "") {
  return fail(errc::corrupt_data, name,
              "truncated: the " + kind_name(kind) + " header needs "
                + std::to_string(idx_header_size(kind)) + " bytes, found "
                + std::to_string(found) + note);
}

/// Decodes the header from the first `head.size()` bytes of the payload
/// stream; `head` may be short when the file is.
expected<idx_header> decode_header(std::span<const uint8_t> head, idx_kind kind,
                                   std::string_view name, const char* note) {
  if (head.size() < 4)
    return truncated_header(name, kind, head.size(), note);
  auto magic = load_be32(head.data());
  if (magic != static_cast<uint32_t>(kind)) {
    auto what = "bad magic number " + std::to_string(magic) + ", expected "
                + std::to_string(static_cast<uint32_t>(kind)) + " for "
                + kind_name(kind);
    auto other = kind == idx_kind::images ? idx_kind::labels : idx_kind::images;
    if (magic == static_cast<uint32_t>(other))
      what += "; this is an IDX file of " + kind_name(other);
    return fail(errc::parse_error, name, what);
  }
  if (head.size() < idx_header_size(kind))
    return truncated_header(name, kind, head.size(), note);
  idx_header result;
  for (size_t i = 0; i < idx_rank(kind); ++i) {
    auto dim = load_be32(head.data() + 4 + 4 * i);
    // IDX stores dimensions as signed 32-bit integers.
    if (dim > static_cast<uint32_t>(std::numeric_limits<int32_t>::max()))
      return fail(errc::parse_error, name,
                  "dimension " + std::to_string(i) + " is negative ("
                    + std::to_string(static_cast<int32_t>(dim)) + ")");
    result.dims.push_back(dim);
  }
  // Each dimension is below 2^31 and the running product is capped before
  // the next multiplication, so this cannot overflow 64 bits.
  result.payload = 1;
  for (auto dim : result.dims)
    result.payload = std::min<uint64_t>(result.payload * dim,
                                        uint64_t{idx_max_payload_bytes} + 1);
  if (result.payload > idx_max_payload_bytes)
    return fail(errc::corrupt_data, name,
                "header declares " + join_dims(result.dims) + " "
                  + (kind == idx_kind::images ? "images" : "labels") + ", more than the limit of "
                  + std::to_string(idx_max_payload_bytes) + " payload bytes");
  return result;
}

std::string declared(const idx_header& h) {
  return std::to_string(h.payload) + " payload bytes (" + join_dims(h.dims)
         + (h.dims.size() == 1 ? " labels)" : " images)");
}

expected<idx_data> parse_raw(std::span<const std::byte> bytes, idx_kind kind,
                             std::string_view name) {
  auto hs = std::min(bytes.size(), idx_header_size(kind));
  auto head = reinterpret_cast<const uint8_t*>(bytes.data());
  auto h = decode_header({head, hs}, kind, name, "");
  if (!h)
    return h.error();
  auto found = bytes.size() - hs;
  if (found < h->payload)
    return fail(errc::corrupt_data, name,
                "truncated: header declares " + declared(*h) + ", found "
                  + std::to_string(found));
  if (found > h->payload)
    return fail(errc::corrupt_data, name,
                "trailing data: " + std::to_string(found - h->payload)
                  + " bytes follow the " + declared(*h));
  idx_data result;
  result.kind = kind;
  result.dims = std::move(h->dims);
  result.values.assign(head + hs, head + bytes.size());
  return result;
}

expected<idx_data> parse_gzip(std::span<const std::byte> bytes, idx_kind kind,
                              std::string_view name) {
  detail::idx_gzip_reader in{bytes, name};
  std::array<uint8_t, 16> head{};
  auto got = in.read(head.data(), idx_header_size(kind));
  if (!got)
    return got.error();
  const char* cut_note = "; the gzip stream is cut off";
  auto h = decode_header({head.data(), *got}, kind, name,
                         in.cut_off() ? cut_note : "");
  if (!h)
    return h.error();
  // Refuse to allocate more than this stream could possibly expand to.
  auto limit = bytes.size() > idx_max_payload_bytes / idx_max_gzip_ratio
                 ? idx_max_payload_bytes
                 : bytes.size() * idx_max_gzip_ratio;
  if (h->payload > limit)
    return fail(errc::corrupt_data, name,
                "header declares " + declared(*h) + " but "
                  + std::to_string(bytes.size())
                  + " compressed bytes cannot hold more than "
                  + std::to_string(limit)
                  + "; the header is corrupt or the file truncated");
  idx_data result;
  result.kind = kind;
  result.values.resize(h->payload);
  got = in.read(result.values.data(), result.values.size());
  if (!got)
    return got.error();
  if (*got < h->payload)
    return fail(errc::corrupt_data, name,
                "truncated: header declares " + declared(*h) + ", found "
                  + std::to_string(*got) + (in.cut_off() ? cut_note : ""));
  if (auto st = in.expect_end(h->payload); !st)
    return st.error();
  result.dims = std::move(h->dims);
  return result;
}

} // namespace

expected<idx_data> parse_idx(std::span<const std::byte> bytes, idx_kind kind,
                             std::string_view name) {
  if (detail::is_gzip(bytes))
    return parse_gzip(bytes, kind, name);
  return parse_raw(bytes, kind, name);
}

expected<idx_data> read_idx(const std::filesystem::path& path, idx_kind kind) {
  // A valid file is at most the payload cap plus the header, or slightly
  // more when stored uncompressed inside gzip (5 bytes per 64 KiB block).
  constexpr size_t max_file = idx_max_payload_bytes + idx_max_payload_bytes / 1024;
  auto bytes = detail::read_file_bytes(path, max_file);
  if (!bytes)
    return bytes.error();
  return parse_idx(*bytes, kind, path.string());
}

} // namespace swarm::ml
