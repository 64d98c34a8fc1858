#include "swarm/swci/sn_client.hpp"

namespace swarm::swci {

status to_status(const api_reply& reply) {
  if (reply.status >= 200 && reply.status < 300)
    return status::ok();
  std::string message;
  if (reply.body.is_object() && reply.body.contains("message")
      && reply.body["message"].is_string())
    message = reply.body["message"].get<std::string>();
  if (message.empty())
    message = "the SN answered with an error";
  return make_error(errc::invalid_argument,
                    message + " (HTTP " + std::to_string(reply.status) + ")");
}

std::string path_segment(std::string_view name) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : name) {
    bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                 || c == '-' || c == '.' || c == '_' || c == '~';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

} // namespace swarm::swci
