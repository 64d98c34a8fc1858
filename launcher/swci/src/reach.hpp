#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace swarm::swci::detail {

/// Tries a TCP connection to `host:port` within `timeout` and returns why it
/// fails, e.g. "connection refused", "timed out after 5 s" or "cannot
/// resolve 'sn1': Name or service not known"; "" if it succeeds. HTTP
/// libraries only say "connection failed"; this says why.
std::string connect_failure(const std::string& host, uint16_t port,
                            std::chrono::milliseconds timeout);

} // namespace swarm::swci::detail
