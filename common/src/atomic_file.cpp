#include "swarm/common/atomic_file.hpp"

#include <cerrno>
#include <cstring>
#include <random>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace swarm {

namespace {

error io_failure(const std::filesystem::path& path, const char* what) {
  return make_error(errc::io_error, path.string() + ": " + what + ": "
                                      + std::strerror(errno));
}

bool write_all(int fd, const void* data, size_t size) {
  auto* ptr = static_cast<const char*>(data);
  while (size > 0) {
    auto n = ::write(fd, ptr, size);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return false;
    }
    ptr += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

void fsync_directory(const std::filesystem::path& dir) {
  int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

} // namespace

status write_file_atomically(const std::filesystem::path& path,
                             const std::function<bool(const byte_sink&)>& write,
                             unsigned mode) {
  auto dir = path.parent_path();
  std::random_device rd;
  auto tmp = path;
  tmp += ".tmp." + std::to_string(::getpid()) + "." + std::to_string(rd());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0)
    return io_failure(tmp, "cannot create temporary file");
  // The umask may have dropped bits; set exactly what the caller asked for.
  ::fchmod(fd, mode);
  bool write_ok = true;
  byte_sink sink = [&](const void* data, size_t size) {
    write_ok = write_ok && write_all(fd, data, size);
    return write_ok;
  };
  bool producer_ok = write(sink);
  auto fail = [&](error err) -> status {
    ::close(fd);
    ::unlink(tmp.c_str());
    return err;
  };
  if (!write_ok)
    return fail(io_failure(tmp, "write failed"));
  if (!producer_ok)
    return fail(make_error(errc::io_error, path.string()
                                             + ": writer aborted; file left unchanged"));
  if (::fsync(fd) != 0)
    return fail(io_failure(tmp, "fsync failed"));
  if (::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return io_failure(tmp, "close failed");
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    auto err = io_failure(path, "rename failed");
    ::unlink(tmp.c_str());
    return err;
  }
  fsync_directory(dir);
  return status::ok();
}

status write_file_atomically(const std::filesystem::path& path,
                             std::span<const std::byte> bytes, unsigned mode) {
  return write_file_atomically(
    path, [&](const byte_sink& sink) { return sink(bytes.data(), bytes.size()); },
    mode);
}

} // namespace swarm
