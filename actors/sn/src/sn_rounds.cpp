// The SN's snapshot of the round records for the API and /metrics.

#include "swarm/sn/sn_rounds.hpp"

#include <map>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "swarm/common/log.hpp"
#include "swarm/membership/state_round_record.hpp"

namespace swarm::sn {

namespace {

using namespace membership;

api::round_view to_view(const round_record& x, const sha256_digest& hash, bool chain_ok) {
  api::round_view result;
  result.round = x.round;
  result.term = x.term;
  result.leader = x.leader;
  result.merge_method = x.merge_method;
  result.final = x.final;
  result.committed_ms = x.committed_ms;
  result.merged_digest = to_hex(x.merged_digest);
  result.prev_hash = to_hex(x.prev_hash);
  result.record_hash = to_hex(hash);
  result.chain_ok = chain_ok;
  result.participants.reserve(x.participants.size());
  for (const auto& p : x.participants)
    result.participants.push_back({p.name, p.weight, p.samples, p.loss, p.metric,
                                   p.epochs_done, p.total_epochs, p.done});
  return result;
}

// Returns the views of one contract's records, which ascend by round.
std::vector<api::round_view> views_of(const std::vector<round_record>& records) {
  static constexpr sha256_digest zero{};
  std::vector<api::round_view> result;
  result.reserve(records.size());
  sha256_digest prev_hash{};
  for (size_t i = 0; i < records.size(); ++i) {
    const auto& x = records[i];
    auto hash = record_hash(x);
    bool linked = x.round == 1 ? x.prev_hash == zero
                               : i > 0 && records[i - 1].round + 1 == x.round
                                   && x.prev_hash == prev_hash;
    result.push_back(to_view(x, hash, linked));
    prev_hash = hash;
  }
  return result;
}

} // namespace

std::shared_ptr<const api::round_table> round_table_of(const swarm_state& state) {
  // Keys are "<contract>/<20-digit round>", so iterating in key order
  // yields each contract's rounds ascending.
  std::map<std::string, std::vector<round_record>, std::less<>> by_contract;
  state.map_of<round_record>().for_each(
    [&](const round_record& x) { by_contract[x.contract].push_back(x); });
  auto table = std::make_shared<api::round_table>();
  for (const auto& [contract, records] : by_contract) {
    if (auto st = check_chain(records); !st)
      log::get("swarm.SN")->warn("round records: {}", st.error().message);
    table->emplace(contract, views_of(records));
  }
  return table;
}

bool round_publisher::refresh(const swarm_state& state, sn_provider& provider) {
  const auto& map = state.map_of<round_record>().raw();
  if (seen_summary_ && *seen_summary_ == map.summary() && seen_entries_ == map.entries().size())
    return false;
  seen_summary_ = map.summary();
  seen_entries_ = map.entries().size();
  provider.publish_rounds(round_table_of(state));
  return true;
}

} // namespace swarm::sn
