#include "swarm/mlsl/frame.hpp"

#include <cassert>
#include <climits>
#include <ostream>

namespace swarm::mlsl {

namespace {

error header_error(failure& why, failure kind, errc code, std::string message) {
  why = kind;
  return make_error(code, std::move(message));
}

} // namespace

std::string_view to_string(side x) noexcept {
  return x == side::ml ? "ML" : "SL";
}

std::string_view to_string(failure x) noexcept {
  switch (x) {
    case failure::none:
      return "none";
    case failure::closed:
      return "closed";
    case failure::timeout:
      return "timeout";
    case failure::io:
      return "io";
    case failure::oversized:
      return "oversized";
    case failure::version_mismatch:
      return "version_mismatch";
    case failure::malformed:
      return "malformed";
  }
  return "unknown";
}

std::ostream& operator<<(std::ostream& out, failure x) {
  return out << to_string(x);
}

std::string type_name(uint32_t x) {
  if (x != MESSAGE_TYPE_UNSPECIFIED && MessageType_IsValid(static_cast<int>(x)))
    return MessageType_Name(static_cast<MessageType>(x));
  return "message type " + std::to_string(x);
}

status parse_body(const frame& f, google::protobuf::MessageLite& out) {
  // The channel caps bodies far below INT_MAX; frames built by hand may not.
  if (f.body.size() > static_cast<size_t>(INT_MAX)
      || !out.ParseFromArray(f.body.data(), static_cast<int>(f.body.size())))
    return make_error(errc::parse_error, "malformed " + type_name(f.type) + " body ("
                                           + std::to_string(f.body.size())
                                           + " bytes): not a " + out.GetTypeName());
  return {};
}

void encode_header(MessageType type, uint32_t size, char* out) {
  Header h;
  h.mutable_api_version()->set_api_version(api_version);
  h.mutable_api_version()->set_min_version(min_api_version);
  h.set_msg_type(static_cast<uint32_t>(type));
  h.set_msg_size(size);
  [[maybe_unused]] bool ok = h.SerializeToArray(out, static_cast<int>(header_bytes));
  assert(ok && h.ByteSizeLong() == header_bytes);
}

expected<header_fields> decode_header(std::string_view bytes, side peer, failure& why) {
  Header h;
  if (bytes.size() != header_bytes
      || !h.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))
      || !h.has_api_version() || !h.api_version().has_api_version()
      || !h.api_version().has_min_version() || !h.has_msg_type() || !h.has_msg_size())
    return header_error(why, failure::malformed, errc::parse_error,
                        "malformed message header from the " + std::string{to_string(peer)}
                          + " (is the other end a Swarm ML/SL channel?)");
  auto theirs = h.api_version().api_version();
  auto their_min = h.api_version().min_version();
  if (theirs < min_api_version || api_version < their_min)
    return header_error(why, failure::version_mismatch, errc::invalid_argument,
                        "Mismatch in the Swarm API version between ML and SL. Expected version "
                          + std::to_string(api_version) + " (at least "
                          + std::to_string(min_api_version) + "), but the "
                          + std::string{to_string(peer)} + " sent version "
                          + std::to_string(theirs) + " (at least " + std::to_string(their_min)
                          + ")");
  auto type = h.msg_type();
  if (type == MESSAGE_TYPE_UNSPECIFIED || !MessageType_IsValid(static_cast<int>(type)))
    return header_error(why, failure::malformed, errc::parse_error,
                        "unknown message type " + std::to_string(type) + " from the "
                          + std::string{to_string(peer)});
  if (h.msg_size() > max_message_bytes)
    return header_error(why, failure::oversized, errc::invalid_argument,
                        type_name(type) + " from the " + std::string{to_string(peer)} + " of "
                          + std::to_string(h.msg_size()) + " bytes, at most "
                          + std::to_string(max_message_bytes));
  return header_fields{static_cast<MessageType>(type), h.msg_size()};
}

} // namespace swarm::mlsl
