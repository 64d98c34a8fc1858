#include "field_check.hpp"

#include "swarm/wire/reject.hpp"

namespace swarm::wire::detail {

namespace {

bool printable(char c, bool allow_space) {
  auto u = static_cast<unsigned char>(c);
  return (u > 0x20 && u < 0x7f) || (allow_space && u == 0x20);
}

status check_chars(std::string_view path, std::string_view value, bool allow_space) {
  for (size_t i = 0; i < value.size(); ++i)
    if (!printable(value[i], allow_space))
      return make_error(reject_reason::invalid_value,
                        std::string{path} + ": byte " + std::to_string(i) + " is 0x"
                          + "0123456789abcdef"[static_cast<unsigned char>(value[i]) >> 4]
                          + "0123456789abcdef"[static_cast<unsigned char>(value[i]) & 15]
                          + ", expected printable ASCII");
  return status::ok();
}

} // namespace

status check_size(std::string_view path, std::string_view value, size_t max_bytes) {
  if (value.size() <= max_bytes)
    return status::ok();
  return make_error(reject_reason::over_limit, std::string{path} + ": "
                                                 + std::to_string(value.size())
                                                 + " bytes, at most "
                                                 + std::to_string(max_bytes));
}

status check_count(std::string_view path, size_t count, size_t max_count) {
  if (count <= max_count)
    return status::ok();
  return make_error(reject_reason::over_limit, std::string{path} + ": "
                                                 + std::to_string(count)
                                                 + " entries, at most "
                                                 + std::to_string(max_count));
}

status check_token(std::string_view path, std::string_view value, size_t max_bytes,
                   bool may_be_empty) {
  if (value.empty() && !may_be_empty)
    return make_error(reject_reason::invalid_value, std::string{path} + ": empty");
  if (auto st = check_size(path, value, max_bytes); !st)
    return st;
  return check_chars(path, value, false);
}

status check_text(std::string_view path, std::string_view value, size_t max_bytes) {
  if (auto st = check_size(path, value, max_bytes); !st)
    return st;
  return check_chars(path, value, true);
}

status check_enum(std::string_view path, uint64_t value, uint64_t max_value) {
  if (value <= max_value)
    return status::ok();
  return make_error(reject_reason::invalid_value, std::string{path} + ": unknown value "
                                                    + std::to_string(value));
}

std::string indexed(std::string_view path, size_t index) {
  return std::string{path} + "[" + std::to_string(index) + "]";
}

} // namespace swarm::wire::detail
