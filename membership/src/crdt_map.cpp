#include "swarm/membership/crdt_map.hpp"

#include <algorithm>
#include <cassert>

namespace swarm::membership {

expected<crdt_entry> crdt_map::put(std::string key, byte_buffer value,
                                   const node_uuid& writer, uint64_t min_version) {
  crdt_entry x;
  x.key = std::move(key);
  x.value = std::move(value);
  x.writer = writer;
  return write(std::move(x), min_version);
}

expected<crdt_entry> crdt_map::erase(std::string key, const node_uuid& writer,
                                     uint64_t min_version) {
  crdt_entry x;
  x.key = std::move(key);
  x.writer = writer;
  x.tombstone = true;
  return write(std::move(x), min_version);
}

expected<crdt_entry> crdt_map::write(crdt_entry x, uint64_t min_version) {
  if (clock_ >= crdt_max_version)
    return make_error(errc::invalid_argument, "entry '" + x.key.substr(0, 64)
                                                + "': the clock is exhausted");
  x.version = std::max(clock_ + 1, min_version);
  if (auto st = check_entry(x); !st)
    return st.error();
  [[maybe_unused]] bool changed = merge(x);
  // Above the clock, so nothing present can win over it.
  assert(changed);
  return x;
}

const byte_buffer* crdt_map::get(std::string_view key) const {
  auto x = find(key);
  return x != nullptr && !x->tombstone ? &x->value : nullptr;
}

const crdt_entry* crdt_map::find(std::string_view key) const {
  auto i = entries_.find(key);
  return i != entries_.end() ? &i->second : nullptr;
}

bool crdt_map::merge(const crdt_entry& x) {
  assert(check_entry(x));
  observe(x.version);
  auto& bucket = summary_.buckets[crdt_bucket_of(x.key)];
  auto i = entries_.find(x.key);
  if (i == entries_.end()) {
    entries_.emplace(x.key, x);
  } else {
    if (!supersedes(x, i->second))
      return false;
    bucket ^= crdt_fingerprint(i->second);
    if (!i->second.tombstone)
      --live_count_;
    i->second = x;
  }
  bucket ^= crdt_fingerprint(x);
  if (!x.tombstone)
    ++live_count_;
  return true;
}

void crdt_map::observe(uint64_t version) noexcept {
  clock_ = std::max(clock_, std::min(version, crdt_max_version));
}

std::vector<crdt_entry>
crdt_map::entries_in_buckets(std::span<const uint32_t> buckets) const {
  std::array<bool, crdt_summary_buckets> wanted{};
  for (auto b : buckets)
    if (b < crdt_summary_buckets)
      wanted[b] = true;
  std::vector<crdt_entry> result;
  for (const auto& [key, x] : entries_)
    if (wanted[crdt_bucket_of(key)])
      result.push_back(x);
  return result;
}

std::vector<crdt_entry> crdt_map::entries_differing_from(const crdt_summary& remote) const {
  auto buckets = differing_buckets(summary_, remote);
  if (buckets.empty())
    return {};
  return entries_in_buckets(buckets);
}

sha256_digest crdt_map::digest() const {
  sha256 hash;
  byte_writer out;
  out.varint(entries_.size());
  hash.update(out.bytes());
  for (const auto& [key, x] : entries_) {
    byte_writer one;
    encode_entry(one, x);
    hash.update(one.bytes());
  }
  return hash.finish();
}

} // namespace swarm::membership
