#include "swarm/mlsl/channel.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "mlsl_socket.hpp"

namespace swarm::mlsl {

using detail::deadline_after;
using detail::describe_errno;
using detail::remaining_ms;

namespace {

/// How often `connect` looks for the SL's socket again.
constexpr auto connect_retry = std::chrono::milliseconds{100};

/// Send buffers above this are released after use, so one large model does
/// not pin its size in memory between syncs.
constexpr size_t keep_send_buffer_bytes = size_t{64} << 20;

/// The send buffer asked of the kernel for each channel.
constexpr size_t socket_buffer_bytes = size_t{4} << 20;

/// Once a message has begun, how long a receive waits for each further
/// byte, whatever the caller's timeout: that timeout bounds the wait for a
/// message to begin (the SL polls with a short one to notice shutdowns),
/// and a large model straddling it is not a stall.
constexpr int mid_message_stall_ms = 30'000;

} // namespace

ml_channel::ml_channel(int fd, side self, std::string where)
  : fd_(fd), self_(self), where_(std::move(where)),
    send_mutex_(std::make_unique<std::mutex>()) {
  if (fd_ >= 0) {
    // A whole MNIST model fits in the socket then: the sender writes it in
    // one go instead of waking the reader every 200 KB (the kernel caps
    // the size at net.core.wmem_max, which is fine too).
    int bytes = static_cast<int>(socket_buffer_bytes);
    (void) ::setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof(bytes));
  }
}

ml_channel::~ml_channel() {
  close();
}

ml_channel::ml_channel(ml_channel&& other) noexcept
  : fd_(std::exchange(other.fd_, -1)), self_(other.self_), where_(std::move(other.where_)),
    failure_(other.failure_), send_mutex_(std::move(other.send_mutex_)),
    send_buffer_(std::move(other.send_buffer_)) {
  // nop
}

ml_channel& ml_channel::operator=(ml_channel&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    self_ = other.self_;
    where_ = std::move(other.where_);
    failure_ = other.failure_;
    send_mutex_ = std::move(other.send_mutex_);
    send_buffer_ = std::move(other.send_buffer_);
  }
  return *this;
}

void ml_channel::close() noexcept {
  if (fd_ >= 0)
    ::close(std::exchange(fd_, -1));
}

void ml_channel::shutdown() noexcept {
  if (fd_ >= 0)
    ::shutdown(fd_, SHUT_RDWR);
}

std::string ml_channel::where() const {
  return where_.empty() ? "(in-process)" : "at " + where_;
}

expected<ml_channel> ml_channel::connect(const std::filesystem::path& path, int timeout_ms,
                                         const std::function<void(int attempt)>& on_wait) {
  sockaddr_un addr;
  if (auto st = detail::make_address(path, addr); !st)
    return st.error();
  auto deadline = deadline_after(timeout_ms);
  for (int attempt = 1;; ++attempt) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
      return make_error(errc::io_error, describe_errno("cannot create a socket", errno));
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0)
      return ml_channel{fd, side::ml, path.native()};
    int err = errno;
    ::close(fd);
    // Not there yet, or not listening yet: the SL is still starting.
    bool retry = err == ENOENT || err == ECONNREFUSED || err == EINTR || err == EAGAIN;
    if (!retry)
      return make_error(errc::io_error,
                        describe_errno("cannot connect to the SL at " + path.native(), err));
    if (deadline >= 0 && remaining_ms(deadline) == 0)
      return make_error(errc::io_error, "no SL is listening at " + path.native() + " after "
                                          + std::to_string(timeout_ms) + " ms (is "
                                          + channel_env_var + " right and the SL running?)");
    if (on_wait)
      on_wait(attempt);
    std::this_thread::sleep_for(connect_retry);
  }
}

expected<std::pair<ml_channel, ml_channel>> ml_channel::pair() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    return make_error(errc::io_error, describe_errno("cannot create a socket pair", errno));
  return std::pair<ml_channel, ml_channel>{ml_channel{fds[0], side::ml, {}},
                                           ml_channel{fds[1], side::sl, {}}};
}

error ml_channel::fail(failure kind, errc code, std::string message) {
  failure_ = kind;
  return make_error(code, std::move(message));
}

status ml_channel::send(MessageType type, const google::protobuf::MessageLite& body) {
  return send(type, body, -1);
}

status ml_channel::send(MessageType type, const google::protobuf::MessageLite& body, int fd) {
  std::lock_guard guard{*send_mutex_};
  auto peer = std::string{to_string(other(self_))};
  if (fd_ < 0)
    return make_error(errc::io_error, "the channel to the " + peer + " is closed");
  auto size = body.ByteSizeLong();
  if (size > max_message_bytes)
    return make_error(errc::invalid_argument,
                      type_name(type) + " of " + std::to_string(size) + " bytes, at most "
                        + std::to_string(max_message_bytes));
  send_buffer_.resize(header_bytes + size);
  encode_header(type, static_cast<uint32_t>(size), send_buffer_.data());
  body.SerializeWithCachedSizesToArray(
    reinterpret_cast<uint8_t*>(send_buffer_.data() + header_bytes));
  auto result = send_all(fd);
  if (send_buffer_.capacity() > keep_send_buffer_bytes)
    std::string{}.swap(send_buffer_);
  return result;
}

