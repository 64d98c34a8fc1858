#pragma once
// What the channel tests share: readable failures and a connected pair.

#include <boost/test/unit_test.hpp>

#include <string>
#include <utility>

#include "swarm/mlsl/channel.hpp"

namespace channel_test {

/// "ok", or the error's text.
inline std::string why(const swarm::status& st) {
  return st ? "ok" : st.error().to_string();
}

/// "ok", or the error's text.
template <class T>
std::string why(const swarm::expected<T>& x) {
  return x ? "ok" : x.error().to_string();
}

/// Two connected ends: the ML's first, the SL's second.
inline std::pair<swarm::mlsl::ml_channel, swarm::mlsl::ml_channel> make_pair() {
  auto p = swarm::mlsl::ml_channel::pair();
  BOOST_REQUIRE_MESSAGE(bool(p), why(p));
  return std::move(*p);
}

} // namespace channel_test
