#include "swarm/membership/state_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <system_error>

#include "swarm/common/atomic_file.hpp"
#include "swarm/common/sha256.hpp"

namespace swarm::membership {

namespace {

constexpr size_t header_bytes = 8 + 4 + 8;
constexpr size_t digest_bytes = 32;
constexpr size_t max_map_name_bytes = 64;
// A varint name length, one name byte, a varint clock and a varint count.
constexpr size_t min_map_bytes = 4;

void encode_body(byte_writer& out, const swarm_state& x) {
  auto names = x.map_names();
  out.varint(names.size());
  for (auto name : names) {
    auto map = x.find_map(name);
    out.string(name);
    out.varint(map->clock());
    out.varint(map->entries().size());
    for (const auto& [key, entry] : map->entries())
      encode_entry(out, entry);
  }
}

/// Checks magic, version, size and digest; returns the body.
expected<std::span<const std::byte>> open_envelope(std::span<const std::byte> bytes,
                                                   std::string_view name) {
  auto fail = [&](errc code, const std::string& what) {
    return make_error(code, std::string{name} + ": " + what);
  };
  if (bytes.size() < header_bytes + digest_bytes)
    return fail(errc::corrupt_data, "truncated: " + std::to_string(bytes.size())
                                      + " bytes, a state file has at least "
                                      + std::to_string(header_bytes + digest_bytes));
  if (std::memcmp(bytes.data(), state_file_magic.data(), state_file_magic.size()) != 0)
    return fail(errc::corrupt_data, "not a swarm state file (bad magic)");
  byte_reader in{bytes.subspan(8, header_bytes - 8)};
  auto version = in.u32();
  auto body_size = in.u64();
  if (version != state_file_version)
    return fail(errc::corrupt_data, "format version " + std::to_string(version)
                                      + " is not supported (this build reads "
                                      + std::to_string(state_file_version) + ")");
  auto actual = bytes.size() - header_bytes - digest_bytes;
  if (body_size != actual)
    return fail(errc::corrupt_data, "the header announces " + std::to_string(body_size)
                                      + " body bytes but the file holds "
                                      + std::to_string(actual) + " (truncated?)");
  auto covered = bytes.first(bytes.size() - digest_bytes);
  auto digest = sha256_of(covered.data(), covered.size());
  if (std::memcmp(digest.data(), bytes.data() + covered.size(), digest_bytes) != 0)
    return fail(errc::checksum_mismatch, "checksum mismatch: the file is corrupt");
  return bytes.subspan(header_bytes, actual);
}

} // namespace

byte_buffer encode_state(const swarm_state& x) {
  byte_writer body;
  encode_body(body, x);
  byte_writer out;
  out.raw(std::as_bytes(std::span{state_file_magic}));
  out.u32(state_file_version);
  out.u64(body.bytes().size());
  out.raw(body.bytes());
  auto digest = sha256_of(out.bytes().data(), out.bytes().size());
  out.raw(std::as_bytes(std::span{digest}));
  return out.take();
}

expected<swarm_state> parse_state(std::span<const std::byte> bytes, std::string_view name) {
  auto body = open_envelope(bytes, name);
  if (!body)
    return body.error();
  auto fail = [&](const std::string& what) {
    return make_error(errc::corrupt_data, std::string{name} + ": " + what);
  };
  byte_reader in{*body};
  swarm_state result;
  std::set<std::string, std::less<>> seen;
  auto maps = in.count("map", min_map_bytes);
  for (size_t i = 0; i < maps && in.ok(); ++i) {
    auto map_name = in.string("map name", max_map_name_bytes);
    auto clock = in.varint();
    auto entries = in.count("entry", crdt_min_entry_bytes);
    if (!in.ok())
      break;
    auto map = result.find_mutable(map_name);
    if (map == nullptr)
      return fail("unknown map '" + map_name + "'");
    if (!seen.insert(map_name).second)
      return fail("map '" + map_name + "' appears twice");
    // Keys must ascend strictly, as encode_state writes them: a repeated key
    // would otherwise be merged silently and hide the corruption.
    std::string previous_key;
    for (size_t j = 0; j < entries; ++j) {
      auto entry = decode_entry(in, std::string{name} + ": map '" + map_name + "'");
      if (!entry)
        return entry.error();
      if (j > 0 && previous_key >= entry->key)
        return fail("map '" + map_name + "': keys out of order at '"
                    + entry->key.substr(0, 64) + "'");
      state_update update{map_name, std::move(*entry)};
      if (auto st = result.check(update); !st)
        return fail(st.error().message);
      previous_key = update.entry.key;
      map->merge(update.entry);
    }
    map->observe(clock);
  }
  in.expect_end();
  if (auto st = in.result(name); !st)
    return st.error();
  return result;
}

status save_state(const std::filesystem::path& dir, const swarm_state& x) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return make_error(errc::io_error,
                      dir.string() + ": cannot create the data directory: " + ec.message());
  auto image = encode_state(x);
  return write_file_atomically(dir / state_file_name, image, 0600);
}

expected<swarm_state> load_state(const std::filesystem::path& dir) {
  auto path = dir / state_file_name;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) && !ec)
    return swarm_state{};
  auto size = std::filesystem::file_size(path, ec);
  if (ec)
    return make_error(errc::io_error, path.string() + ": cannot stat: " + ec.message());
  if (size > state_file_max_bytes)
    return make_error(errc::corrupt_data,
                      path.string() + ": " + std::to_string(size)
                        + " bytes exceed the limit of "
                        + std::to_string(state_file_max_bytes));
  byte_buffer bytes(static_cast<size_t>(size));
  std::ifstream in{path, std::ios::binary};
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!in || in.peek() != std::char_traits<char>::eof())
    return make_error(errc::io_error, path.string() + ": cannot read: "
                                        + (errno != 0 ? std::strerror(errno)
                                                      : "size changed while reading"));
  return parse_state(bytes, path.string());
}

} // namespace swarm::membership
