#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "swarm/common/sha256.hpp"
#include "swarm/membership/object_ops.hpp"
#include "swarm/membership/state_contract_record.hpp"
#include "swarm/membership/state_round_record.hpp"
#include "swarm/membership/state_swarm.hpp"

/// The training-contract operations of HPE's SWCI (CREATE CONTRACT, GET
/// CONTRACT INFO / STATUS, PERFDATA, RESET CONTRACT, LIST CONTRACTS) as pure
/// functions of the replicated state. Status and performance data come from
/// the contract's round records committed after its last reset.
namespace swarm::membership {

/// Where a contract's training stands.
enum class contract_state : uint8_t {
  /// No round committed since creation or the last reset.
  uninitialized,
  /// Rounds committed, the final one not yet.
  active,
  /// The final round is committed.
  finished,
};

/// Returns "UNINITIALIZED", "ACTIVE" or "FINISHED".
std::string_view to_string(contract_state x) noexcept;

/// A contract with what its round records say.
struct contract_info {
  /// The record: stored, or made up for the default contract and for
  /// contracts known only from round records (created at their first
  /// round's commit time).
  contract_record record;
  /// The training's state.
  contract_state state = contract_state::uninitialized;
  /// Rounds committed since the last reset.
  uint64_t rounds_committed = 0;
  /// The highest of them; 0 if none.
  uint64_t last_round = 0;
  /// That round's leader.
  std::string last_leader;
  /// When that round was committed, ms since the Unix epoch; 0 if none.
  uint64_t last_committed_ms = 0;
  /// That round's participants, in its order.
  std::vector<std::string> participants;
  /// The merged model's digest of that round if it was the final one.
  std::optional<sha256_digest> final_digest;
};

/// One SL's latest performance figures (PERFDATA).
struct perf_row {
  /// The SL's node uuid from the node registry, or its name if unknown.
  std::string uid;
  /// The SL's node name.
  std::string node;
  /// Whether it led that round (HPE's "ADMIN").
  bool admin = false;
  /// Training loss (NaN if none was reported).
  float loss = 0.0f;
  /// Validation metric (NaN if none was reported).
  float metric = 0.0f;
  /// Epochs it trains in all.
  uint32_t total_epochs = 0;
  /// Epochs it finished.
  uint32_t completed_epochs = 0;
  /// The round the figures come from.
  uint64_t round = 0;
};

/// Returns contract `name` with its status: stored, the default, or known
/// from round records; 400 invalid name, 404 otherwise.
op_result<contract_info> find_contract(const swarm_state& state, std::string_view name);

/// Returns every contract (stored, the default, and those known only from
/// round records), in name order.
std::vector<contract_info> list_contracts(const swarm_state& state);

/// CREATE CONTRACT: 400 invalid name, 409 exists (contracts are permanent).
op_result<contract_record> create_contract(const swarm_state& state, std::string_view name,
                                           uint64_t now_ms);

/// RESET CONTRACT: counts one more reset at `now_ms`; earlier round records
/// no longer count. 404 unknown.
op_result<contract_record> reset_contract(const swarm_state& state, std::string_view name,
                                          uint64_t now_ms);

/// PERFDATA: per participant, the figures of the latest counted round it
/// took part in, in node-name order. 404 unknown contract.
op_result<std::vector<perf_row>> contract_perfdata(const swarm_state& state,
                                                   std::string_view name);

} // namespace swarm::membership
