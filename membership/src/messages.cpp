#include "swarm/membership/messages.hpp"

#include <ostream>
#include <type_traits>

namespace swarm::membership {

namespace {

size_t varint_size(uint64_t x) {
  size_t n = 1;
  while (x >= 0x80) {
    x >>= 7;
    ++n;
  }
  return n;
}

// Proto3 omits fields at their default value.
size_t uint_field(uint64_t x) {
  return x == 0 ? 0 : 1 + varint_size(x);
}

size_t string_field(const std::string& x) {
  return x.empty() ? 0 : 1 + varint_size(x.size()) + x.size();
}

size_t body_size(const message_body& body) {
  return std::visit(
    [](const auto& x) -> size_t {
      using type = std::decay_t<decltype(x)>;
      if constexpr (std::is_same_v<type, ping>) {
        return uint_field(x.seq_no) + string_field(x.target);
      } else if constexpr (std::is_same_v<type, ping_req>) {
        return uint_field(x.seq_no) + string_field(x.target) + string_field(x.target_address);
      } else if constexpr (std::is_same_v<type, ack> || std::is_same_v<type, nack>) {
        return uint_field(x.seq_no);
      } else if constexpr (std::is_same_v<type, gossip>) {
        return 0;
      } else if constexpr (std::is_same_v<type, push_pull>) {
        size_t n = uint_field(x.reply ? 1 : 0);
        for (const auto& r : x.members)
          n += embedded_size(encoded_size(r));
        return n;
      } else if constexpr (std::is_same_v<type, join>) {
        return string_field(x.address) + string_field(x.meta) + uint_field(x.incarnation);
      } else {
        static_assert(std::is_same_v<type, leave>);
        return uint_field(x.incarnation);
      }
    },
    body);
}

} // namespace

std::string_view to_string(update_kind x) {
  switch (x) {
    case update_kind::alive:
      return "alive";
    case update_kind::suspect:
      return "suspect";
    case update_kind::dead:
      return "dead";
    case update_kind::left:
      return "left";
  }
  return "unknown";
}

std::ostream& operator<<(std::ostream& out, update_kind x) {
  return out << to_string(x);
}

std::string_view type_name(const message_body& x) {
  static constexpr std::string_view names[] = {"ping",   "ping_req",  "ack",  "nack",
                                               "gossip", "push_pull", "join", "leave"};
  static_assert(std::size(names) == std::variant_size_v<message_body>);
  return names[x.index()];
}

size_t embedded_size(size_t payload_bytes) {
  return 1 + varint_size(payload_bytes) + payload_bytes;
}

size_t encoded_size(const update& x) {
  size_t n = uint_field(static_cast<uint64_t>(x.kind)) + string_field(x.node)
             + uint_field(x.incarnation) + string_field(x.address) + string_field(x.meta);
  if (x.from != x.node)
    n += string_field(x.from);
  return n;
}

size_t encoded_size(const member_record& x) {
  return string_field(x.name) + string_field(x.address) + string_field(x.meta)
         + uint_field(x.incarnation) + uint_field(static_cast<uint64_t>(x.state));
}

size_t encoded_size(const message& x) {
  // One oneof field per body type; an empty body still costs its tag.
  size_t n = uint_field(x.version) + embedded_size(body_size(x.body));
  for (const auto& u : x.updates)
    n += embedded_size(encoded_size(u));
  return n;
}

} // namespace swarm::membership
