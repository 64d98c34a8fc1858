#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "swarm/common/error.hpp"

namespace swarm::swci {

/// HPE's SN API port, the default of `CREATE CONTEXT ... WITH IP`.
inline constexpr uint16_t default_api_port = 30304;

/// Where an SN's API listens.
struct endpoint {
  /// IP address or host name.
  std::string host;
  /// TCP port.
  uint16_t port = default_api_port;

  /// Returns "host:port".
  std::string to_string() const {
    return host + ":" + std::to_string(port);
  }
};

/// Methods the SWCI uses.
enum class http_verb : uint8_t {
  /// Read.
  get,
  /// Create or act.
  post,
  /// Remove.
  del,
};

/// An HTTP answer of the SN: any status, with its body parsed as JSON
/// (`null` if it was empty or not JSON).
struct api_reply {
  /// HTTP status.
  int status = 0;
  /// The body.
  nlohmann::json body;
};

/// The SN's REST API (docs/task-api.md) as the SWCI needs it. The HTTPS
/// client implements it; tests use fakes. An error means no answer came
/// (unreachable, refused TLS, timeout); an answer with any status is a value.
class sn_client {
public:
  virtual ~sn_client() = default;

  /// Sends `verb path` with `body` (none if null) and returns the answer.
  virtual expected<api_reply> send(http_verb verb, const std::string& path,
                                   const nlohmann::json* body = nullptr) = 0;
};

/// Makes a client for an endpoint; fails if none can be made at all (e.g.
/// no identity to present). Connecting happens on `send`.
using client_factory = std::function<expected<std::shared_ptr<sn_client>>(const endpoint&)>;

/// Returns the error an answer stands for: nothing for a 2xx status, else
/// the API's `message` (or the status) and the status, e.g. "task 'x' is
/// not finalized (HTTP 409)".
status to_status(const api_reply& reply);

/// Percent-encodes `name` for use as one path segment.
std::string path_segment(std::string_view name);

} // namespace swarm::swci
