#include "swarm/mlsl/shared_weights.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "swarm/wire/limits.hpp"

namespace swarm::mlsl {

namespace {

constexpr int required_seals = F_SEAL_SHRINK | F_SEAL_GROW;

error sys_error(const std::string& what, int err) {
  return make_error(errc::io_error, what + ": " + std::strerror(err));
}

expected<char*> map(int fd, size_t bytes) {
  void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED)
    return sys_error("cannot map the shared weights region", errno);
  return static_cast<char*>(p);
}

} // namespace

expected<shared_weights> shared_weights::create(size_t model_bytes) {
  if (model_bytes == 0 || model_bytes > wire::max_model_bytes)
    return make_error(errc::invalid_argument,
                      "no shared weights region for a model of " + std::to_string(model_bytes)
                        + " bytes");
  int fd = ::memfd_create("swarm-weights", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0)
    return sys_error("cannot create the shared weights region", errno);
  auto bytes = 2 * model_bytes;
  if (::ftruncate(fd, static_cast<off_t>(bytes)) != 0
      || ::fcntl(fd, F_ADD_SEALS, required_seals | F_SEAL_SEAL) != 0) {
    auto err = errno;
    ::close(fd);
    return sys_error("cannot size and seal the shared weights region", err);
  }
  auto base = map(fd, bytes);
  if (!base) {
    ::close(fd);
    return base.error();
  }
  return shared_weights{*base, model_bytes, fd};
}

expected<shared_weights> shared_weights::adopt(int fd, uint64_t region_bytes) {
  if (region_bytes == 0 || region_bytes % 2 != 0 || region_bytes / 2 > wire::max_model_bytes)
    return make_error(errc::invalid_argument,
                      "a shared weights region of " + std::to_string(region_bytes)
                        + " bytes (two equal halves of at most "
                        + std::to_string(wire::max_model_bytes) + " expected)");
  int seals = ::fcntl(fd, F_GET_SEALS);
  if (seals < 0 || (seals & required_seals) != required_seals)
    return make_error(errc::invalid_argument,
                      "the shared weights region is not sealed against resizing");
  struct stat st {};
  if (::fstat(fd, &st) != 0)
    return sys_error("cannot inspect the shared weights region", errno);
  if (static_cast<uint64_t>(st.st_size) < region_bytes)
    return make_error(errc::invalid_argument,
                      "the shared weights region has " + std::to_string(st.st_size)
                        + " bytes, not the " + std::to_string(region_bytes) + " announced");
  auto base = map(fd, region_bytes);
  if (!base)
    return base.error();
  return shared_weights{*base, static_cast<size_t>(region_bytes / 2), -1};
}

shared_weights::~shared_weights() {
  release();
}

shared_weights::shared_weights(shared_weights&& other) noexcept
  : base_(std::exchange(other.base_, nullptr)), half_bytes_(std::exchange(other.half_bytes_, 0)),
    fd_(std::exchange(other.fd_, -1)) {
}

shared_weights& shared_weights::operator=(shared_weights&& other) noexcept {
  if (this != &other) {
    release();
    base_ = std::exchange(other.base_, nullptr);
    half_bytes_ = std::exchange(other.half_bytes_, 0);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

void shared_weights::release() noexcept {
  if (base_ != nullptr)
    ::munmap(base_, 2 * half_bytes_);
  if (fd_ >= 0)
    ::close(fd_);
  base_ = nullptr;
  fd_ = -1;
}

} // namespace swarm::mlsl
