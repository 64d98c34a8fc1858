#pragma once

#include <sys/socket.h>
#include <sys/un.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>

#include "swarm/common/error.hpp"

// Helpers shared by the channel and the listener sources.
namespace swarm::mlsl::detail {

/// Milliseconds on the steady clock, for deadlines.
inline long long now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

/// Returns the deadline for `timeout_ms` from now, or -1 for none.
inline long long deadline_after(int timeout_ms) {
  return timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
}

/// Returns the milliseconds left until `deadline` (>= 0), or -1 for none.
inline int remaining_ms(long long deadline) {
  if (deadline < 0)
    return -1;
  auto left = deadline - now_ms();
  return left <= 0 ? 0 : static_cast<int>(left);
}

/// Returns "<what>: <strerror(err)>".
inline std::string describe_errno(const std::string& what, int err) {
  return what + ": " + std::strerror(err);
}

/// Fills `out` with the address of the socket at `path`; fails if the path
/// does not fit into sockaddr_un (108 bytes on Linux, with the NUL).
inline status make_address(const std::filesystem::path& path, sockaddr_un& out) {
  const auto& text = path.native();
  std::memset(&out, 0, sizeof(out));
  out.sun_family = AF_UNIX;
  if (text.empty() || text.size() >= sizeof(out.sun_path))
    return make_error(errc::invalid_argument,
                      "channel socket path '" + text + "' must be 1 to "
                        + std::to_string(sizeof(out.sun_path) - 1) + " bytes long, it has "
                        + std::to_string(text.size()));
  std::memcpy(out.sun_path, text.data(), text.size());
  return {};
}

} // namespace swarm::mlsl::detail
