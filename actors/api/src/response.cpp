#include "swarm/api/router.hpp"

namespace swarm::api {

response response::json(const nlohmann::json& body, int status) {
  response result;
  result.status = status;
  result.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return result;
}

response response::text(std::string body, std::string content_type, int status) {
  response result;
  result.status = status;
  result.content_type = std::move(content_type);
  result.body = std::move(body);
  return result;
}

response response::error(int status, std::string message) {
  nlohmann::json body{
    {"status", status}, {"error", std::string(reason_phrase(status))}, {"message", message}};
  return json(body, status);
}

std::string_view reason_phrase(int status) noexcept {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 413:
      return "Payload Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 416:
      return "Range Not Satisfiable";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    default:
      return status >= 500 ? "Server Error" : status >= 400 ? "Client Error" : "Unknown";
  }
}

} // namespace swarm::api
