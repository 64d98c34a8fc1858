#include "swarm/membership/state_node_record.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace swarm::membership {

namespace {

constexpr std::array node_type_names{
  std::pair{node_type::sentinel, std::string_view{"SENTINEL"}},
  std::pair{node_type::sn, std::string_view{"SN"}},
  std::pair{node_type::swop, std::string_view{"SWOP"}},
  std::pair{node_type::sl, std::string_view{"SL"}},
  std::pair{node_type::swci, std::string_view{"SWCI"}},
};

constexpr std::array node_status_names{
  std::pair{node_status::active, std::string_view{"ACTIVE"}},
  std::pair{node_status::left, std::string_view{"LEFT"}},
  std::pair{node_status::dead, std::string_view{"DEAD"}},
};

template <class Table, class Enum>
std::string_view name_in(const Table& table, Enum x) noexcept {
  for (const auto& [value, name] : table)
    if (value == x)
      return name;
  return "UNKNOWN";
}

template <class Table>
auto value_in(const Table& table, std::string_view text) noexcept
  -> std::optional<typename Table::value_type::first_type> {
  for (const auto& [value, name] : table)
    if (name == text)
      return value;
  return std::nullopt;
}

template <class Table>
bool valid_code(const Table& table, uint8_t code) noexcept {
  return std::any_of(table.begin(), table.end(),
                     [code](const auto& row) { return static_cast<uint8_t>(row.first) == code; });
}

node_uuid read_uuid(byte_reader& in) {
  node_uuid result;
  auto bytes = in.raw(16);
  for (size_t i = 0; i < bytes.size(); ++i)
    result.bytes[i] = std::to_integer<uint8_t>(bytes[i]);
  return result;
}

} // namespace

std::string_view to_string(node_type x) noexcept {
  return name_in(node_type_names, x);
}

std::optional<node_type> parse_node_type(std::string_view text) noexcept {
  return value_in(node_type_names, text);
}

std::string_view to_string(node_status x) noexcept {
  return name_in(node_status_names, x);
}

std::optional<node_status> parse_node_status(std::string_view text) noexcept {
  return value_in(node_status_names, text);
}

void node_record::encode(byte_writer& out) const {
  out.u8(format_version);
  out.u8(static_cast<uint8_t>(type));
  out.string(host);
  out.u16(p2p_port);
  out.u16(api_port);
  out.u16(fs_port);
  out.string(name);
  out.raw(std::as_bytes(std::span{uuid.bytes}));
  out.raw(std::as_bytes(std::span{parent.bytes}));
  out.u8(static_cast<uint8_t>(status));
  out.varint(last_seen_ms);
}

expected<node_record> node_record::decode(std::span<const std::byte> bytes) {
  byte_reader in{bytes};
  node_record x;
  auto version = in.u8();
  if (in.ok() && version == 0)
    in.fail("format version 0");
  auto type = in.u8();
  if (in.ok() && !valid_code(node_type_names, type))
    in.fail("unknown node type " + std::to_string(type));
  x.type = static_cast<node_type>(type);
  x.host = in.string("host", node_record_max_text_bytes);
  x.p2p_port = in.u16();
  x.api_port = in.u16();
  x.fs_port = in.u16();
  x.name = in.string("name", node_record_max_text_bytes);
  x.uuid = read_uuid(in);
  x.parent = read_uuid(in);
  auto status = in.u8();
  if (in.ok() && !valid_code(node_status_names, status))
    in.fail("unknown node status " + std::to_string(status));
  x.status = static_cast<node_status>(status);
  x.last_seen_ms = in.varint();
  if (in.ok() && x.uuid.is_nil())
    in.fail("nil node uuid");
  // A newer writer may append fields we do not know yet.
  if (version <= format_version)
    in.expect_end();
  if (auto st = in.result("node record"); !st)
    return st.error();
  return x;
}

} // namespace swarm::membership
