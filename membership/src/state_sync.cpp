#include "swarm/membership/state_sync.hpp"

namespace swarm::membership {

namespace {

// Map names are short identifiers; this only bounds hostile input.
constexpr size_t max_map_name_bytes = 64;

// A varint name length, one name byte, 64 fingerprints.
constexpr size_t min_summary_bytes = 1 + 1 + 8 * crdt_summary_buckets;

} // namespace

state_summary summarize(const swarm_state& x) {
  state_summary result;
  for (auto name : x.map_names())
    result.emplace(std::string{name}, x.find_map(name)->summary());
  return result;
}

std::vector<state_update> delta_for(const swarm_state& x, const state_summary& remote) {
  std::vector<state_update> result;
  for (const auto& [name, theirs] : remote) {
    auto map = x.find_map(name);
    if (map == nullptr)
      continue;
    for (auto& e : map->entries_differing_from(theirs))
      result.push_back({name, std::move(e)});
  }
  return result;
}

std::vector<state_update> all_updates(const swarm_state& x) {
  std::vector<state_update> result;
  for (auto name : x.map_names())
    for (const auto& [key, e] : x.find_map(name)->entries())
      result.push_back({std::string{name}, e});
  return result;
}

void encode_state_summary(byte_writer& out, const state_summary& x) {
  out.varint(x.size());
  for (const auto& [name, summary] : x) {
    out.string(name);
    encode_summary(out, summary);
  }
}

expected<state_summary> decode_state_summary(std::span<const std::byte> bytes) {
  constexpr std::string_view context = "state summary";
  byte_reader in{bytes};
  state_summary result;
  auto n = in.count("map", min_summary_bytes);
  for (size_t i = 0; i < n && in.ok(); ++i) {
    auto name = in.string("map name", max_map_name_bytes);
    auto summary = decode_summary(in, context);
    if (!summary)
      return summary.error();
    // Ascending, as encode_state_summary writes them, so each summary has
    // exactly one encoding (and a repeated name cannot slip through).
    if (!result.empty() && result.rbegin()->first >= name)
      in.fail("map '" + name + "' is out of order or repeated");
    else
      result.emplace(std::move(name), *summary);
  }
  in.expect_end();
  if (auto st = in.result(context); !st)
    return st.error();
  return result;
}

void encode_updates(byte_writer& out, std::span<const state_update> xs) {
  out.varint(xs.size());
  for (const auto& x : xs) {
    out.string(x.map);
    encode_entry(out, x.entry);
  }
}

expected<std::vector<state_update>> decode_updates(std::span<const std::byte> bytes) {
  constexpr std::string_view context = "state updates";
  byte_reader in{bytes};
  auto n = in.count("update", 1 + crdt_min_entry_bytes);
  if (in.ok() && n > state_max_batch_updates)
    in.fail(std::to_string(n) + " updates exceed the batch limit of "
            + std::to_string(state_max_batch_updates));
  std::vector<state_update> result;
  result.reserve(in.ok() ? n : 0);
  for (size_t i = 0; i < n && in.ok(); ++i) {
    auto map = in.string("map name", max_map_name_bytes);
    auto entry = decode_entry(in, context);
    if (!entry)
      return entry.error();
    result.push_back({std::move(map), std::move(*entry)});
  }
  in.expect_end();
  if (auto st = in.result(context); !st)
    return st.error();
  return result;
}

} // namespace swarm::membership
