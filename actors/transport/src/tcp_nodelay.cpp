#include "tcp_nodelay.hpp"

#include <string>

#if defined(__linux__)
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cstdlib>
#include <cstring>
#endif

namespace swarm::transport::detail {

#if defined(__linux__)

namespace {

/// What a socket is bound or connected to, as the kernel reports it.
struct inet_endpoint {
  /// IPv4 addresses as IPv4-mapped IPv6, so both families compare alike.
  in6_addr addr{};
  uint16_t port = 0;
};

bool to_endpoint(const sockaddr_storage& ss, inet_endpoint& out) {
  if (ss.ss_family == AF_INET) {
    const auto& in = reinterpret_cast<const sockaddr_in&>(ss);
    out.addr = in6_addr{};
    out.addr.s6_addr[10] = 0xff;
    out.addr.s6_addr[11] = 0xff;
    std::memcpy(&out.addr.s6_addr[12], &in.sin_addr, 4);
    out.port = ntohs(in.sin_port);
    return true;
  }
  if (ss.ss_family == AF_INET6) {
    const auto& in6 = reinterpret_cast<const sockaddr_in6&>(ss);
    out.addr = in6.sin6_addr;
    out.port = ntohs(in6.sin6_port);
    return true;
  }
  return false;
}

/// Parses a numeric address into the same form; false for a name.
bool parse_numeric(std::string_view host, in6_addr& out) {
  std::string text{host};
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    out = in6_addr{};
    out.s6_addr[10] = 0xff;
    out.s6_addr[11] = 0xff;
    std::memcpy(&out.s6_addr[12], &v4, 4);
    return true;
  }
  return inet_pton(AF_INET6, text.c_str(), &out) == 1;
}

int int_option(int fd, int level, int name) {
  int value = -1;
  socklen_t len = sizeof(value);
  if (getsockopt(fd, level, name, &value, &len) != 0)
    return -1;
  return value;
}

bool is_tcp(int fd) {
  int domain = int_option(fd, SOL_SOCKET, SO_DOMAIN);
  return (domain == AF_INET || domain == AF_INET6)
         && int_option(fd, SOL_SOCKET, SO_TYPE) == SOCK_STREAM
         && int_option(fd, SOL_SOCKET, SO_PROTOCOL) == IPPROTO_TCP;
}

/// Calls `fn(fd)` for every TCP socket of this process; returns how many
/// calls returned true.
template <class F>
int for_each_tcp_socket(F fn) {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr)
    return 0;
  int changed = 0;
  int own = dirfd(dir);
  while (auto* entry = readdir(dir)) {
    char* end = nullptr;
    long fd = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || fd == own)
      continue;
    if (is_tcp(static_cast<int>(fd)) && fn(static_cast<int>(fd)))
      ++changed;
  }
  closedir(dir);
  return changed;
}

bool set_nodelay(int fd) {
  int one = 1;
  return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0;
}

} // namespace

int set_nodelay_on_listener(uint16_t port) noexcept {
  return for_each_tcp_socket([port](int fd) {
    if (int_option(fd, SOL_SOCKET, SO_ACCEPTCONN) != 1)
      return false;
    sockaddr_storage ss{};
    socklen_t len = sizeof(ss);
    inet_endpoint local;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0 || !to_endpoint(ss, local)
        || local.port != port)
      return false;
    return set_nodelay(fd);
  });
}

int set_nodelay_on_connections_to(std::string_view host, uint16_t port) noexcept {
  in6_addr wanted{};
  bool any_address = !parse_numeric(host, wanted);
  return for_each_tcp_socket([&](int fd) {
    sockaddr_storage ss{};
    socklen_t len = sizeof(ss);
    inet_endpoint peer;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0 || !to_endpoint(ss, peer)
        || peer.port != port)
      return false;
    if (!any_address && std::memcmp(&peer.addr, &wanted, sizeof(wanted)) != 0)
      return false;
    return set_nodelay(fd);
  });
}

#else

int set_nodelay_on_listener(uint16_t) noexcept {
  return 0;
}

int set_nodelay_on_connections_to(std::string_view, uint16_t) noexcept {
  return 0;
}

#endif

} // namespace swarm::transport::detail
