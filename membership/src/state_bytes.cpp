#include "swarm/membership/state_bytes.hpp"

namespace swarm::membership {

// -- byte_writer --------------------------------------------------------------

void byte_writer::u8(uint8_t x) {
  buf_.push_back(static_cast<std::byte>(x));
}

void byte_writer::u16(uint16_t x) {
  for (int i = 0; i < 2; ++i)
    u8(static_cast<uint8_t>(x >> (8 * i)));
}

void byte_writer::u32(uint32_t x) {
  for (int i = 0; i < 4; ++i)
    u8(static_cast<uint8_t>(x >> (8 * i)));
}

void byte_writer::u64(uint64_t x) {
  for (int i = 0; i < 8; ++i)
    u8(static_cast<uint8_t>(x >> (8 * i)));
}

void byte_writer::varint(uint64_t x) {
  while (x >= 0x80) {
    u8(static_cast<uint8_t>(x | 0x80));
    x >>= 7;
  }
  u8(static_cast<uint8_t>(x));
}

void byte_writer::raw(std::span<const std::byte> bytes) {
  buf_.insert(buf_.end(), bytes.begin(), bytes.end());
}

void byte_writer::string(std::string_view text) {
  blob(as_byte_span(text));
}

void byte_writer::blob(std::span<const std::byte> bytes) {
  varint(bytes.size());
  raw(bytes);
}

// -- byte_reader --------------------------------------------------------------

bool byte_reader::need(size_t n, std::string_view what) {
  if (!ok())
    return false;
  if (n > remaining()) {
    fail("truncated: " + std::string{what} + " needs " + std::to_string(n)
         + " bytes at offset " + std::to_string(pos_) + ", "
         + std::to_string(remaining()) + " left");
    return false;
  }
  return true;
}

uint8_t byte_reader::u8() {
  if (!need(1, "u8"))
    return 0;
  return std::to_integer<uint8_t>(bytes_[pos_++]);
}

uint16_t byte_reader::u16() {
  if (!need(2, "u16"))
    return 0;
  uint16_t x = 0;
  for (int i = 0; i < 2; ++i)
    x = static_cast<uint16_t>(x | (std::to_integer<uint16_t>(bytes_[pos_++]) << (8 * i)));
  return x;
}

uint32_t byte_reader::u32() {
  if (!need(4, "u32"))
    return 0;
  uint32_t x = 0;
  for (int i = 0; i < 4; ++i)
    x |= std::to_integer<uint32_t>(bytes_[pos_++]) << (8 * i);
  return x;
}

uint64_t byte_reader::u64() {
  if (!need(8, "u64"))
    return 0;
  uint64_t x = 0;
  for (int i = 0; i < 8; ++i)
    x |= std::to_integer<uint64_t>(bytes_[pos_++]) << (8 * i);
  return x;
}

uint64_t byte_reader::varint() {
  auto start = pos_;
  uint64_t x = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (!need(1, "varint"))
      return 0;
    auto b = std::to_integer<uint8_t>(bytes_[pos_++]);
    // The 10th byte may only carry the single top bit of a 64-bit value.
    if (shift == 63 && b > 1) {
      fail("varint at offset " + std::to_string(start) + " overflows 64 bits");
      return 0;
    }
    x |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      if (b == 0 && shift > 0) {
        fail("varint at offset " + std::to_string(start) + " is not in shortest form");
        return 0;
      }
      return x;
    }
  }
  fail("varint at offset " + std::to_string(start) + " is longer than 10 bytes");
  return 0;
}

size_t byte_reader::count(std::string_view what, size_t min_item_bytes) {
  auto at = pos_;
  auto n = varint();
  if (!ok())
    return 0;
  // Reject before anyone reserves memory for `n` items.
  if (min_item_bytes > 0 && n > remaining() / min_item_bytes) {
    fail(std::string{what} + " count " + std::to_string(n) + " at offset "
         + std::to_string(at) + " exceeds what the remaining "
         + std::to_string(remaining()) + " bytes can hold");
    return 0;
  }
  return static_cast<size_t>(n);
}

std::span<const std::byte> byte_reader::raw(size_t n) {
  if (!need(n, "field"))
    return {};
  auto result = bytes_.subspan(pos_, n);
  pos_ += n;
  return result;
}

std::span<const std::byte> byte_reader::blob(std::string_view what, size_t max_size) {
  auto at = pos_;
  auto n = varint();
  if (!ok())
    return {};
  if (n > max_size) {
    fail(std::string{what} + " at offset " + std::to_string(at) + " has length "
         + std::to_string(n) + ", the limit is " + std::to_string(max_size));
    return {};
  }
  if (!need(static_cast<size_t>(n), what))
    return {};
  return raw(static_cast<size_t>(n));
}

std::string byte_reader::string(std::string_view what, size_t max_size) {
  auto bytes = blob(what, max_size);
  return std::string{reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

void byte_reader::fail(std::string message) {
  if (ok())
    failure_ = message.empty() ? std::string{"decoding failed"} : std::move(message);
}

void byte_reader::expect_end() {
  if (ok() && remaining() > 0)
    fail(std::to_string(remaining()) + " trailing bytes at offset " + std::to_string(pos_));
}

status byte_reader::result(std::string_view context) const {
  if (ok())
    return status::ok();
  return make_error(errc::corrupt_data, std::string{context} + ": " + failure_);
}

} // namespace swarm::membership
