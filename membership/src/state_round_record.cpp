#include "swarm/membership/state_round_record.hpp"

#include <bit>
#include <cmath>
#include <cstdio>
#include <set>

#include "record_fields.hpp"

namespace swarm::membership {

namespace {

// Smallest encoded participant: 1-byte name (2 bytes with its length),
// weight 8, samples 1, loss 4, metric 4, two epoch varints 1 each, done 1.
constexpr size_t min_participant_bytes = 22;

// Renders "contract 'x' round 7" for error messages; names are truncated
// because they come from the network.
std::string where(const round_record& x) {
  return "contract '" + x.contract.substr(0, 64) + "' round " + std::to_string(x.round);
}

status check_text(std::string_view what, const std::string& text) {
  if (text.empty())
    return make_error(errc::invalid_argument, std::string{what} + " is empty");
  if (text.size() > round_record_max_text_bytes)
    return make_error(errc::invalid_argument,
                      std::string{what} + " has " + std::to_string(text.size())
                        + " bytes, the limit is "
                        + std::to_string(round_record_max_text_bytes));
  return status::ok();
}

sha256_digest read_digest(byte_reader& in) {
  sha256_digest result{};
  auto bytes = in.raw(result.size());
  for (size_t i = 0; i < bytes.size(); ++i)
    result[i] = std::to_integer<uint8_t>(bytes[i]);
  return result;
}

void write_participant(byte_writer& out, const round_participant& x) {
  out.string(x.name);
  out.u64(std::bit_cast<uint64_t>(x.weight));
  out.varint(x.samples);
  out.u32(std::bit_cast<uint32_t>(x.loss));
  out.u32(std::bit_cast<uint32_t>(x.metric));
  out.varint(x.epochs_done);
  out.varint(x.total_epochs);
  out.u8(x.done ? 1 : 0);
}

round_participant read_participant(byte_reader& in) {
  round_participant x;
  x.name = in.string("participant name", round_record_max_text_bytes);
  x.weight = std::bit_cast<double>(in.u64());
  x.samples = in.varint();
  x.loss = std::bit_cast<float>(in.u32());
  x.metric = std::bit_cast<float>(in.u32());
  x.epochs_done = detail::read_u32(in, "epochs_done");
  x.total_epochs = detail::read_u32(in, "total_epochs");
  x.done = detail::read_bool(in, "done");
  return x;
}

} // namespace

std::string round_record::key() const {
  char digits[24];
  std::snprintf(digits, sizeof(digits), "%020llu", static_cast<unsigned long long>(round));
  return contract + "/" + digits;
}

status round_record::check() const {
  if (auto st = check_text("contract", contract); !st)
    return st;
  if (round == 0)
    return make_error(errc::invalid_argument, where(*this) + ": rounds start at 1");
  if (auto st = check_text("leader", leader); !st)
    return make_error(st.error().code, where(*this) + ": " + st.error().message);
  if (auto st = check_text("merge method", merge_method); !st)
    return make_error(st.error().code, where(*this) + ": " + st.error().message);
  if (participants.empty() || participants.size() > round_record_max_participants)
    return make_error(errc::invalid_argument,
                      where(*this) + ": " + std::to_string(participants.size())
                        + " participants, expected 1 to "
                        + std::to_string(round_record_max_participants));
  std::set<std::string_view> names;
  for (const auto& p : participants) {
    if (auto st = check_text("participant name", p.name); !st)
      return make_error(st.error().code, where(*this) + ": " + st.error().message);
    if (!names.insert(p.name).second)
      return make_error(errc::invalid_argument,
                        where(*this) + ": participant '" + p.name.substr(0, 64)
                          + "' appears twice");
    if (!std::isfinite(p.weight) || p.weight < 0.0)
      return make_error(errc::invalid_argument,
                        where(*this) + ": participant '" + p.name.substr(0, 64)
                          + "' has weight " + std::to_string(p.weight)
                          + ", expected a finite value >= 0");
  }
  return status::ok();
}

void round_record::encode(byte_writer& out) const {
  out.u8(format_version);
  out.string(contract);
  out.varint(round);
  out.varint(term);
  out.string(leader);
  out.string(merge_method);
  out.varint(participants.size());
  for (const auto& p : participants)
    write_participant(out, p);
  out.raw(std::as_bytes(std::span{merged_digest}));
  out.raw(std::as_bytes(std::span{prev_hash}));
  out.u8(final ? 1 : 0);
  out.varint(committed_ms);
}

expected<round_record> round_record::decode(std::span<const std::byte> bytes) {
  byte_reader in{bytes};
  round_record x;
  auto version = detail::read_version(in);
  x.contract = in.string("contract", round_record_max_text_bytes);
  x.round = in.varint();
  x.term = in.varint();
  x.leader = in.string("leader", round_record_max_text_bytes);
  x.merge_method = in.string("merge method", round_record_max_text_bytes);
  auto n = in.count("participant", min_participant_bytes);
  if (in.ok() && n > round_record_max_participants)
    in.fail(std::to_string(n) + " participants, the limit is "
            + std::to_string(round_record_max_participants));
  if (in.ok())
    x.participants.reserve(n);
  for (size_t i = 0; i < n && in.ok(); ++i)
    x.participants.push_back(read_participant(in));
  x.merged_digest = read_digest(in);
  x.prev_hash = read_digest(in);
  x.final = detail::read_bool(in, "final");
  x.committed_ms = in.varint();
  auto checked = in.ok() ? x.check() : status::ok();
  if (auto st = detail::finish_decode(in, version, format_version, checked, "round record"); !st)
    return st.error();
  return x;
}

sha256_digest record_hash(const round_record& x) {
  byte_writer out;
  x.encode(out);
  return sha256_of(out.bytes().data(), out.bytes().size());
}

status check_chain(std::span<const round_record> ordered) {
  static constexpr sha256_digest zero{};
  for (size_t i = 0; i < ordered.size(); ++i) {
    const auto& x = ordered[i];
    const round_record* prev = i > 0 && ordered[i - 1].contract == x.contract
                                 ? &ordered[i - 1] : nullptr;
    if (prev && prev->round >= x.round)
      return make_error(errc::invalid_argument,
                        where(x) + ": follows round " + std::to_string(prev->round)
                          + "; records must be in ascending round order");
    if (x.round == 1 && x.prev_hash != zero)
      return make_error(errc::checksum_mismatch,
                        where(x) + ": the first round's prev_hash is not all zero");
    if (prev && prev->round + 1 == x.round && x.prev_hash != record_hash(*prev))
      return make_error(errc::checksum_mismatch,
                        where(x) + ": prev_hash does not match the hash of round "
                          + std::to_string(prev->round));
  }
  return status::ok();
}

} // namespace swarm::membership
