#include "swarm/membership/contract_ops.hpp"

#include <map>
#include <set>

#include "swarm/membership/state_task_record.hpp"

namespace swarm::membership {

namespace {

std::string contract_name(std::string_view name) {
  return "contract " + quote_name(name);
}

// Returns the round records of contract `name` committed after its reset,
// ascending by round (keys sort by round within a contract).
std::vector<round_record> counted_rounds(const swarm_state& state, std::string_view name,
                                         uint64_t reset_ms) {
  std::vector<round_record> result;
  const auto& entries = state.map_of<round_record>().raw().entries();
  auto prefix = std::string{name} + "/";
  for (auto i = entries.lower_bound(prefix);
       i != entries.end() && i->first.starts_with(prefix); ++i) {
    if (i->second.tombstone)
      continue;
    auto x = round_record::decode(i->second.value);
    if (x && x->contract == name && (reset_ms == 0 || x->committed_ms > reset_ms))
      result.push_back(std::move(*x));
  }
  return result;
}

contract_info info_of(const swarm_state& state, contract_record record) {
  contract_info info;
  auto rounds = counted_rounds(state, record.name, record.reset_ms);
  info.record = std::move(record);
  info.rounds_committed = rounds.size();
  if (rounds.empty())
    return info;
  const auto& last = rounds.back();
  info.last_round = last.round;
  info.last_leader = last.leader;
  info.last_committed_ms = last.committed_ms;
  for (const auto& p : last.participants)
    info.participants.push_back(p.name);
  info.state = last.final ? contract_state::finished : contract_state::active;
  if (last.final)
    info.final_digest = last.merged_digest;
  return info;
}

// Returns the names of contracts that have round records, with the commit
// time of their first record held.
std::map<std::string, uint64_t, std::less<>> contracts_in_rounds(const swarm_state& state) {
  std::map<std::string, uint64_t, std::less<>> result;
  for (const auto& x : state.map_of<round_record>().raw().live()) {
    auto slash = x.key.rfind('/');
    if (slash == std::string::npos || result.contains(std::string_view{x.key}.substr(0, slash)))
      continue;
    if (auto r = round_record::decode(x.value))
      result.emplace(r->contract, r->committed_ms);
  }
  return result;
}

} // namespace

std::string_view to_string(contract_state x) noexcept {
  switch (x) {
    case contract_state::uninitialized:
      return "UNINITIALIZED";
    case contract_state::active:
      return "ACTIVE";
    case contract_state::finished:
      return "FINISHED";
  }
  return "UNKNOWN";
}

op_result<contract_info> find_contract(const swarm_state& state, std::string_view name) {
  if (!is_valid_object_name(name))
    return op_fail(op_errc::invalid, "invalid contract name " + quote_name(name)
                                       + ": use 1 to 160 characters of A-Z a-z 0-9 . _ -");
  if (auto x = state.map_of<contract_record>().get(name))
    return info_of(state, std::move(*x));
  contract_record made_up;
  made_up.name = std::string{name};
  if (name == default_contract)
    return info_of(state, std::move(made_up));
  auto rounds = counted_rounds(state, name, 0);
  if (rounds.empty())
    return op_fail(op_errc::not_found, contract_name(name) + " does not exist");
  made_up.created_ms = rounds.front().committed_ms;
  return info_of(state, std::move(made_up));
}

std::vector<contract_info> list_contracts(const swarm_state& state) {
  std::set<std::string, std::less<>> names{std::string{default_contract}};
  state.map_of<contract_record>().for_each([&](const contract_record& x) { names.insert(x.name); });
  for (const auto& [name, first_ms] : contracts_in_rounds(state))
    if (is_valid_object_name(name))
      names.insert(name);
  std::vector<contract_info> result;
  for (const auto& name : names)
    if (auto x = find_contract(state, name))
      result.push_back(std::move(*x));
  return result;
}

op_result<contract_record> create_contract(const swarm_state& state, std::string_view name,
                                           uint64_t now_ms) {
  auto found = find_contract(state, name);
  if (found)
    return op_fail(op_errc::conflict,
                   contract_name(name) + " already exists (contracts are permanent)");
  if (found.error().code != op_errc::not_found)
    return found.error();
  return contract_record{std::string{name}, now_ms, 0, 0};
}

op_result<contract_record> reset_contract(const swarm_state& state, std::string_view name,
                                          uint64_t now_ms) {
  auto found = find_contract(state, name);
  if (!found)
    return found.error();
  auto x = std::move(found->record);
  ++x.resets;
  // Strictly later than the previous reset, so a second reset in the same
  // millisecond still moves the cut.
  x.reset_ms = std::max(now_ms, x.reset_ms + 1);
  return x;
}

op_result<std::vector<perf_row>> contract_perfdata(const swarm_state& state,
                                                   std::string_view name) {
  auto found = find_contract(state, name);
  if (!found)
    return found.error();
  std::map<std::string, perf_row, std::less<>> latest;
  for (const auto& r : counted_rounds(state, name, found->record.reset_ms))
    for (const auto& p : r.participants)
      latest[p.name] = perf_row{p.name, p.name, p.name == r.leader, p.loss, p.metric,
                                p.total_epochs, p.epochs_done, r.round};
  // Names map to uuids through the node registry (SL records).
  state.nodes().for_each([&](const node_record& n) {
    auto i = latest.find(n.name);
    if (i != latest.end() && n.type == node_type::sl)
      i->second.uid = n.uuid.to_string();
  });
  std::vector<perf_row> rows;
  for (auto& [_, row] : latest)
    rows.push_back(std::move(row));
  return rows;
}

} // namespace swarm::membership
