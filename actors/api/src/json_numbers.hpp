#pragma once

#include <nlohmann/json.hpp>

namespace swarm::api::detail {

/// Returns `x` as the JSON number a reader expects: 0.3f prints as 0.3, not
/// as its double expansion 0.30000001192092896; null if not finite (JSON
/// has no NaN or infinity).
nlohmann::json float_json(float x);

} // namespace swarm::api::detail
