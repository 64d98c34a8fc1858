// The SL's saved round state: records and model slots written in place
// (round_store.hpp).

#include "swarm/sl/round_store.hpp"

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sys/uio.h>
#include <unistd.h>

#include <fcntl.h>

#include "round_store_format.hpp"
#include "swarm/merge/bundle.hpp"
#include "swarm/round_state.pb.h"
#include "swarm/wire/limits.hpp"
#include "swarm/wire/round_convert.hpp"

namespace swarm::sl {

using namespace store_format;

namespace {

// Writes all of `iov` at offset 0 of `fd`.
bool write_all(int fd, iovec* iov, int count) {
  off_t offset = 0;
  while (count > 0) {
    auto n = ::pwritev(fd, iov, count, offset);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    offset += n;
    for (auto left = static_cast<size_t>(n); left > 0 && count > 0;) {
      auto step = std::min(left, iov->iov_len);
      iov->iov_base = static_cast<char*>(iov->iov_base) + step;
      iov->iov_len -= step;
      left -= step;
      if (iov->iov_len == 0) {
        ++iov;
        --count;
      }
    }
  }
  return true;
}

int open_file(const std::filesystem::path& path) {
  return ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
}

} // namespace

std::string round_store::current_kernel_boot_id() {
  std::ifstream in{"/proc/sys/kernel/random/boot_id"};
  std::string id;
  std::getline(in, id);
  return id;
}

expected<round_store> round_store::open(const std::filesystem::path& data_dir,
                                        const std::string& contract, bool fsync,
                                        std::string kernel_boot_id) {
  if (contract.empty() || contract == "." || contract == ".."
      || contract.find('/') != std::string::npos)
    return make_error(errc::invalid_argument, "bad training contract name '" + contract + "'");
  round_store store;
  store.dir_ = data_dir / "rounds" / contract;
  store.contract_ = contract;
  store.fsync_ = fsync;
  store.kernel_boot_id_ = std::move(kernel_boot_id);
  std::error_code ec;
  std::filesystem::create_directories(store.dir_, ec);
  if (ec)
    return make_error(errc::io_error, "cannot create " + store.dir_.string() + ": " + ec.message());
  std::filesystem::permissions(store.dir_, std::filesystem::perms::owner_all, ec);
  for (size_t i = 0; i < 2; ++i) {
    auto path = store.dir_ / ("state." + std::to_string(i));
    store.state_fds_[i] = open_file(path);
    if (store.state_fds_[i] < 0)
      return io_error(path, "cannot open");
  }
  return store;
}

round_store::round_store(round_store&& other) noexcept { *this = std::move(other); }

round_store& round_store::operator=(round_store&& other) noexcept {
  if (this == &other)
    return *this;
  close_files();
  dir_ = std::move(other.dir_);
  contract_ = std::move(other.contract_);
  fsync_ = other.fsync_;
  kernel_boot_id_ = std::move(other.kernel_boot_id_);
  sequence_ = other.sequence_;
  state_fds_ = std::exchange(other.state_fds_, {-1, -1});
  model_fds_ = std::exchange(other.model_fds_, {-1, -1, -1, -1});
  slots_ = other.slots_;
  named_ = other.named_;
  return *this;
}

round_store::~round_store() { close_files(); }

void round_store::close_files() {
  for (auto& fd : state_fds_)
    if (fd >= 0)
      ::close(std::exchange(fd, -1));
  for (auto& fd : model_fds_)
    if (fd >= 0)
      ::close(std::exchange(fd, -1));
}

expected<int> round_store::model_fd(size_t slot) {
  if (model_fds_[slot] < 0) {
    auto path = dir_ / ("model." + std::to_string(slot));
    model_fds_[slot] = open_file(path);
    if (model_fds_[slot] < 0)
      return io_error(path, "cannot open");
  }
  return model_fds_[slot];
}

status round_store::clear() {
  sequence_ = 0;
  slots_ = {};
  named_ = {};
  for (size_t i = 0; i < 2; ++i)
    if (::ftruncate(state_fds_[i], 0) != 0)
      return io_error(dir_ / ("state." + std::to_string(i)), "cannot truncate");
  for (size_t i = 0; i < slot_count; ++i) {
    if (model_fds_[i] >= 0)
      ::close(std::exchange(model_fds_[i], -1));
    std::error_code ec;
    std::filesystem::remove(dir_ / ("model." + std::to_string(i)), ec);
  }
  return {};
}

expected<uint32_t> round_store::store_model(const sha256_digest& digest,
                                            const merge::tensor_bundle& model,
                                            std::array<bool, slot_count>& taken) {
  for (uint32_t i = 0; i < slot_count; ++i)
    if (slots_[i] == digest) {
      taken[i] = true;
      return i;
    }
  uint32_t slot = 0;
  while (slot < slot_count && (named_[slot] || taken[slot]))
    ++slot;
  // Two values per record, two named by the last one: one slot is free.
  assert(slot < slot_count);
  taken[slot] = true;
  if (auto st = write_model(slot, digest, model); !st)
    return st.error();
  return slot;
}

status round_store::prewrite(const sha256_digest& digest, const merge::tensor_bundle& model) {
  std::array<bool, slot_count> taken{};
  if (auto slot = store_model(digest, model, taken); !slot)
    return slot.error();
  return {};
}

status round_store::write_model(uint32_t slot, const sha256_digest& digest,
                                const merge::tensor_bundle& model) {
  auto fd = model_fd(slot);
  if (!fd)
    return fd.error();
  model_header h;
  h.count = model.values.size();
  h.digest = digest;
  iovec iov[2] = {{&h, sizeof(h)}, {const_cast<float*>(model.values.data()), model.size_bytes()}};
  slots_[slot].reset();
  auto path = dir_ / ("model." + std::to_string(slot));
  if (!write_all(*fd, iov, 2))
    return io_error(path, "cannot write");
  if (fsync_ && ::fdatasync(*fd) != 0)
    return io_error(path, "cannot sync");
  slots_[slot] = digest;
  return {};
}

status round_store::write_record(const std::string& payload) {
  record_header h;
  h.sequence = ++sequence_;
  h.length = static_cast<uint32_t>(payload.size());
  h.checksum = sha256_of(payload.data(), payload.size());
  auto index = h.sequence % 2;
  iovec iov[2] = {{&h, sizeof(h)}, {const_cast<char*>(payload.data()), payload.size()}};
  auto path = dir_ / ("state." + std::to_string(index));
  if (!write_all(state_fds_[index], iov, 2))
    return io_error(path, "cannot write");
  if (fsync_ && ::fdatasync(state_fds_[index]) != 0)
    return io_error(path, "cannot sync");
  return {};
}

status round_store::save(const std::string& self, const merge::round_hard_state& state) {
  wire::SavedRoundState out;
  out.set_self(self);
  out.set_kernel_boot_id(kernel_boot_id_);
  out.set_synced(fsync_);
  out.set_term(state.term);
  out.set_voted_for(state.voted_for);
  for (const auto& name : state.seen)
    out.add_seen(name);
  std::array<bool, slot_count> taken{};
  wire::round_encoder encoder;
  auto encode = [&](uint64_t round, const merge::round_value& v, wire::RoundMessage& msg,
                    uint32_t& slot_out) -> status {
    auto slot = store_model(v.digest, *v.model, taken);
    if (!slot)
      return slot.error();
    slot_out = *slot;
    merge::proposal_msg p{round, v.term, v.digest, v.model, v.participants, v.final, v.electors};
    msg = encoder.encode_detached(contract_, self, p).env.round();
    return {};
  };
  if (state.committed_round > 0) {
    uint32_t slot = 0;
    if (auto st = encode(state.committed_round, state.committed, *out.mutable_committed(), slot);
        !st)
      return st;
    out.set_committed_slot(slot);
    out.set_committed_leader(state.committed_leader);
  }
  if (state.accepted) {
    uint32_t slot = 0;
    if (auto st = encode(state.committed_round + 1, *state.accepted, *out.mutable_accepted(), slot);
        !st)
      return st;
    out.set_accepted_slot(slot);
  }
  if (auto st = write_record(out.SerializeAsString()); !st)
    return st;
  named_ = taken;
  return {};
}

} // namespace swarm::sl
