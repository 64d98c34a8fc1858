#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <string>
#include <string_view>

#include "swarm/callback/swarm_callback.hpp"
#include "swarm/merge/strategy.hpp"
#include "swarm/mlsl/frame.hpp"
#include "swarm/wire/limits.hpp"

namespace swarm::callback {

namespace {

/// The values of checkinModelOnTrainEnd.
constexpr std::array<std::string_view, 3> checkin_modes = {"inactive", "snapshot", "active"};

std::string lower(std::string_view text) {
  std::string result{text};
  std::transform(result.begin(), result.end(), result.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return result;
}

error invalid(std::string message) {
  return make_error(errc::invalid_argument, std::move(message));
}

bool contract_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
}

status check_contract(const std::string& name) {
  if (name.empty() || name.size() > wire::max_contract_bytes
      || !std::all_of(name.begin(), name.end(), contract_char))
    return invalid("trainingContract must be 1 to " + std::to_string(wire::max_contract_bytes)
                   + " characters of A-Z, a-z, 0-9, '.', '_' and '-', got '" + name + "'");
  return {};
}

status check_methods(const swarm_params& p) {
  if (!merge::parse_merge_method(p.merge_method))
    return invalid("mergeMethod must be one of mean, coordmedian, geomedian, trimmedmean, "
                   "krum, multikrum (any case), got '"
                   + p.merge_method + "'");
  auto mode = lower(p.checkin_model_on_train_end);
  if (std::find(checkin_modes.begin(), checkin_modes.end(), mode) == checkin_modes.end())
    return invalid("checkinModelOnTrainEnd must be one of inactive, snapshot, active, got '"
                   + p.checkin_model_on_train_end + "'");
  return {};
}

} // namespace

status validate(const swarm_params& p, bool has_validation) {
  if (p.sync_frequency <= 0)
    return invalid("syncFrequency must be a positive integer, got "
                   + std::to_string(p.sync_frequency));
  if (p.min_peers <= 0)
    return invalid("minPeers must be a positive integer, got " + std::to_string(p.min_peers));
  if (p.node_weightage < 1 || p.node_weightage > 100)
    return invalid("nodeWeightage must be an integer from 1 to 100, got "
                   + std::to_string(p.node_weightage));
  if (p.total_epochs < 0)
    return invalid("totalEpochs must be a non-negative integer, got "
                   + std::to_string(p.total_epochs));
  if (p.use_adaptive_sync && !has_validation)
    return invalid("useAdaptiveSync needs validation data: pass an evaluator, or set "
                   "useAdaptiveSync to false");
  if (auto st = check_methods(p); !st)
    return st;
  return check_contract(p.training_contract);
}

bool loopback_from_env() {
  const char* raw = std::getenv(loopback_env_var);
  if (raw == nullptr)
    return false;
  auto value = lower(raw);
  return value == "true" || value == "1" || value == "yes" || value == "on";
}

bool shared_weights_from_env() {
  const char* raw = std::getenv("SWARM_SHARED_WEIGHTS");
  if (raw == nullptr)
    return true;
  auto value = lower(raw);
  return !(value == "0" || value == "false" || value == "no" || value == "off");
}

std::string channel_path_from_env() {
  const char* raw = std::getenv(mlsl::channel_env_var);
  return raw == nullptr ? std::string{} : std::string{raw};
}

} // namespace swarm::callback
