#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace swarm::api {

/// Longest contract name the API accepts in a URL.
inline constexpr size_t max_contract_name_bytes = 255;

/// One participant of a round, as `GET /v1/contracts/<name>/rounds` shows it:
///
///     {"name": "sl-1", "weight": 0.5, "samples": 30000, "loss": 0.25,
///      "metric": 0.875, "epochs_done": 2, "total_epochs": 5, "done": false}
///
/// A loss or metric that is not a finite number (none reported, or a
/// diverged model) is null.
struct round_participant_view {
  /// SL node name.
  std::string name;
  /// Merge weight.
  double weight = 0.0;
  /// Training samples behind its parameters.
  uint64_t samples = 0;
  /// Training loss at the sync point.
  float loss = 0.0f;
  /// Validation metric at the sync point.
  float metric = 0.0f;
  /// Epochs finished.
  uint32_t epochs_done = 0;
  /// Epochs to train in all.
  uint32_t total_epochs = 0;
  /// Whether it finished its epochs.
  bool done = false;
};

/// One committed round of a contract:
///
///     {"round": 2, "term": 3, "leader": "sl-1", "merge_method": "mean",
///      "final": false, "committed_ms": 1764150000002,
///      "committed": "2025-11-26T09:40:00.002Z",
///      "merged_digest": "a2a2...", "prev_hash": "11ab...",
///      "record_hash": "5c0e...", "chain_ok": true, "participants": [...]}
///
/// Digests are lower-case hex. `chain_ok` says whether `prev_hash` links to
/// the record of the previous round held here (all zero for round 1); it is
/// false while that record has not arrived, or if it does not match.
struct round_view {
  /// Round number, from 1.
  uint64_t round = 0;
  /// Election term of the leader that committed it.
  uint64_t term = 0;
  /// The leader's node name.
  std::string leader;
  /// How the parameters were merged, e.g. "mean".
  std::string merge_method;
  /// Whether this was the contract's last round.
  bool final = false;
  /// Commit time at the leader, in milliseconds since the Unix epoch.
  uint64_t committed_ms = 0;
  /// Digest of the merged model, hex.
  std::string merged_digest;
  /// Hash of the previous round's record, hex.
  std::string prev_hash;
  /// Hash of this record, hex: what the next round's `prev_hash` must be.
  std::string record_hash;
  /// Whether `prev_hash` links to the previous round's record held here.
  bool chain_ok = false;
  /// Who took part.
  std::vector<round_participant_view> participants;
};

/// Committed rounds by contract name; each contract's rounds ascend.
using round_table = std::map<std::string, std::vector<round_view>, std::less<>>;

/// Where the round routes get their data. Like `api_provider`, called from
/// the server's worker threads concurrently; implementations return an
/// immutable snapshot, so a request never copies the table or waits for
/// the node.
class round_provider {
public:
  virtual ~round_provider() = default;

  /// Returns the latest snapshot of the round records; never null.
  virtual std::shared_ptr<const round_table> rounds() = 0;
};

/// Returns whether `name` may name a contract in a URL: 1 to 255 bytes of
/// [A-Za-z0-9._-].
bool is_valid_contract_name(std::string_view name) noexcept;

/// Returns the JSON object of `x` described at `round_participant_view`.
nlohmann::json to_json(const round_participant_view& x);

/// Returns the JSON object of `x` described at `round_view`.
nlohmann::json to_json(const round_view& x);

/// Returns `{"contract": name, "rounds": [...]}`.
nlohmann::json rounds_to_json(std::string_view contract, const std::vector<round_view>& xs);

/// Returns `{"contracts": [{"name", "rounds", "last_round", "final",
/// "last_committed_ms"}, ...]}` in name order; `rounds` counts the rounds
/// held, `final` says whether the last one ended the training.
nlohmann::json contracts_to_json(const round_table& table);

} // namespace swarm::api
