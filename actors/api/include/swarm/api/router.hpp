#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "swarm/common/error.hpp"

namespace swarm::api {

/// Methods a route can be registered for. HEAD is served by GET routes and
/// OPTIONS is answered by the router, so neither is listed.
enum class http_method : uint8_t {
  /// Read.
  get,
  /// Create or act.
  post,
  /// Replace.
  put,
  /// Modify.
  patch,
  /// Remove ("delete" is a keyword).
  del,
};

/// Returns the method as it appears on the wire, e.g. "GET", "DELETE".
std::string_view to_string(http_method x) noexcept;

/// Parses an upper-case method name; HEAD and OPTIONS give nothing.
std::optional<http_method> parse_http_method(std::string_view text) noexcept;

/// A request as handlers see it: no HTTP library types, so handlers and
/// their tests need neither the server nor TLS.
struct request {
  /// The method as received, e.g. "GET" or "HEAD".
  std::string method;
  /// The percent-decoded path, without the query string.
  std::string path;
  /// Query parameters, decoded.
  std::multimap<std::string, std::string> query;
  /// Values of the route's `{name}` segments, filled in by the router.
  std::map<std::string, std::string> path_params;
  /// The request body (bounded by the server's size limit).
  std::string body;
  /// The client's address.
  std::string remote_addr;
  /// The client's port.
  uint16_t remote_port = 0;
  /// The common name of the client's certificate (verified by the TLS
  /// handshake against the trust store); "" if the server saw none.
  std::string peer_name;

  /// Returns the value of path parameter `name`, or "" if there is none.
  std::string_view param(std::string_view name) const;

  /// Returns the first value of query parameter `name`, if present.
  std::optional<std::string> query_value(std::string_view name) const;
};

/// A response as handlers produce it.
struct response {
  /// HTTP status code.
  int status = 200;
  /// Content-Type of `body`.
  std::string content_type = "application/json";
  /// The body.
  std::string body;
  /// Additional headers.
  std::vector<std::pair<std::string, std::string>> headers;

  /// Returns a JSON response. Invalid UTF-8 in strings (node names come
  /// from the network) is replaced rather than failing the request.
  static response json(const nlohmann::json& body, int status = 200);

  /// Returns a response with the given body and content type.
  static response text(std::string body, std::string content_type, int status = 200);

  /// Returns the JSON error every failure of the API uses:
  ///
  ///     {"status": 404, "error": "Not Found", "message": "no route for GET /v1/x"}
  ///
  /// `error` is the standard reason phrase of `status`; `message` says
  /// what went wrong without internal details.
  static response error(int status, std::string message);
};

/// Returns the standard reason phrase of `status`, e.g. "Not Found".
std::string_view reason_phrase(int status) noexcept;

/// Handles one request. Called concurrently from the server's workers.
using handler = std::function<response(const request&)>;

/// Maps method and path to handlers. Patterns are absolute paths whose
/// segments are literals or `{name}` parameters matching one non-empty
/// segment, e.g. "/v1/contracts/{name}/rounds". When several patterns
/// match, literal segments win over parameters, left to right.
///
/// Fill it before the server starts; `dispatch` is then safe from many
/// threads (the table is only read).
class router {
public:
  /// Adds a route. Fails (`errc::invalid_argument`) for a pattern that is
  /// not absolute, has an empty segment or a malformed parameter, or is
  /// already registered for `method` (parameter names do not count).
  status add(http_method method, std::string_view pattern, handler fn);

  /// Shorthand for `add(http_method::get, ...)`.
  status get(std::string_view pattern, handler fn) {
    return add(http_method::get, pattern, std::move(fn));
  }

  /// Answers `req`: the matching handler's response (GET routes also answer
  /// HEAD); 204 with an Allow header for OPTIONS on a known path; 405 with
  /// an Allow header for another method on a known path; 404 otherwise; 500
  /// if the handler throws (logged, without details for the client).
  response dispatch(request& req) const;

  /// Returns the methods `path` answers to, e.g. {"GET", "HEAD",
  /// "OPTIONS"}; empty for an unknown path.
  std::vector<std::string> allowed_methods(std::string_view path) const;

private:
  struct route {
    http_method method;
    std::string pattern;
    // Literal segments, or the parameter name with `is_param` set.
    std::vector<std::pair<std::string, bool>> segments;
    handler fn;
  };

  static bool matches(const route& r, const std::vector<std::string_view>& segments);

  const route* find(http_method method, const std::vector<std::string_view>& segments) const;

  std::vector<route> routes_;
};

} // namespace swarm::api
