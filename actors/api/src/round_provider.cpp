#include "swarm/api/round_provider.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "json_numbers.hpp"
#include "swarm/api/provider.hpp"

namespace swarm::api {

namespace detail {

nlohmann::json float_json(float x) {
  if (!std::isfinite(x))
    return nullptr;
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), x);
  double widened = x;
  if (ec == std::errc{})
    std::from_chars(buf, end, widened);
  return widened;
}

} // namespace detail

bool is_valid_contract_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > max_contract_name_bytes)
    return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
           || c == '.' || c == '_' || c == '-';
  });
}

nlohmann::json to_json(const round_participant_view& x) {
  return {
    {"name", x.name},
    {"weight", x.weight},
    {"samples", x.samples},
    {"loss", detail::float_json(x.loss)},
    {"metric", detail::float_json(x.metric)},
    {"epochs_done", x.epochs_done},
    {"total_epochs", x.total_epochs},
    {"done", x.done},
  };
}

nlohmann::json to_json(const round_view& x) {
  auto participants = nlohmann::json::array();
  for (const auto& p : x.participants)
    participants.push_back(to_json(p));
  return {
    {"round", x.round},
    {"term", x.term},
    {"leader", x.leader},
    {"merge_method", x.merge_method},
    {"final", x.final},
    {"committed_ms", x.committed_ms},
    {"committed", format_utc_ms(x.committed_ms)},
    {"merged_digest", x.merged_digest},
    {"prev_hash", x.prev_hash},
    {"record_hash", x.record_hash},
    {"chain_ok", x.chain_ok},
    {"participants", std::move(participants)},
  };
}

nlohmann::json rounds_to_json(std::string_view contract, const std::vector<round_view>& xs) {
  auto rows = nlohmann::json::array();
  for (const auto& x : xs)
    rows.push_back(to_json(x));
  return {{"contract", contract}, {"rounds", std::move(rows)}};
}

nlohmann::json contracts_to_json(const round_table& table) {
  auto rows = nlohmann::json::array();
  for (const auto& [name, rounds] : table) {
    if (rounds.empty())
      continue;
    const auto& last = rounds.back();
    rows.push_back({
      {"name", name},
      {"rounds", rounds.size()},
      {"last_round", last.round},
      {"final", last.final},
      {"last_committed_ms", last.committed_ms},
    });
  }
  return {{"contracts", std::move(rows)}};
}

} // namespace swarm::api
