#include "swarm/membership/crdt_summary.hpp"

#include "swarm/common/sha256.hpp"

namespace swarm::membership {

size_t crdt_bucket_of(std::string_view key) noexcept {
  uint64_t h = 0xcbf29ce484222325u;
  for (char c : key) {
    h ^= static_cast<uint8_t>(c);
    h *= 0x100000001b3u;
  }
  // Fold the high bits in: FNV's low bits alone mix poorly for short keys.
  return static_cast<size_t>((h ^ (h >> 32)) % crdt_summary_buckets);
}

uint64_t crdt_fingerprint(const crdt_entry& x) {
  byte_writer out;
  encode_entry(out, x);
  auto digest = sha256_of(out.bytes().data(), out.bytes().size());
  uint64_t result = 0;
  for (int i = 0; i < 8; ++i)
    result |= static_cast<uint64_t>(digest[i]) << (8 * i);
  return result;
}

std::vector<uint32_t> differing_buckets(const crdt_summary& a, const crdt_summary& b) {
  std::vector<uint32_t> result;
  for (size_t i = 0; i < crdt_summary_buckets; ++i)
    if (a.buckets[i] != b.buckets[i])
      result.push_back(static_cast<uint32_t>(i));
  return result;
}

void encode_summary(byte_writer& out, const crdt_summary& x) {
  for (auto fingerprint : x.buckets)
    out.u64(fingerprint);
}

expected<crdt_summary> decode_summary(byte_reader& in, std::string_view context) {
  crdt_summary result;
  for (auto& fingerprint : result.buckets)
    fingerprint = in.u64();
  if (auto st = in.result(context); !st)
    return st.error();
  return result;
}

} // namespace swarm::membership
