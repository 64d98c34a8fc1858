#include "idx_read_file.hpp"

#include <cerrno>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace swarm::ml::detail {

namespace {

error io_failure(const std::filesystem::path& path, const char* what) {
  return make_error(errc::io_error,
                    path.string() + ": " + what + ": " + std::strerror(errno));
}

/// Closes a file descriptor on scope exit.
struct fd_guard {
  int fd;
  ~fd_guard() {
    if (fd >= 0)
      ::close(fd);
  }
};

} // namespace

expected<std::vector<std::byte>> read_file_bytes(const std::filesystem::path& path,
                                                 size_t max_bytes) {
  fd_guard guard{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (guard.fd < 0)
    return io_failure(path, "cannot open for reading");
  struct stat st {};
  if (::fstat(guard.fd, &st) != 0)
    return io_failure(path, "cannot stat");
  // Pipes and devices have no trustworthy size; a FIFO or /dev/zero would make
  // us read forever or allocate without bound.
  if (!S_ISREG(st.st_mode))
    return make_error(errc::io_error, path.string() + ": not a regular file");
  auto size = static_cast<size_t>(st.st_size);
  if (size > max_bytes)
    return make_error(errc::invalid_argument,
                      path.string() + ": file is " + std::to_string(size)
                        + " bytes, more than the limit of "
                        + std::to_string(max_bytes));
  std::vector<std::byte> bytes(size);
  size_t done = 0;
  while (done < size) {
    auto n = ::read(guard.fd, bytes.data() + done, size - done);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return io_failure(path, "read failed");
    }
    if (n == 0)
      break; // Shrunk while we read; report what we got as the file.
    done += static_cast<size_t>(n);
  }
  bytes.resize(done);
  return bytes;
}

} // namespace swarm::ml::detail
