#include "swarm_mode.hpp"

#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include "swarm/common/sha256.hpp"
#include "swarm/merge/bundle.hpp"
#include "swarm/ml/prng.hpp"

namespace swarm::examples::mnist {

namespace {

/// FNV-1a: a fixed, portable hash of the node name for the seed.
uint64_t hash_name(const std::string& name) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : name) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

} // namespace

callback::swarm_params swarm_params_from(const settings& cfg) {
  callback::swarm_params p;
  p.sync_frequency = cfg.sync_frequency;
  p.min_peers = cfg.min_peers;
  p.training_contract = cfg.training_contract;
  p.node_weightage = cfg.node_weightage;
  p.merge_method = cfg.merge_method;
  p.checkin_model_on_train_end = cfg.checkin_model_on_train_end;
  p.total_epochs = cfg.max_epochs;
  return p;
}

status check_swarm_settings(const settings& cfg) {
  if (!cfg.min_peers_set)
    return make_error(errc::invalid_argument,
                      "MIN_PEERS is required to join a swarm (the smallest number of nodes a "
                      "merge round waits for); set it, or SWARM_LOOPBACK=True to train alone");
  // The evaluator always exists here, so useAdaptiveSync would be allowed.
  if (auto st = callback::validate(swarm_params_from(cfg), true); !st)
    return make_error(st.error().code,
                      st.error().message
                        + " (from SYNC_FREQUENCY, MIN_PEERS, NODE_WEIGHTAGE, MERGE_METHOD, "
                          "CHECKIN_MODEL_ON_TRAIN_END or TRAINING_CONTRACT)");
  return {};
}

uint64_t trainer_seed(const settings& cfg) {
  if (cfg.loopback)
    return cfg.seed;
  auto stream = cfg.node_name.empty() ? static_cast<uint64_t>(cfg.node_index) + 1
                                      : hash_name(cfg.node_name);
  return ml::derive_seed(cfg.seed, stream);
}

ml::dataset validation_slice(const ml::dataset& test) {
  std::vector<size_t> first(std::min(validation_slice_size, test.size()));
  std::iota(first.begin(), first.end(), size_t{0});
  return test.subset(first);
}

void callback_chain::on_train_begin() {
  first_.on_train_begin();
  second_.on_train_begin();
}

bool callback_chain::on_batch_end(const ml::batch_stats& stats) {
  bool a = first_.on_batch_end(stats);
  bool b = second_.on_batch_end(stats);
  return a && b;
}

bool callback_chain::on_epoch_end(const ml::epoch_stats& stats) {
  bool a = first_.on_epoch_end(stats);
  bool b = second_.on_epoch_end(stats);
  return a && b;
}

void callback_chain::on_train_end(const ml::fit_result& result) {
  first_.on_train_end(result);
  second_.on_train_end(result);
}

expected<std::unique_ptr<callback::swarm_callback>>
make_swarm_callback(const settings& cfg, ml::mlp& model, ml::trainer& trainer,
                    const ml::dataset& validation, std::unique_ptr<sl::embedded_sl>& embedded) {
  callback::callback_options opts;
  opts.loopback = false;
  opts.node_name = cfg.node_name;
  auto evaluate = [&trainer, &validation] {
    auto e = trainer.evaluate(validation);
    return e ? callback::eval_result{e->loss, e->accuracy} : callback::eval_result{};
  };
  auto env = [](const char* name) -> std::optional<std::string> {
    if (const char* x = std::getenv(name))
      return std::string{x};
    return std::nullopt;
  };
  auto mode = env("SWARM_SL_EMBEDDED");
  if (!mode || (*mode != "True" && *mode != "true" && *mode != "1"))
    return callback::swarm_callback::create(swarm_params_from(cfg), model.parameters(),
                                            std::move(evaluate), opts);
  // The SL runs in this process; the channel between them carries the same
  // bytes as the socket to a separate `swarm sl`.
  auto sl_opts = sl::embedded_options_from_env(env);
  if (!sl_opts)
    return sl_opts.error();
  auto started = sl::embedded_sl::start(std::move(*sl_opts));
  if (!started)
    return started.error();
  embedded = std::move(*started);
  auto channel = embedded->take_ml_end();
  if (!channel)
    return channel.error();
  return callback::swarm_callback::create(swarm_params_from(cfg), model.parameters(),
                                          std::move(evaluate), std::move(*channel), opts);
}

status print_swarm_report(const callback::swarm_callback& cb, ml::mlp& model,
                          const std::filesystem::path& saved, double wall_seconds) {
  merge::tensor_bundle final_model;
  for (const auto& v : model.parameters())
    final_model.add(v.name, v.shape, v.data);
  auto file_digest = sha256_of_file(saved);
  if (!file_digest)
    return file_digest.error();
  double in_sync = cb.sync_seconds();
  double share = wall_seconds > 0 ? 100.0 * in_sync / wall_seconds : 0.0;
  std::printf("Final model SHA-256: %s\n", to_hex(merge::digest(final_model)).c_str());
  std::printf("Saved model file SHA-256: %s\n", to_hex(*file_digest).c_str());
  // This node's own view: its syncs include its waits for slower peers.
  std::printf("Swarm sync: %zu syncs and the closing round, %.2f s in sync of %.2f s wall "
              "(%.1f%%, waits for peers included)\n",
              cb.rounds_synced(), in_sync, wall_seconds, share);
  // One figure per sync, so that a benchmark can line the nodes up.
  std::printf("Swarm sync times (ms):");
  for (double ms : cb.sync_durations_ms())
    std::printf(" %.1f", ms);
  std::printf("\n");
  std::fflush(stdout);
  return {};
}

} // namespace swarm::examples::mnist
