#include "ip_flag.hpp"

#include <arpa/inet.h>

#include <CLI/CLI.hpp>

namespace swarm::launcher {

bool is_ip_address(const std::string& text) {
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, text.c_str(), buf) == 1 || inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

CLI::Validator ip_address() {
  return CLI::Validator(
    [](std::string& value) -> std::string {
      if (is_ip_address(value))
        return {};
      return "'" + value + "' is not an IPv4 or IPv6 address (a host name cannot be bound)";
    },
    "IP");
}

} // namespace swarm::launcher
