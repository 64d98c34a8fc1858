#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "swarm/common/error.hpp"

namespace swarm::examples::mnist {

/// How the training data is divided among the nodes of a swarm.
enum class data_split {
  /// Every node trains on the full set, as the seed example does.
  full,
  /// Each node gets a disjoint, label-balanced shard.
  iid,
  /// Each node gets a disjoint shard biased towards some labels.
  skew,
};

/// What `mnist-ml` reads from its environment, as the seed's tasks pass it.
struct settings {
  /// DATA_DIR: the four MNIST files. Default: the bundled data.
  std::filesystem::path data_dir;
  /// Whether data_dir is the bundled copy (whose checksums must match).
  bool bundled_data = true;
  /// MODEL_DIR: the model's directory; logged, as in the seed.
  std::filesystem::path model_dir = ".";
  /// SCRATCH_DIR: where the final model is saved.
  std::filesystem::path scratch_dir = "scratch";
  /// MAX_EPOCHS: epochs of local training. Default: 5, as the seed's code.
  int max_epochs = 5;
  /// MIN_PEERS: the smallest swarm to merge with.
  int min_peers = 2;
  /// Whether MIN_PEERS was set: swarm mode requires it.
  bool min_peers_set = false;
  /// SWARM_LOOPBACK: train alone, without a swarm.
  bool loopback = false;
  /// SYNC_FREQUENCY: batches between two syncs (the seed's 128).
  int sync_frequency = 128;
  /// NODE_WEIGHTAGE: this node's weight in the merge, 1 to 100.
  int node_weightage = 1;
  /// MERGE_METHOD: mean, coordmedian, geomedian, ... (checked by the
  /// callback's validation).
  std::string merge_method = "mean";
  /// CHECKIN_MODEL_ON_TRAIN_END: inactive, snapshot or active.
  std::string checkin_model_on_train_end = "snapshot";
  /// TRAINING_CONTRACT: the contract the node trains under.
  std::string training_contract = "defaultbb.cqdb.sml.hpe";
  /// NODE_NAME: this node's label; also varies its training seed.
  std::string node_name;
  /// SWARM_SEED: seed of every random choice.
  uint64_t seed = 1;
  /// DATA_SPLIT: full, iid or skew.
  data_split split = data_split::full;
  /// NODE_INDEX: this node's shard, 0-based.
  size_t node_index = 0;
  /// NODE_COUNT: number of shards.
  size_t node_count = 1;
  /// DATA_SKEW: label skew in [0, 1] for DATA_SPLIT=skew.
  double skew = 0.8;
};

/// Looks up an environment variable; returns nullptr when unset.
using env_lookup = std::function<const char*(const char* name)>;

/// Reads and validates the settings. Errors name the variable, the value and
/// what was expected. `bundled_data_dir` is the default DATA_DIR.
expected<settings> read_settings(const env_lookup& getenv,
                                 const std::filesystem::path& bundled_data_dir);

/// Parses HPE's boolean spellings (True/False, 1/0, yes/no, on/off; any case).
expected<bool> parse_bool(const std::string& name, const std::string& value);

} // namespace swarm::examples::mnist
