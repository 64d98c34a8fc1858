#include "record_fields.hpp"

#include <limits>

#include "swarm/membership/state_task_record.hpp"

namespace swarm::membership::detail {

status check_name(std::string_view what, std::string_view name) {
  if (is_valid_object_name(name))
    return status::ok();
  return make_error(errc::invalid_argument,
                    std::string{what} + " name '" + shown(name)
                      + "' is invalid: expected 1 to "
                      + std::to_string(task_max_text_bytes)
                      + " characters of A-Z a-z 0-9 . _ -");
}

status check_text(std::string_view where, std::string_view what, std::string_view text,
                  size_t max) {
  if (text.size() > max)
    return make_error(errc::invalid_argument,
                      std::string{where} + ": " + std::string{what} + " has "
                        + std::to_string(text.size()) + " bytes, the limit is "
                        + std::to_string(max));
  if (text.find_first_of("\r\n") != std::string_view::npos)
    return make_error(errc::invalid_argument,
                      std::string{where} + ": " + std::string{what}
                        + " contains a line break");
  return status::ok();
}

bool read_bool(byte_reader& in, std::string_view what) {
  auto b = in.u8();
  if (in.ok() && b > 1)
    in.fail(std::string{what} + " is " + std::to_string(b) + ", not 0 or 1");
  return b == 1;
}

uint32_t read_u32(byte_reader& in, std::string_view what) {
  auto x = in.varint();
  if (in.ok() && x > std::numeric_limits<uint32_t>::max())
    in.fail(std::string{what} + " " + std::to_string(x) + " exceeds 32 bits");
  return static_cast<uint32_t>(x);
}

uint8_t read_version(byte_reader& in) {
  auto version = in.u8();
  if (in.ok() && version == 0)
    in.fail("format version 0");
  return version;
}

status finish_decode(byte_reader& in, uint8_t version, uint8_t known_version,
                     const status& check_result, std::string_view context) {
  // A newer writer may append fields we do not know yet.
  if (version <= known_version)
    in.expect_end();
  if (in.ok() && !check_result)
    in.fail(check_result.error().message);
  return in.result(context);
}

} // namespace swarm::membership::detail
