#include "swarm/wire/reject.hpp"

#include <array>
#include <ostream>

namespace swarm::wire {

namespace {

constexpr std::array<std::string_view, 6> phrases = {
  "oversized message",     "malformed message", "unsupported wire version",
  "message without body", "field over limit",  "invalid field value",
};

errc category_of(reject_reason x) {
  switch (x) {
    case reject_reason::malformed:
      return errc::parse_error;
    case reject_reason::empty_body:
      return errc::corrupt_data;
    default:
      return errc::invalid_argument;
  }
}

} // namespace

std::string_view to_string(reject_reason x) {
  auto index = static_cast<size_t>(x);
  return index < phrases.size() ? phrases[index] : "unknown rejection";
}

std::ostream& operator<<(std::ostream& out, reject_reason x) {
  return out << to_string(x);
}

swarm::error make_error(reject_reason x, std::string detail) {
  std::string message{to_string(x)};
  if (!detail.empty())
    message += ": " + detail;
  return swarm::make_error(category_of(x), std::move(message));
}

std::optional<reject_reason> reject_reason_of(const swarm::error& err) {
  for (size_t i = 0; i < phrases.size(); ++i) {
    const auto& phrase = phrases[i];
    const auto& msg = err.message;
    // Exact phrase, or phrase followed by ": " (no phrase prefixes another).
    if (msg.compare(0, phrase.size(), phrase) == 0
        && (msg.size() == phrase.size() || msg[phrase.size()] == ':'))
      return static_cast<reject_reason>(i);
  }
  return std::nullopt;
}

} // namespace swarm::wire
