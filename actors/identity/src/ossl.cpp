#include "ossl.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>

namespace swarm::identity::ossl {

namespace {

// Identity files are a few kilobytes; even a system CA bundle is well under
// this. The bound keeps a mistaken path (a disk image, /dev/zero) from
// exhausting memory.
constexpr off_t max_file_size = 16 * 1024 * 1024;

} // namespace

std::string drain_errors(std::string_view fallback) {
  std::string result;
  while (auto code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof(buf));
    if (!result.empty())
      result += "; ";
    result += buf;
  }
  if (result.empty())
    result = fallback;
  return result;
}

void clear_errors() {
  ERR_clear_error();
}

bio_ptr memory_bio(std::string_view data) {
  return bio_ptr{BIO_new_mem_buf(data.data(), static_cast<int>(data.size()))};
}

std::string bio_contents(BIO* bio) {
  char* data = nullptr;
  auto len = BIO_get_mem_data(bio, &data);
  if (len <= 0 || data == nullptr)
    return {};
  return std::string{data, static_cast<size_t>(len)};
}

swarm::error internal_error(std::string_view what) {
  return make_error(failure::internal, std::string{what} + ": " + drain_errors());
}

std::shared_ptr<X509> adopt(x509_ptr x509) {
  return std::shared_ptr<X509>{x509.release(), X509_free};
}

expected<std::string> read_file(const std::filesystem::path& path, std::string_view what) {
  auto name = std::string{what} + " " + path.string();
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR)
      return make_error(failure::file_missing, name);
    return make_error(failure::file_unreadable, name + ": " + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode))
    return make_error(failure::file_unreadable, name + ": is a directory");
  if (!S_ISREG(st.st_mode))
    return make_error(failure::file_unreadable, name + ": not a regular file");
  if (st.st_size > max_file_size)
    return make_error(failure::file_unreadable,
                      name + ": larger than " + std::to_string(max_file_size) + " bytes");
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return make_error(failure::file_unreadable, name + ": " + std::strerror(errno));
  std::string result;
  char buf[8192];
  for (;;) {
    auto n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      auto err = errno;
      ::close(fd);
      return make_error(failure::file_unreadable, name + ": " + std::strerror(err));
    }
    if (n == 0)
      break;
    result.append(buf, static_cast<size_t>(n));
    if (result.size() > static_cast<size_t>(max_file_size)) {
      ::close(fd);
      return make_error(failure::file_unreadable, name + ": grew while being read");
    }
  }
  ::close(fd);
  return result;
}

} // namespace swarm::identity::ossl
