#include "settings.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

namespace swarm::examples::mnist {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return s;
}

error bad_value(const char* name, const std::string& value, const char* expected) {
  return make_error(errc::invalid_argument, std::string{name} + "='" + value
                                              + "': expected " + expected);
}

/// Reads an integer variable in [lo, hi]; `fallback` when unset or empty.
expected<long long> read_int(const env_lookup& getenv, const char* name,
                             long long fallback, long long lo, long long hi) {
  const char* raw = getenv(name);
  if (raw == nullptr || *raw == '\0')
    return fallback;
  std::string value{raw};
  long long result = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), result);
  if (ec != std::errc{} || end != value.data() + value.size() || result < lo
      || result > hi)
    return bad_value(name, value, ("an integer from " + std::to_string(lo) + " to "
                                   + std::to_string(hi))
                                    .c_str());
  return result;
}

expected<data_split> read_split(const env_lookup& getenv) {
  const char* raw = getenv("DATA_SPLIT");
  if (raw == nullptr || *raw == '\0')
    return data_split::full;
  auto value = lower(raw);
  if (value == "full")
    return data_split::full;
  if (value == "iid")
    return data_split::iid;
  if (value == "skew")
    return data_split::skew;
  return bad_value("DATA_SPLIT", raw, "full, iid or skew");
}

expected<double> read_skew(const env_lookup& getenv) {
  const char* raw = getenv("DATA_SKEW");
  if (raw == nullptr || *raw == '\0')
    return 0.8;
  std::string value{raw};
  char* end = nullptr;
  double result = std::strtod(value.c_str(), &end);
  if (end != value.c_str() + value.size() || !(result >= 0.0 && result <= 1.0))
    return bad_value("DATA_SKEW", value, "a number from 0 to 1");
  return result;
}

status read_shard(const env_lookup& getenv, settings& out) {
  auto split = read_split(getenv);
  if (!split)
    return split.error();
  out.split = *split;
  auto count = read_int(getenv, "NODE_COUNT", 1, 1, 10000);
  if (!count)
    return count.error();
  auto index = read_int(getenv, "NODE_INDEX", 0, 0, *count - 1);
  if (!index)
    return index.error();
  auto skew = read_skew(getenv);
  if (!skew)
    return skew.error();
  out.node_count = static_cast<size_t>(*count);
  out.node_index = static_cast<size_t>(*index);
  out.skew = *skew;
  return status::ok();
}

/// Returns the variable's value, or `fallback` when unset or empty.
std::string read_text(const env_lookup& getenv, const char* name, std::string fallback) {
  const char* raw = getenv(name);
  return raw == nullptr || *raw == '\0' ? fallback : std::string{raw};
}

/// Reads the SwarmCallback parameters; the callback validates the names.
status read_swarm(const env_lookup& getenv, settings& out) {
  auto frequency = read_int(getenv, "SYNC_FREQUENCY", out.sync_frequency, 1, 1'000'000'000);
  if (!frequency)
    return frequency.error();
  auto weightage = read_int(getenv, "NODE_WEIGHTAGE", out.node_weightage, 1, 100);
  if (!weightage)
    return weightage.error();
  out.sync_frequency = static_cast<int>(*frequency);
  out.node_weightage = static_cast<int>(*weightage);
  out.merge_method = read_text(getenv, "MERGE_METHOD", out.merge_method);
  out.checkin_model_on_train_end =
    read_text(getenv, "CHECKIN_MODEL_ON_TRAIN_END", out.checkin_model_on_train_end);
  out.training_contract = read_text(getenv, "TRAINING_CONTRACT", out.training_contract);
  out.node_name = read_text(getenv, "NODE_NAME", {});
  return status::ok();
}

} // namespace

expected<bool> parse_bool(const std::string& name, const std::string& value) {
  auto v = lower(value);
  if (v == "true" || v == "1" || v == "yes" || v == "on")
    return true;
  if (v == "false" || v == "0" || v == "no" || v == "off" || v.empty())
    return false;
  return bad_value(name.c_str(), value, "True or False");
}

expected<settings> read_settings(const env_lookup& getenv,
                                 const std::filesystem::path& bundled_data_dir) {
  settings result;
  result.data_dir = bundled_data_dir;
  if (const char* dir = getenv("DATA_DIR"); dir != nullptr && *dir != '\0') {
    result.data_dir = dir;
    result.bundled_data = false;
  }
  if (const char* dir = getenv("MODEL_DIR"); dir != nullptr && *dir != '\0')
    result.model_dir = dir;
  if (const char* dir = getenv("SCRATCH_DIR"); dir != nullptr && *dir != '\0')
    result.scratch_dir = dir;
  auto epochs = read_int(getenv, "MAX_EPOCHS", 5, 1, 100000);
  if (!epochs)
    return epochs.error();
  result.max_epochs = static_cast<int>(*epochs);
  auto peers = read_int(getenv, "MIN_PEERS", 2, 1, 10000);
  if (!peers)
    return peers.error();
  result.min_peers = static_cast<int>(*peers);
  const char* raw_peers = getenv("MIN_PEERS");
  result.min_peers_set = raw_peers != nullptr && *raw_peers != '\0';
  if (auto st = read_swarm(getenv, result); !st)
    return st.error();
  if (const char* raw = getenv("SWARM_LOOPBACK"); raw != nullptr) {
    auto loopback = parse_bool("SWARM_LOOPBACK", raw);
    if (!loopback)
      return loopback.error();
    result.loopback = *loopback;
  }
  auto seed = read_int(getenv, "SWARM_SEED", 1, 0,
                       std::numeric_limits<long long>::max());
  if (!seed)
    return seed.error();
  result.seed = static_cast<uint64_t>(*seed);
  if (auto st = read_shard(getenv, result); !st)
    return st.error();
  return result;
}

} // namespace swarm::examples::mnist
