// Loading the SL's saved round state: the newest intact record and the
// models it names, each checked against its digest (round_store.hpp).

#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "round_store_format.hpp"
#include "swarm/merge/bundle.hpp"
#include "swarm/round_state.pb.h"
#include "swarm/sl/round_store.hpp"
#include "swarm/wire/limits.hpp"
#include "swarm/wire/round_convert.hpp"

namespace swarm::sl {

using namespace store_format;

namespace {

// Reads exactly `size` bytes at `offset`; false at a short file or error.
bool read_exact(int fd, void* out, size_t size, off_t offset) {
  auto* p = static_cast<char*>(out);
  while (size > 0) {
    auto n = ::pread(fd, p, size, offset);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    p += n;
    size -= static_cast<size_t>(n);
    offset += n;
  }
  return true;
}

// The newest intact record of the files at `paths`, if any.
std::optional<std::pair<record_header, std::string>> newest_record(const std::array<int, 2>& fds) {
  std::optional<std::pair<record_header, std::string>> best;
  for (int fd : fds) {
    record_header h;
    if (!read_exact(fd, &h, sizeof(h), 0) || h.magic != record_magic || h.version != format_version
        || h.length > wire::max_model_bytes)
      continue;
    std::string payload(h.length, '\0');
    if (!read_exact(fd, payload.data(), payload.size(), sizeof(h))
        || sha256_of(payload.data(), payload.size()) != h.checksum)
      continue;
    if (!best || h.sequence > best->first.sequence)
      best.emplace(h, std::move(payload));
  }
  return best;
}

} // namespace

expected<std::vector<float>> round_store::read_model(uint32_t slot, const sha256_digest& digest) {
  auto path = dir_ / ("model." + std::to_string(slot));
  if (slot >= slot_count)
    return make_error(errc::corrupt_data, "a record names model slot " + std::to_string(slot));
  auto fd = model_fd(slot);
  if (!fd)
    return fd.error();
  model_header h;
  if (!read_exact(*fd, &h, sizeof(h), 0) || h.magic != model_magic || h.version != format_version
      || h.count > wire::max_model_bytes / sizeof(float))
    return make_error(errc::corrupt_data, path.string() + " is not a saved model");
  if (h.digest != digest)
    return make_error(errc::checksum_mismatch,
                      path.string() + " holds model " + to_hex(h.digest).substr(0, 12)
                        + ", the record names " + to_hex(digest).substr(0, 12));
  std::vector<float> values(h.count);
  if (!read_exact(*fd, values.data(), values.size() * sizeof(float), sizeof(h)))
    return make_error(errc::corrupt_data, path.string() + " is cut short");
  return values;
}

expected<std::pair<uint64_t, merge::round_value>>
round_store::load_value(const wire::RoundMessage& msg, uint32_t slot) {
  auto where = dir_.string();
  if (!msg.has_proposal() || msg.proposal().digest().size() != 32)
    return make_error(errc::corrupt_data, where + ": a saved value is not a proposal");
  sha256_digest digest{};
  std::memcpy(digest.data(), msg.proposal().digest().data(), digest.size());
  auto values = read_model(slot, digest);
  if (!values)
    return values.error();
  wire::received_values attached{std::move(*values)};
  auto decoded = wire::round_from_wire(msg, where, &attached);
  if (!decoded)
    return decoded.error();
  const auto* p = std::get_if<merge::proposal_msg>(&*decoded);
  if (p == nullptr || !p->model || merge::digest(*p->model) != p->digest)
    return make_error(errc::checksum_mismatch,
                      where + ": model." + std::to_string(slot) + " does not match its digest");
  slots_[slot] = p->digest;
  named_[slot] = true;
  return std::pair{p->round, merge::round_value{p->term, p->digest, p->model, p->participants,
                                                p->final, p->electors}};
}

expected<std::optional<round_store::saved>> round_store::load() {
  auto record = newest_record(state_fds_);
  if (!record) {
    struct stat a {
    }, b{};
    if (::fstat(state_fds_[0], &a) == 0 && ::fstat(state_fds_[1], &b) == 0 && a.st_size == 0
        && b.st_size == 0)
      return std::optional<saved>{};
    return make_error(errc::corrupt_data,
                      dir_.string() + ": neither state.0 nor state.1 holds an intact record");
  }
  wire::SavedRoundState in;
  if (!in.ParseFromString(record->second))
    return make_error(errc::corrupt_data, dir_.string() + ": the newest record does not parse");
  sequence_ = record->first.sequence;
  if (!in.synced() && in.kernel_boot_id() != kernel_boot_id_)
    return make_error(errc::invalid_argument,
                      dir_.string() + " was saved before this host restarted (kernel boot id "
                        + in.kernel_boot_id() + ", now " + kernel_boot_id_
                        + ") and not fsynced (SL_FSYNC_ROUND_STATE): it may lack the last "
                          "votes");
  saved out;
  out.self = in.self();
  auto& st = out.state;
  st.term = in.term();
  st.voted_for = in.voted_for();
  st.seen.assign(in.seen().begin(), in.seen().end());
  if (in.has_committed()) {
    auto value = load_value(in.committed(), in.committed_slot());
    if (!value)
      return value.error();
    st.committed_round = value->first;
    st.committed = std::move(value->second);
    st.committed_leader = in.committed_leader();
  }
  if (in.has_accepted()) {
    auto value = load_value(in.accepted(), in.accepted_slot());
    if (!value)
      return value.error();
    if (value->first != st.committed_round + 1)
      return make_error(errc::corrupt_data, dir_.string() + ": the accepted value is of round "
                                              + std::to_string(value->first) + ", not "
                                              + std::to_string(st.committed_round + 1));
    st.accepted = std::move(value->second);
  }
  return std::optional<saved>{std::move(out)};
}

} // namespace swarm::sl
