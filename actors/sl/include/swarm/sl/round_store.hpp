#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "swarm/common/error.hpp"
#include "swarm/merge/round_hard_state.hpp"

namespace swarm::wire {
class RoundMessage;
} // namespace swarm::wire

namespace swarm::sl {

/// Where an SL keeps the hard state of its merge rounds for one training
/// contract (`<data-dir>/rounds/<contract>/`), so that after a crash it
/// takes part again under its former round identity, with the votes and
/// acceptances it gave (etcd raft's HardState). Without it a restarted SL
/// is a new participant, and a two-node swarm cannot commit again.
///
/// Layout: `state.0` and `state.1` hold the records, written in turn, each
/// with a sequence number and a SHA-256 (a torn write leaves the other one,
/// which is safe to resume from: a record's messages leave only once it is
/// written);
/// `model.0` to `model.3` hold models' raw values, each with its digest. A
/// save writes only models the previous record does not name, into slots it
/// does not use, and then the record; both are overwritten in place (no new
/// file, no rename: bench/round_store_bench). Files are 0600.
///
/// Writes are not fsynced unless `fsync` is set: they survive the SL's
/// crash (kill -9, OOM), not the host's. A record saved before the host
/// restarted (another kernel boot id) is therefore refused at load.
class round_store {
public:
  /// What `load` found.
  struct saved {
    /// The round identity the state belongs to.
    std::string self;
    /// The coordinator's hard state, models included.
    merge::round_hard_state state;
  };

  /// Opens (creating it, 0700) the directory of `contract` under
  /// `data_dir`; `fsync` makes every save durable across a host crash.
  /// `kernel_boot_id` identifies the host's current boot.
  static expected<round_store> open(const std::filesystem::path& data_dir,
                                    const std::string& contract, bool fsync,
                                    std::string kernel_boot_id = current_kernel_boot_id());

  /// Returns this host's kernel boot id (/proc/sys/kernel/random/boot_id).
  static std::string current_kernel_boot_id();

  round_store(round_store&&) noexcept;
  round_store& operator=(round_store&&) noexcept;
  ~round_store();

  /// Returns the directory.
  const std::filesystem::path& dir() const noexcept { return dir_; }

  /// Loads the newest intact record and its models. Null when there is
  /// none; an error naming the file when it cannot be trusted (every record
  /// torn, a model that does not match its digest, a record from before the
  /// host restarted). Call once, before `save`.
  expected<std::optional<saved>> load();

  /// Saves `state` of round identity `self`: the models it names that no
  /// slot holds yet, then the record that names them. So a record is never
  /// without its models, whenever the SL is killed.
  status save(const std::string& self, const merge::round_hard_state& state);

  /// Writes `model` into a slot that the last record does not name, unless
  /// a slot holds it already: a model that a coming save will probably name
  /// (an acceptor's speculative merge), stored while the SL waits, so that
  /// the save finds it there. Nothing names it until a save does.
  status prewrite(const sha256_digest& digest, const merge::tensor_bundle& model);

  /// Forgets the saved state (the SL starts afresh under a new identity).
  status clear();

private:
  static constexpr size_t slot_count = 4;

  round_store() = default;
  void close_files();
  expected<int> model_fd(size_t slot);
  expected<uint32_t> store_model(const sha256_digest& digest, const merge::tensor_bundle& model,
                                 std::array<bool, slot_count>& taken);
  status write_model(uint32_t slot, const sha256_digest& digest, const merge::tensor_bundle& model);
  expected<std::vector<float>> read_model(uint32_t slot, const sha256_digest& digest);
  expected<std::pair<uint64_t, merge::round_value>> load_value(const wire::RoundMessage& msg,
                                                               uint32_t slot);
  status write_record(const std::string& payload);

  std::filesystem::path dir_;
  std::string contract_;
  bool fsync_ = false;
  std::string kernel_boot_id_;
  uint64_t sequence_ = 0;
  std::array<int, 2> state_fds_{-1, -1};
  std::array<int, slot_count> model_fds_{-1, -1, -1, -1};
  // What each slot holds, as far as this store wrote or verified it.
  std::array<std::optional<sha256_digest>, slot_count> slots_{};
  // The slots the last record names: never overwritten before the next.
  std::array<bool, slot_count> named_{};
};

} // namespace swarm::sl
