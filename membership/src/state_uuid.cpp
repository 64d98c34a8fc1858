#include "swarm/membership/state_uuid.hpp"

#include <algorithm>
#include <ostream>

namespace swarm::membership {

namespace {

// Offsets of the dashes in the canonical form.
constexpr bool is_dash_position(size_t i) {
  return i == 8 || i == 13 || i == 18 || i == 23;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

} // namespace

bool node_uuid::is_nil() const noexcept {
  return std::all_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b == 0; });
}

std::string node_uuid::to_string() const {
  static constexpr char digits[] = "0123456789abcdef";
  std::string result;
  result.reserve(36);
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10)
      result += '-';
    result += digits[bytes[i] >> 4];
    result += digits[bytes[i] & 0x0f];
  }
  return result;
}

std::ostream& operator<<(std::ostream& out, const node_uuid& x) {
  return out << x.to_string();
}

node_uuid make_uuid_v4(std::span<const std::byte, 16> random_bytes) {
  node_uuid result;
  for (size_t i = 0; i < 16; ++i)
    result.bytes[i] = std::to_integer<uint8_t>(random_bytes[i]);
  result.bytes[6] = static_cast<uint8_t>((result.bytes[6] & 0x0f) | 0x40);
  result.bytes[8] = static_cast<uint8_t>((result.bytes[8] & 0x3f) | 0x80);
  return result;
}

expected<node_uuid> parse_uuid(std::string_view text) {
  auto fail = [&] {
    return make_error(errc::parse_error,
                      "not a uuid (want xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx): '"
                        + std::string{text.substr(0, 64)} + "'");
  };
  if (text.size() != 36)
    return fail();
  node_uuid result;
  size_t out = 0;
  for (size_t i = 0; i < text.size();) {
    if (is_dash_position(i)) {
      if (text[i] != '-')
        return fail();
      ++i;
      continue;
    }
    auto hi = hex_value(text[i]);
    auto lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0)
      return fail();
    result.bytes[out++] = static_cast<uint8_t>(hi * 16 + lo);
    i += 2;
  }
  return result;
}

} // namespace swarm::membership
