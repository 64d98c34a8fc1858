#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "swarm/common/error.hpp"

namespace swarm::transport {

/// A transport address split into its parts.
struct endpoint {
  /// IPv4 or IPv6 address or DNS name, without brackets.
  std::string host;
  /// TCP port, 1..65535.
  uint16_t port = 0;
};

/// Parses "host:port" or "[v6]:port", the form membership and the CLI use.
/// Fails on a missing or zero port, a port above 65535, an empty host, or
/// characters that have no place in a host name.
expected<endpoint> parse_address(std::string_view address);

/// Formats `host` and `port` as `parse_address` reads them (brackets
/// around IPv6 addresses).
std::string format_address(std::string_view host, uint16_t port);

} // namespace swarm::transport
