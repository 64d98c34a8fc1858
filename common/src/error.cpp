#include "swarm/common/error.hpp"

#include <ostream>

namespace swarm {

std::string_view to_string(errc x) {
  switch (x) {
    case errc::none:
      return "none";
    case errc::io_error:
      return "io_error";
    case errc::parse_error:
      return "parse_error";
    case errc::invalid_config:
      return "invalid_config";
    case errc::invalid_argument:
      return "invalid_argument";
    case errc::checksum_mismatch:
      return "checksum_mismatch";
    case errc::shape_mismatch:
      return "shape_mismatch";
    case errc::corrupt_data:
      return "corrupt_data";
  }
  return "unknown";
}

std::ostream& operator<<(std::ostream& out, errc x) {
  return out << to_string(x);
}

std::string error::to_string() const {
  std::string result{swarm::to_string(code)};
  result += ": ";
  result += message;
  return result;
}

} // namespace swarm
