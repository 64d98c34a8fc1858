#include "swarm/mlsl/channel.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "mlsl_socket.hpp"

namespace swarm::mlsl {

using detail::describe_errno;

namespace {

/// Creates the missing directories above `path` with mode 0700.
status make_parents(const std::filesystem::path& path) {
  auto parent = path.parent_path();
  if (parent.empty())
    return {};
  std::error_code ec;
  if (std::filesystem::is_directory(parent, ec))
    return {};
  if (auto st = make_parents(parent); !st)
    return st;
  if (::mkdir(parent.c_str(), 0700) != 0 && errno != EEXIST)
    return make_error(errc::io_error,
                      describe_errno("cannot create the channel directory " + parent.native(),
                                     errno));
  return {};
}

/// Makes room for a socket at `path`: nothing there is fine, a stale socket
/// (nobody accepts on it) is removed, anything else is refused.
status clear_path(const std::filesystem::path& path, const sockaddr_un& addr) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0)
    return errno == ENOENT ? status{}
                           : make_error(errc::io_error,
                                        describe_errno("cannot inspect " + path.native(), errno));
  if (!S_ISSOCK(st.st_mode))
    return make_error(errc::invalid_argument, "refusing to replace " + path.native()
                                                + " with the channel socket: it exists and "
                                                  "is not a socket");
  int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (probe < 0)
    return make_error(errc::io_error, describe_errno("cannot create a socket", errno));
  bool alive = ::connect(probe, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(probe);
  if (alive)
    return make_error(errc::invalid_argument,
                      "another SL is listening at " + path.native() + " already");
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    return make_error(errc::io_error,
                      describe_errno("cannot remove the stale socket " + path.native(), errno));
  return {};
}

} // namespace

ml_listener::ml_listener(int fd, std::filesystem::path path, unsigned long long inode)
  : fd_(fd), path_(std::move(path)), inode_(inode) {
  // nop
}

ml_listener::~ml_listener() {
  release();
}

ml_listener::ml_listener(ml_listener&& other) noexcept
  : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)), inode_(other.inode_) {
  // nop
}

ml_listener& ml_listener::operator=(ml_listener&& other) noexcept {
  if (this != &other) {
    release();
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
    inode_ = other.inode_;
  }
  return *this;
}

void ml_listener::release() noexcept {
  if (fd_ < 0)
    return;
  ::close(std::exchange(fd_, -1));
  // Remove the file only if it is still ours: a newer SL may have replaced
  // a socket it took for stale.
  struct stat st;
  if (::lstat(path_.c_str(), &st) == 0 && S_ISSOCK(st.st_mode) && st.st_ino == inode_)
    ::unlink(path_.c_str());
}

expected<ml_listener> ml_listener::bind(const std::filesystem::path& path) {
  sockaddr_un addr;
  if (auto st = detail::make_address(path, addr); !st)
    return st.error();
  if (auto st = make_parents(path); !st)
    return st.error();
  if (auto st = clear_path(path, addr); !st)
    return st.error();
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return make_error(errc::io_error, describe_errno("cannot create a socket", errno));
  auto failed = [&](const std::string& what) {
    auto err = errno;
    ::close(fd);
    return make_error(errc::io_error, describe_errno(what + " " + path.native(), err));
  };
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0)
    return failed("cannot bind the channel socket");
  // bind honours the umask; the mode is set right after. In between, the
  // 0700 directory (when we created it) keeps other users out.
  struct stat st;
  if (::chmod(path.c_str(), 0600) != 0 || ::lstat(path.c_str(), &st) != 0) {
    auto result = failed("cannot restrict the channel socket");
    ::unlink(path.c_str());
    return result;
  }
  if (::listen(fd, 4) != 0) {
    auto result = failed("cannot listen on the channel socket");
    ::unlink(path.c_str());
    return result;
  }
  return ml_listener{fd, path, static_cast<unsigned long long>(st.st_ino)};
}

expected<ml_channel> ml_listener::accept(int timeout_ms) {
  if (fd_ < 0)
    return make_error(errc::io_error, "the channel listener is closed");
  auto deadline = detail::deadline_after(timeout_ms);
  for (;;) {
    pollfd p{fd_, POLLIN, 0};
    int ready = ::poll(&p, 1, detail::remaining_ms(deadline));
    if (ready < 0 && errno == EINTR)
      continue;
    if (ready < 0)
      return make_error(errc::io_error,
                        describe_errno("cannot wait for the ML at " + path_.native(), errno));
    if (ready == 0)
      return make_error(errc::io_error, "no ML connected to " + path_.native() + " within "
                                          + std::to_string(timeout_ms) + " ms");
    int fd = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd >= 0)
      return ml_channel{fd, side::sl, path_.native()};
    // The client may have given up between poll and accept; wait again.
    if (errno != EINTR && errno != ECONNABORTED && errno != EAGAIN)
      return make_error(errc::io_error,
                        describe_errno("cannot accept the ML at " + path_.native(), errno));
  }
}

} // namespace swarm::mlsl
