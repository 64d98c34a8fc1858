#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include <google/protobuf/message_lite.h>

#include "swarm/common/error.hpp"
#include "swarm/mlsl/frame.hpp"

namespace swarm::mlsl {

/// One end of an ML<->SL channel: a connected Unix-domain stream socket
/// carrying framed swarm.mlsl messages (a Header, then the body).
///
/// Thread safety: at most one thread receives and at most one thread sends
/// at a time; `send` is serialized by an internal mutex, so several senders
/// are safe too, but two concurrent receivers are not.
///
/// Writes never raise SIGPIPE (MSG_NOSIGNAL): a peer that died is an error
/// value. Interrupted system calls are retried.
class ml_channel {
public:
  /// Takes ownership of the connected socket `fd`. `self` is this end;
  /// `where` names the channel in errors (a socket path, or empty for an
  /// in-process pair).
  ml_channel(int fd, side self, std::string where);

  /// Closes the socket.
  ~ml_channel();

  /// Takes over `other`'s socket; `other` is left closed.
  ml_channel(ml_channel&& other) noexcept;
  /// Closes this socket and takes over `other`'s.
  ml_channel& operator=(ml_channel&& other) noexcept;
  ml_channel(const ml_channel&) = delete;
  ml_channel& operator=(const ml_channel&) = delete;

  /// Connects the ML to the SL listening at `path`, retrying every 100 ms
  /// while the socket does not exist or nobody listens yet (the SL may start
  /// after the ML, as HPE's ML polls for its pipes), until `timeout_ms`
  /// passed (negative: forever). `on_wait`, if set, hears of every refused
  /// attempt (1, 2, ...) before the pause that follows it.
  static expected<ml_channel> connect(const std::filesystem::path& path, int timeout_ms,
                                      const std::function<void(int attempt)>& on_wait = {});

  /// Returns two connected ends for an SL embedded in the ML process (and
  /// tests): `first` is the ML's end, `second` the SL's.
  static expected<std::pair<ml_channel, ml_channel>> pair();

  /// Sends `body` as a message of `type`. Fails if the body exceeds
  /// `max_message_bytes` or the peer is gone ("the SL closed the channel").
  status send(MessageType type, const google::protobuf::MessageLite& body);

  /// Sends `body` with the file descriptor `fd` attached (SCM_RIGHTS; the
  /// receiver gets its own descriptor in `frame::attached_fd`). `fd` stays
  /// open here.
  status send(MessageType type, const google::protobuf::MessageLite& body, int fd);

  /// Receives the next message, waiting at most `timeout_ms` for it to
  /// begin (negative: forever; a merge round may legitimately wait for
  /// peers for hours); once begun, it is read to the end unless the peer
  /// stalls for 30 s. On failure `last_failure()` says why; after anything but a
  /// timeout the channel is unusable.
  expected<frame> receive(int timeout_ms = -1);

  /// Receives the next message and parses it as `out`, requiring `type`.
  /// A STATUS message instead is returned as an error carrying its text.
  status receive_as(MessageType type, google::protobuf::MessageLite& out,
                    int timeout_ms = -1);

  /// Returns why the last receive failed.
  failure last_failure() const noexcept {
    return failure_;
  }

  /// Returns whether the channel holds a socket.
  bool is_open() const noexcept {
    return fd_ >= 0;
  }

  /// Returns this end.
  side self() const noexcept {
    return self_;
  }

  /// Returns "at <path>" or "(in-process)", for messages.
  std::string where() const;

  /// Closes the socket; the peer's next receive reports it.
  void close() noexcept;

  /// Shuts the connection down in both directions without closing the
  /// socket: a receive blocked in another thread returns (as closed), and
  /// so does the peer's. Safe to call from any thread.
  void shutdown() noexcept;

private:
  error fail(failure kind, errc code, std::string message);
  status read_exact(char* out, size_t size, long long deadline_ms, bool started);
  ssize_t receive_some(char* out, size_t size);
  status send_all(int fd_to_attach);

  int fd_ = -1;
  side self_ = side::ml;
  std::string where_;
  failure failure_ = failure::none;
  // Behind a pointer so that the channel stays movable.
  std::unique_ptr<std::mutex> send_mutex_;
  std::string send_buffer_;
  // Descriptors that arrived with the message being read.
  std::shared_ptr<const int> received_fd_;
};

/// The SL's listening socket for its ML. Owns the socket file: removes it
/// when destroyed (if it is still the one this listener created).
class ml_listener {
public:
  /// Listens at `path`. Creates missing parent directories with mode 0700
  /// (so only this user can reach the socket), then the socket with mode
  /// 0600. Removes a stale socket left by a dead SL, but refuses a path
  /// that is not a socket or a socket someone still listens on.
  static expected<ml_listener> bind(const std::filesystem::path& path);

  /// Closes and removes the socket.
  ~ml_listener();

  /// Takes over `other`'s socket; `other` no longer removes it.
  ml_listener(ml_listener&& other) noexcept;
  /// Releases this socket and takes over `other`'s.
  ml_listener& operator=(ml_listener&& other) noexcept;
  ml_listener(const ml_listener&) = delete;
  ml_listener& operator=(const ml_listener&) = delete;

  /// Waits at most `timeout_ms` (negative: forever) for the ML to connect;
  /// returns the SL's end of the channel.
  expected<ml_channel> accept(int timeout_ms);

  /// Returns the socket path.
  const std::filesystem::path& path() const noexcept {
    return path_;
  }

private:
  ml_listener(int fd, std::filesystem::path path, unsigned long long inode);
  void release() noexcept;

  int fd_ = -1;
  std::filesystem::path path_;
  unsigned long long inode_ = 0;
};

} // namespace swarm::mlsl
