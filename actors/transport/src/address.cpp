#include "swarm/transport/address.hpp"

#include <charconv>

namespace swarm::transport {

namespace {

bool host_char(char c, bool bracketed) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
    return true;
  return c == '.' || c == '-' || c == '_' || (bracketed && (c == ':' || c == '%'));
}

swarm::error bad(std::string_view address, std::string_view why) {
  return make_error(errc::invalid_argument, "address \"" + std::string{address}
                                              + "\": " + std::string{why}
                                              + " (expected host:port)");
}

} // namespace

expected<endpoint> parse_address(std::string_view address) {
  auto colon = address.rfind(':');
  if (colon == std::string_view::npos)
    return bad(address, "no port");
  auto host = address.substr(0, colon);
  auto port_text = address.substr(colon + 1);
  bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  if (bracketed)
    host = host.substr(1, host.size() - 2);
  if (host.empty())
    return bad(address, "empty host");
  for (char c : host)
    if (!host_char(c, bracketed))
      return bad(address, "invalid character in host");
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
  if (ec != std::errc{} || end != port_text.data() + port_text.size() || port_text.empty())
    return bad(address, "port is not a number");
  if (value == 0 || value > 65535)
    return bad(address, "port out of range 1..65535");
  return endpoint{std::string{host}, static_cast<uint16_t>(value)};
}

std::string format_address(std::string_view host, uint16_t port) {
  auto text = host.find(':') != std::string_view::npos ? "[" + std::string{host} + "]"
                                                       : std::string{host};
  return text + ":" + std::to_string(port);
}

} // namespace swarm::transport
