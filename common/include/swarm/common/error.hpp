#pragma once

#include <cassert>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace swarm {

/// Categories of failure that cross module boundaries.
enum class errc : uint8_t {
  /// No error.
  none = 0,
  /// A file could not be opened, read, written or renamed.
  io_error = 1,
  /// Input did not parse (YAML syntax, IDX headers, JSON, protobuf).
  parse_error = 2,
  /// Input parsed but broke a rule of its schema.
  invalid_config = 3,
  /// A value is out of range or inconsistent with another.
  invalid_argument = 4,
  /// A checksum or digest did not match.
  checksum_mismatch = 5,
  /// Tensors disagree in name, shape or dtype.
  shape_mismatch = 6,
  /// Data is truncated or otherwise corrupt.
  corrupt_data = 7,
};

/// Returns the stable name of `x`, e.g. "io_error".
std::string_view to_string(errc x);

/// Prints the name of `x` (for test diagnostics and logs).
std::ostream& operator<<(std::ostream& out, errc x);

/// An error value: a category plus a message that names what and where.
struct error {
  /// The category.
  errc code = errc::none;
  /// Human-readable detail, e.g. "profile.yaml:3:5: key 'nodes': ...".
  std::string message;

  /// Returns "<code>: <message>".
  std::string to_string() const;
};

/// Holds either a value of type `T` or an `error`, like `caf::expected` but
/// usable from modules that do not link CAF.
template <class T>
class expected {
public:
  /// Constructs from a value.
  expected(T value) : data_(std::move(value)) {
    // nop
  }

  /// Constructs from an error.
  expected(swarm::error err) : data_(std::move(err)) {
    assert(std::get<swarm::error>(data_).code != errc::none);
  }

  /// Returns whether this holds a value.
  explicit operator bool() const noexcept {
    return data_.index() == 0;
  }

  /// Returns the value; requires `*this` to hold one.
  T& value() & {
    assert(*this);
    return std::get<T>(data_);
  }

  /// Returns the value; requires `*this` to hold one.
  const T& value() const& {
    assert(*this);
    return std::get<T>(data_);
  }

  /// Moves the value out; requires `*this` to hold one.
  T&& value() && {
    assert(*this);
    return std::get<T>(std::move(data_));
  }

  /// Returns the value.
  T& operator*() & {
    return value();
  }

  /// Returns the value.
  const T& operator*() const& {
    return value();
  }

  /// Accesses the value.
  T* operator->() {
    return &value();
  }

  /// Accesses the value.
  const T* operator->() const {
    return &value();
  }

  /// Returns the error; requires `*this` to hold one.
  const swarm::error& error() const {
    assert(!*this);
    return std::get<swarm::error>(data_);
  }

private:
  std::variant<T, swarm::error> data_;
};

/// Result of an operation that returns nothing on success.
class status {
public:
  /// Success.
  status() = default;

  /// Failure.
  status(swarm::error err) : err_(std::move(err)) {
    // nop
  }

  /// Returns a successful status.
  static status ok() {
    return {};
  }

  /// Returns whether the operation succeeded.
  explicit operator bool() const noexcept {
    return err_.code == errc::none;
  }

  /// Returns the error; meaningful only on failure.
  const swarm::error& error() const {
    return err_;
  }

private:
  swarm::error err_;
};

/// Builds an error in one call.
inline error make_error(errc code, std::string message) {
  return error{code, std::move(message)};
}

} // namespace swarm
