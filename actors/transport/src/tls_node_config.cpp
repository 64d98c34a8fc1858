#include "swarm/transport/tls_node_config.hpp"

#include <arpa/inet.h>

#include "swarm/transport/address.hpp"

namespace swarm::transport {

namespace {

bool is_wildcard(const std::string& host) {
  return host.empty() || host == "0.0.0.0" || host == "::";
}

bool is_ip_literal(const std::string& host) {
  unsigned char buf[16];
  return ::inet_pton(AF_INET, host.c_str(), buf) == 1
         || ::inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

status positive(const char* name, int64_t value) {
  if (value > 0)
    return status::ok();
  return make_error(errc::invalid_config,
                    std::string{name} + " must be positive, got " + std::to_string(value));
}

} // namespace

status tls_node_config::validate() const {
  // CAF binds with inet_pton and would report a host name only as
  // "cannot open port"; say it clearly instead.
  if (!bind_host.empty() && !is_ip_literal(bind_host))
    return make_error(errc::invalid_config,
                      "bind_host \"" + bind_host + "\" must be an IPv4 or IPv6 address");
  const auto& announced = advertised_host.empty() ? bind_host : advertised_host;
  if (is_wildcard(announced))
    return make_error(errc::invalid_config,
                      "advertised_host is required when listening on every interface ("
                        + (bind_host.empty() ? std::string{"\"\""} : bind_host)
                        + "): peers need an address to dial");
  if (auto ep = parse_address(format_address(announced, port == 0 ? 1 : port)); !ep)
    return make_error(errc::invalid_config, "advertised_host: " + ep.error().message);
  for (auto st : {positive("tick_interval_ms", tick_interval_ms),
                  positive("connect_timeout_ms", connect_timeout_ms),
                  positive("handshake_timeout_ms", handshake_timeout_ms),
                  positive("stop_flush_timeout_ms", stop_flush_timeout_ms),
                  positive("identity_recheck_interval_ms", identity_recheck_interval_ms)})
    if (!st)
      return st;
  if (dial_yield_ms < 0 || dial_yield_ms >= connect_timeout_ms)
    return make_error(errc::invalid_config, "dial_yield_ms must be 0..connect_timeout_ms");
  if (heartbeat_interval_ms < 0 || connection_timeout_ms < 0)
    return make_error(errc::invalid_config, "heartbeat and connection timeouts must be >= 0");
  if (heartbeat_interval_ms > 0 && connection_timeout_ms <= 2 * heartbeat_interval_ms)
    return make_error(errc::invalid_config,
                      "connection_timeout_ms must exceed two heartbeat intervals, or a quiet"
                      " but healthy connection gets closed");
  if (max_envelope_bytes == 0 || max_envelope_bytes > wire::max_round_envelope_bytes)
    return make_error(errc::invalid_config, "max_envelope_bytes must be 1.."
                                              + std::to_string(wire::max_round_envelope_bytes));
  if (max_queued_envelopes == 0)
    return make_error(errc::invalid_config, "max_queued_envelopes must be positive");
  if (model_lane && lane_min_bytes == 0)
    return make_error(errc::invalid_config, "lane_min_bytes must be positive");
  return status::ok();
}

} // namespace swarm::transport
