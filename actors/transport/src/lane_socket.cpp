#include "lane_socket.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "swarm/transport/address.hpp"

namespace swarm::transport::detail {

namespace {

error socket_error(const std::string& what) {
  return make_error(errc::io_error, what + ": " + std::strerror(errno));
}

using addrinfo_ptr = std::unique_ptr<addrinfo, decltype(&freeaddrinfo)>;

expected<addrinfo_ptr> resolve(const std::string& host, uint16_t port, int flags) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = flags | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  auto service = std::to_string(port);
  if (int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0)
    return make_error(errc::invalid_argument, "cannot resolve '" + host + "': " + gai_strerror(rc));
  return addrinfo_ptr{found, &freeaddrinfo};
}

/// A resolved address and a TCP socket of its family.
struct resolved_socket {
  addrinfo_ptr ai;
  int fd = -1;
};

expected<resolved_socket> open_for(const std::string& host, uint16_t port, int flags) {
  auto found = resolve(host, port, flags);
  if (!found)
    return found.error();
  const addrinfo& ai = **found;
  int fd = ::socket(ai.ai_family, ai.ai_socktype | SOCK_CLOEXEC, ai.ai_protocol);
  if (fd < 0)
    return socket_error("model lane: socket");
  return resolved_socket{std::move(*found), fd};
}

/// The error of the call that just failed on `fd` (errno), after closing it.
error close_failed(int fd, const std::string& what) {
  auto err = socket_error(what);
  ::close(fd);
  return err;
}

timeval to_timeval(int64_t ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms % 1000) * 1000);
  return tv;
}

} // namespace

expected<int> lane_listen(const std::string& host, uint16_t port, uint16_t& bound_port) {
  auto opened = open_for(host, port, AI_PASSIVE | AI_NUMERICHOST);
  if (!opened)
    return opened.error();
  const addrinfo& ai = *opened->ai;
  int fd = opened->fd;
  int one = 1;
  (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (::bind(fd, ai.ai_addr, ai.ai_addrlen) != 0 || ::listen(fd, 64) != 0)
    return close_failed(fd, "model lane: cannot listen on " + format_address(host, port));
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0)
    return close_failed(fd, "model lane: getsockname");
  bound_port = ss.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6&>(ss).sin6_port)
                                        : ntohs(reinterpret_cast<sockaddr_in&>(ss).sin_port);
  return fd;
}

expected<lane_dialer> lane_socket(const std::string& address, const std::string& source_host) {
  auto ep = parse_address(address);
  if (!ep)
    return ep.error();
  auto opened = open_for(ep->host, ep->port, 0);
  if (!opened)
    return opened.error();
  const addrinfo& ai = *opened->ai;
  lane_dialer d;
  d.fd = opened->fd;
  std::memcpy(&d.peer, ai.ai_addr, ai.ai_addrlen);
  d.peer_len = ai.ai_addrlen;
  if (source_host != "0.0.0.0" && source_host != "::" && !source_host.empty()) {
    auto source = resolve(source_host, 0, AI_PASSIVE | AI_NUMERICHOST);
    if (source && (*source)->ai_family == ai.ai_family
        && ::bind(d.fd, (*source)->ai_addr, (*source)->ai_addrlen) != 0)
      return close_failed(d.fd, "model lane: cannot dial from " + source_host);
  }
  return d;
}

status lane_connect(const lane_dialer& d, const std::string& address, int64_t timeout_ms) {
  // Linux bounds a blocking connect by the send timeout.
  set_io_timeouts(d.fd, timeout_ms, timeout_ms);
  if (::connect(d.fd, reinterpret_cast<const sockaddr*>(&d.peer), d.peer_len) != 0)
    return socket_error("cannot connect to " + address);
  int one = 1;
  (void)setsockopt(d.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return status::ok();
}

void set_io_timeouts(int fd, int64_t send_ms, int64_t receive_ms) {
  auto snd = to_timeval(send_ms);
  auto rcv = to_timeval(receive_ms);
  (void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &snd, sizeof(snd));
  (void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &rcv, sizeof(rcv));
}

std::string peer_of(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0)
    return "?";
  char host[INET6_ADDRSTRLEN] = {};
  uint16_t port = 0;
  if (ss.ss_family == AF_INET6) {
    const auto& in6 = reinterpret_cast<const sockaddr_in6&>(ss);
    inet_ntop(AF_INET6, &in6.sin6_addr, host, sizeof(host));
    port = ntohs(in6.sin6_port);
  } else {
    const auto& in = reinterpret_cast<const sockaddr_in&>(ss);
    inet_ntop(AF_INET, &in.sin_addr, host, sizeof(host));
    port = ntohs(in.sin_port);
  }
  return format_address(host, port);
}

void block_sigpipe() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void drop_pending_sigpipe() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  timespec zero{};
  while (sigtimedwait(&set, nullptr, &zero) == SIGPIPE) {
    // one more discarded
  }
}

} // namespace swarm::transport::detail
