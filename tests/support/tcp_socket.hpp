#pragma once
// A plain TCP client for tests that must go below TLS or HTTP libraries:
// speak plaintext to a TLS port, hold a connection open, or hand the
// descriptor to OpenSSL directly.

#include <cerrno>
#include <cstdint>
#include <stdexcept>
#include <string>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace swarm::test {

/// A connected TCP socket with 5 s send and receive timeouts, closed on
/// destruction.
class tcp_socket {
public:
  /// Connects to `host:port` (IPv4); throws if the connection fails.
  tcp_socket(const std::string& host, uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      ::close(fd_);
      throw std::runtime_error("cannot connect to " + host + ":" + std::to_string(port));
    }
    timeval tv{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  }

  ~tcp_socket() { ::close(fd_); }

  tcp_socket(const tcp_socket&) = delete;
  tcp_socket& operator=(const tcp_socket&) = delete;

  /// Returns the descriptor.
  int fd() const { return fd_; }

  /// Sends all of `text` (ignoring failures: the peer may have hung up).
  void send_all(const std::string& text) { ::send(fd_, text.data(), text.size(), MSG_NOSIGNAL); }

  /// Reads until the peer closes or 5 s pass without data; returns what
  /// arrived and sets `closed` if the peer closed (rather than timed out).
  std::string read_until_closed(bool& closed) {
    std::string out;
    char buf[4096];
    for (;;) {
      auto n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n > 0) {
        out.append(buf, static_cast<size_t>(n));
        continue;
      }
      closed = n == 0 || errno == ECONNRESET;
      return out;
    }
  }

private:
  int fd_ = -1;
};

} // namespace swarm::test
