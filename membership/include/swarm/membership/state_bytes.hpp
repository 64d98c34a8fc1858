#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "swarm/common/error.hpp"

namespace swarm::membership {

/// An owned byte string: a replicated value, an encoded record or a file image.
using byte_buffer = std::vector<std::byte>;

/// Returns a view of the bytes of `text`.
inline std::span<const std::byte> as_byte_span(std::string_view text) {
  return std::as_bytes(std::span{text.data(), text.size()});
}

/// Appends little-endian integers, LEB128 varints and length-prefixed strings
/// to a buffer. Writing cannot fail; the matching `byte_reader` checks limits.
class byte_writer {
public:
  /// Appends one byte.
  void u8(uint8_t x);

  /// Appends `x` as 2 little-endian bytes.
  void u16(uint16_t x);

  /// Appends `x` as 4 little-endian bytes.
  void u32(uint32_t x);

  /// Appends `x` as 8 little-endian bytes.
  void u64(uint64_t x);

  /// Appends `x` as an unsigned LEB128 varint (1 to 10 bytes, shortest form).
  void varint(uint64_t x);

  /// Appends `bytes` verbatim, without a length.
  void raw(std::span<const std::byte> bytes);

  /// Appends a varint length followed by the bytes of `text`.
  void string(std::string_view text);

  /// Appends a varint length followed by `bytes`.
  void blob(std::span<const std::byte> bytes);

  /// Returns the bytes written so far.
  const byte_buffer& bytes() const noexcept {
    return buf_;
  }

  /// Moves the bytes out, leaving the writer empty.
  byte_buffer take() noexcept {
    return std::move(buf_);
  }

private:
  byte_buffer buf_;
};

/// Reads what `byte_writer` writes from untrusted bytes. The first failure
/// (truncation, a length over its limit, a malformed varint) is sticky: later
/// reads return zero or empty values, so a decoder reads every field and then
/// checks `ok()` once instead of after every field. Never allocates more than
/// the input holds.
class byte_reader {
public:
  /// Reads from `bytes`, which must outlive the reader.
  explicit byte_reader(std::span<const std::byte> bytes) noexcept : bytes_(bytes) {
    // nop
  }

  /// Reads one byte.
  uint8_t u8();

  /// Reads 2 little-endian bytes.
  uint16_t u16();

  /// Reads 4 little-endian bytes.
  uint32_t u32();

  /// Reads 8 little-endian bytes.
  uint64_t u64();

  /// Reads an unsigned LEB128 varint; rejects overlong and overflowing forms
  /// so every value has exactly one encoding.
  uint64_t varint();

  /// Reads a count of items that each take at least `min_item_bytes`; fails
  /// if the remaining input cannot hold that many, so callers may reserve.
  size_t count(std::string_view what, size_t min_item_bytes);

  /// Reads exactly `n` bytes.
  std::span<const std::byte> raw(size_t n);

  /// Reads a varint-prefixed string of at most `max_size` bytes.
  std::string string(std::string_view what, size_t max_size);

  /// Reads a varint-prefixed byte string of at most `max_size` bytes.
  std::span<const std::byte> blob(std::string_view what, size_t max_size);

  /// Records a failure (only the first one is kept).
  void fail(std::string message);

  /// Returns whether no read has failed.
  bool ok() const noexcept {
    return failure_.empty();
  }

  /// Returns the first failure, empty while `ok()`.
  const std::string& failure() const noexcept {
    return failure_;
  }

  /// Returns the number of bytes consumed.
  size_t offset() const noexcept {
    return pos_;
  }

  /// Returns the number of bytes not consumed yet.
  size_t remaining() const noexcept {
    return bytes_.size() - pos_;
  }

  /// Fails unless all input was consumed.
  void expect_end();

  /// Returns success, or a `corrupt_data` error "<context>: <failure>".
  status result(std::string_view context) const;

private:
  bool need(size_t n, std::string_view what);

  std::span<const std::byte> bytes_;
  size_t pos_ = 0;
  std::string failure_;
};

} // namespace swarm::membership
