#pragma once

#include <memory>

#include "swarm/api/round_provider.hpp"
#include "swarm/api/router.hpp"

namespace swarm::api {

/// Adds the routes over the round records to `routes`, answering from
/// `provider`:
///
/// - `GET /v1/contracts`: the contracts that have committed rounds, with
///   their round counts and last round (see `contracts_to_json`);
/// - `GET /v1/contracts/{name}/rounds`: the contract's rounds in ascending
///   order, `{"contract": name, "rounds": [...]}` (see `round_view`); 404
///   if no round of `name` is known, 400 if `name` is not a valid contract
///   name (`is_valid_contract_name`).
///
/// Without `list_contracts`, `GET /v1/contracts` is left to
/// `add_task_routes`, which lists contract records too. Fails only if one
/// of these routes is already registered.
status add_round_routes(router& routes, std::shared_ptr<round_provider> provider,
                        bool list_contracts = true);

} // namespace swarm::api
