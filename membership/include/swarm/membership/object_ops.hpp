#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace swarm::membership {

/// Why an operation on tasks, taskrunners or contracts was refused; the API
/// answers 400, 404 and 409 for them.
enum class op_errc : uint8_t {
  /// The request is malformed or the object would be invalid.
  invalid,
  /// A named object does not exist.
  not_found,
  /// The object's state forbids it (exists already, finalized, running...).
  conflict,
};

/// Returns the HTTP status the API answers for `x`: 400, 404 or 409.
constexpr int http_status(op_errc x) noexcept {
  switch (x) {
    case op_errc::not_found:
      return 404;
    case op_errc::conflict:
      return 409;
    default:
      return 400;
  }
}

/// A refusal: its kind and a message naming the object, e.g.
/// "task 'x' is not finalized".
struct op_error {
  /// The kind.
  op_errc code = op_errc::invalid;
  /// What was refused and why.
  std::string message;
};

/// Returns an `op_error` of kind `code`.
inline op_error op_fail(op_errc code, std::string message) {
  return {code, std::move(message)};
}

/// Either the result of an operation (the record to write, or what a query
/// found) or why it was refused.
template <class T>
class op_result {
public:
  /// Holds a value.
  op_result(T value) : data_(std::move(value)) {
    // nop
  }

  /// Holds a refusal.
  op_result(op_error err) : data_(std::move(err)) {
    // nop
  }

  /// Returns whether it holds a value.
  explicit operator bool() const noexcept {
    return data_.index() == 0;
  }

  /// Returns the value (requires one).
  T& operator*() {
    return std::get<0>(data_);
  }

  /// Returns the value (requires one).
  const T& operator*() const {
    return std::get<0>(data_);
  }

  /// Accesses the value (requires one).
  T* operator->() {
    return &std::get<0>(data_);
  }

  /// Accesses the value (requires one).
  const T* operator->() const {
    return &std::get<0>(data_);
  }

  /// Returns the refusal (requires one).
  const op_error& error() const {
    return std::get<1>(data_);
  }

private:
  std::variant<T, op_error> data_;
};

/// Renders `name` for messages: quoted and cut to 64 bytes (names may come
/// from the network).
inline std::string quote_name(std::string_view name) {
  return "'" + std::string{name.substr(0, 64)} + "'";
}

} // namespace swarm::membership
