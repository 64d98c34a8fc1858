#define BOOST_TEST_MODULE transport.tcp_nodelay
#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tcp_nodelay.hpp"

// The helpers find CAF's sockets by what they are bound or connected to;
// here plain sockets stand in for CAF's.

namespace {

using namespace swarm::transport::detail;

/// A socket closed at scope exit.
struct fd_guard {
  int fd = -1;
  ~fd_guard() {
    if (fd >= 0)
      ::close(fd);
  }
};

bool nodelay(int fd) {
  int value = 0;
  socklen_t len = sizeof(value);
  BOOST_REQUIRE(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &value, &len) == 0);
  return value != 0;
}

sockaddr_in loopback(uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

/// Listens on 127.0.0.1 on an OS-chosen port; returns the port.
uint16_t listen_on(fd_guard& listener) {
  listener.fd = ::socket(AF_INET, SOCK_STREAM, 0);
  auto addr = loopback(0);
  BOOST_REQUIRE(::bind(listener.fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  BOOST_REQUIRE(::listen(listener.fd, 4) == 0);
  socklen_t len = sizeof(addr);
  BOOST_REQUIRE(::getsockname(listener.fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  return ntohs(addr.sin_port);
}

void connect_to(fd_guard& client, uint16_t port) {
  client.fd = ::socket(AF_INET, SOCK_STREAM, 0);
  auto addr = loopback(port);
  BOOST_REQUIRE(::connect(client.fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
}

} // namespace

BOOST_AUTO_TEST_CASE(a_listener_passes_nodelay_on_to_the_connections_it_accepts) {
  fd_guard listener, client, accepted;
  auto port = listen_on(listener);
  BOOST_TEST(set_nodelay_on_listener(port) == 1);
  BOOST_TEST(nodelay(listener.fd));
  connect_to(client, port);
  accepted.fd = ::accept(listener.fd, nullptr, nullptr);
  BOOST_REQUIRE(accepted.fd >= 0);
  BOOST_TEST(nodelay(accepted.fd));
  // Only the listener matched, not the client connected to its port.
  BOOST_TEST(!nodelay(client.fd));
}

BOOST_AUTO_TEST_CASE(only_connections_to_the_named_peer_get_nodelay) {
  fd_guard listener, client, accepted;
  auto port = listen_on(listener);
  connect_to(client, port);
  accepted.fd = ::accept(listener.fd, nullptr, nullptr);
  BOOST_REQUIRE(accepted.fd >= 0);
  BOOST_TEST(set_nodelay_on_connections_to("127.0.0.2", port) == 0);
  BOOST_TEST(!nodelay(client.fd));
  BOOST_TEST(set_nodelay_on_connections_to("127.0.0.1", port) == 1);
  BOOST_TEST(nodelay(client.fd));
  BOOST_TEST(!nodelay(accepted.fd));
  BOOST_TEST(!nodelay(listener.fd));
}
