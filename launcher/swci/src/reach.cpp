#include "reach.hpp"

#include <cerrno>
#include <cstring>
#include <memory>

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace swarm::swci::detail {

namespace {

std::string lower_first(std::string text) {
  if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z')
    text[0] = static_cast<char>(text[0] - 'A' + 'a');
  return text;
}

// Returns the failure of one address, or "".
std::string try_address(const addrinfo& ai, std::chrono::milliseconds timeout) {
  int fd = ::socket(ai.ai_family, ai.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai.ai_protocol);
  if (fd < 0)
    return lower_first(std::strerror(errno));
  std::unique_ptr<int, void (*)(int*)> guard{&fd, [](int* p) { ::close(*p); }};
  if (::connect(fd, ai.ai_addr, ai.ai_addrlen) == 0)
    return {};
  if (errno != EINPROGRESS)
    return lower_first(std::strerror(errno));
  pollfd pfd{fd, POLLOUT, 0};
  int ready = ::poll(&pfd, 1, static_cast<int>(timeout.count()));
  if (ready == 0)
    return "timed out after " + std::to_string(timeout.count()) + " ms";
  int err = 0;
  socklen_t len = sizeof(err);
  ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
  return err == 0 ? std::string{} : lower_first(std::strerror(err));
}

} // namespace

std::string connect_failure(const std::string& host, uint16_t port,
                            std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  auto service = std::to_string(port);
  if (int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0)
    return "cannot resolve '" + host + "': " + ::gai_strerror(rc);
  std::string failure = "no address";
  for (auto* ai = found; ai != nullptr; ai = ai->ai_next) {
    failure = try_address(*ai, timeout);
    if (failure.empty())
      break;
  }
  ::freeaddrinfo(found);
  return failure;
}

} // namespace swarm::swci::detail
