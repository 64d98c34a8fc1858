#pragma once

// The address a node listens on must be numeric: CAF binds with inet_pton
// and would otherwise only say "cannot open port".

#include <string>

namespace CLI {
class Validator;
} // namespace CLI

namespace swarm::launcher {

/// Returns whether `text` is an IPv4 or IPv6 address literal.
bool is_ip_address(const std::string& text);

/// A CLI11 validator for flags such as --host-ip: the error names the value
/// and says what was expected (CLI11 prefixes the flag).
CLI::Validator ip_address();

} // namespace swarm::launcher