status ml_channel::send_all(int fd_to_attach) {
  auto peer = std::string{to_string(other(self_))};
  for (size_t sent = 0; sent < send_buffer_.size();) {
    iovec data{send_buffer_.data() + sent, send_buffer_.size() - sent};
    msghdr msg{};
    msg.msg_iov = &data;
    msg.msg_iovlen = 1;
    // The descriptor rides on the message's first byte.
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    if (sent == 0 && fd_to_attach >= 0) {
      msg.msg_control = control;
      msg.msg_controllen = sizeof(control);
      auto* c = CMSG_FIRSTHDR(&msg);
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN(sizeof(int));
      std::memcpy(CMSG_DATA(c), &fd_to_attach, sizeof(int));
    }
    auto n = ::sendmsg(fd_, &msg, MSG_NOSIGNAL);
    if (n >= 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (errno == EINTR)
      continue;
    return errno == EPIPE || errno == ECONNRESET
             ? make_error(errc::io_error, "the " + peer + " closed the channel " + where())
             : make_error(errc::io_error,
                          describe_errno("cannot send to the " + peer + " " + where(), errno));
  }
  return {};
}

ssize_t ml_channel::receive_some(char* out, size_t size) {
  iovec data{out, size};
  msghdr msg{};
  msg.msg_iov = &data;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(4 * sizeof(int))];
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  auto n = ::recvmsg(fd_, &msg, MSG_CMSG_CLOEXEC);
  if (n <= 0 || msg.msg_controllen == 0)
    return n;
  for (auto* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
      continue;
    auto count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; ++i) {
      int fd = -1;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
      // One descriptor per message is kept; any other is closed at once.
      auto owned = std::shared_ptr<const int>(new int{fd}, [](const int* x) {
        ::close(*x);
        delete x;
      });
      if (!received_fd_)
        received_fd_ = std::move(owned);
    }
  }
  return n;
}

status ml_channel::read_exact(char* out, size_t size, long long deadline, bool started) {
  auto peer = std::string{to_string(other(self_))};
  for (size_t got = 0; got < size;) {
    if (deadline >= 0) {
      bool inside = started || got > 0;
      pollfd p{fd_, POLLIN, 0};
      int ready = ::poll(&p, 1, inside ? mid_message_stall_ms : remaining_ms(deadline));
      if (ready < 0 && errno == EINTR)
        continue;
      if (ready < 0)
        return fail(failure::io, errc::io_error,
                    describe_errno("cannot wait for the " + peer + " " + where(), errno));
      // A timeout between messages is harmless; inside one, the stream
      // lost its framing and the channel cannot be used any more.
      if (ready == 0 && inside)
        return fail(failure::io, errc::io_error,
                    "the " + peer + " stalled in the middle of a message " + where());
      if (ready == 0)
        return fail(failure::timeout, errc::io_error,
                    "no message from the " + peer + " " + where() + " within the timeout");
    }
    auto n = receive_some(out + got, size - got);
    if (n > 0) {
      got += static_cast<size_t>(n);
    } else if (n == 0) {
      bool partial = started || got > 0;
      return fail(failure::closed, errc::io_error,
                  "the " + peer + " closed the channel " + where()
                    + (partial ? " in the middle of a message" : ""));
    } else if (errno != EINTR) {
      auto err = errno;
      return fail(err == ECONNRESET ? failure::closed : failure::io, errc::io_error,
                  err == ECONNRESET ? "the " + peer + " closed the channel " + where()
                                    : describe_errno("cannot receive from the " + peer + " "
                                                       + where(),
                                                     err));
    }
  }
  return {};
}

expected<frame> ml_channel::receive(int timeout_ms) {
  if (fd_ < 0)
    return fail(failure::closed, errc::io_error,
                "the channel to the " + std::string{to_string(other(self_))} + " is closed");
  failure_ = failure::none;
  received_fd_.reset();
  auto deadline = deadline_after(timeout_ms);
  char head[header_bytes];
  if (auto st = read_exact(head, header_bytes, deadline, false); !st)
    return st.error();
  auto fields = decode_header({head, header_bytes}, other(self_), failure_);
  if (!fields)
    return fields.error();
  frame result;
  result.type = fields->type;
  result.body.resize(fields->size);
  if (auto st = read_exact(result.body.data(), fields->size, deadline, true); !st)
    return st.error();
  result.attached_fd = std::move(received_fd_);
  return result;
}

status ml_channel::receive_as(MessageType type, google::protobuf::MessageLite& out,
                              int timeout_ms) {
  auto got = receive(timeout_ms);
  if (!got)
    return got.error();
  auto peer = std::string{to_string(other(self_))};
  if (got->type == STATUS) {
    Status reported;
    if (auto st = parse_body(*got, reported); !st)
      return st;
    return make_error(errc::invalid_argument, "the " + peer + " reported an error ("
                                                + Status::Code_Name(reported.code())
                                                + "): " + reported.message());
  }
  if (got->type != type)
    return make_error(errc::parse_error, "expected " + type_name(type) + " from the " + peer
                                           + ", got " + type_name(got->type));
  return parse_body(*got, out);
}

} // namespace swarm::mlsl
