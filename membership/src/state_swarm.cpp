#include "swarm/membership/state_swarm.hpp"

namespace swarm::membership {

swarm_state::swarm_state() {
  for (const auto& d : registered_maps()) {
    [[maybe_unused]] auto [pos, added] = maps_.emplace(std::string{d.name}, slot{d, {}});
    assert(added); // map names must be unique
  }
}

const crdt_map* swarm_state::find_map(std::string_view name) const {
  auto i = maps_.find(name);
  return i != maps_.end() ? &i->second.map : nullptr;
}

crdt_map* swarm_state::find_mutable(std::string_view name) {
  auto i = maps_.find(name);
  return i != maps_.end() ? &i->second.map : nullptr;
}

std::vector<std::string_view> swarm_state::map_names() const {
  std::vector<std::string_view> result;
  for (const auto& [name, s] : maps_)
    result.emplace_back(name);
  return result;
}

status swarm_state::check(const state_update& x) const {
  auto i = maps_.find(x.map);
  if (i == maps_.end())
    return make_error(errc::invalid_argument,
                      "unknown map '" + x.map.substr(0, 64) + "'");
  if (auto st = check_entry(x.entry); !st)
    return make_error(st.error().code, x.map + ": " + st.error().message);
  return i->second.descriptor.validate(x.entry);
}

expected<bool> swarm_state::merge(const state_update& x) {
  if (auto st = check(x); !st)
    return st.error();
  return find_mutable(x.map)->merge(x.entry);
}

expected<std::vector<state_update>>
swarm_state::merge_all(std::span<const state_update> xs) {
  for (const auto& x : xs)
    if (auto st = check(x); !st)
      return st.error();
  std::vector<state_update> news;
  for (const auto& x : xs)
    if (find_mutable(x.map)->merge(x.entry))
      news.push_back(x);
  return news;
}

void swarm_state::observe(uint64_t version) noexcept {
  for (auto& [name, s] : maps_)
    s.map.observe(version);
}

sha256_digest swarm_state::digest() const {
  sha256 hash;
  for (const auto& [name, s] : maps_) {
    byte_writer out;
    out.string(name);
    hash.update(out.bytes());
    auto d = s.map.digest();
    hash.update(d.data(), d.size());
  }
  return hash.finish();
}

size_t swarm_state::entry_count() const noexcept {
  size_t n = 0;
  for (const auto& [name, s] : maps_)
    n += s.map.entries().size();
  return n;
}

bool same_contents(const swarm_state& a, const swarm_state& b) {
  return a.digest() == b.digest();
}

} // namespace swarm::membership
