#include "swarm/api/round_routes.hpp"

namespace swarm::api {

namespace {

response contract_rounds(round_provider& provider, const request& req) {
  auto name = req.param("name");
  if (!is_valid_contract_name(name))
    return response::error(400, "invalid contract name '" + std::string{name.substr(0, 64)}
                                  + "': use 1 to "
                                  + std::to_string(max_contract_name_bytes)
                                  + " characters of A-Z, a-z, 0-9, '.', '_' and '-'");
  // Holding the snapshot keeps it alive while we read it, even if the node
  // publishes a new one meanwhile.
  auto table = provider.rounds();
  auto i = table->find(name);
  if (i == table->end() || i->second.empty())
    return response::error(404, "no rounds are known for contract '" + std::string{name}
                                  + "'");
  return response::json(rounds_to_json(name, i->second));
}

} // namespace

status add_round_routes(router& routes, std::shared_ptr<round_provider> provider,
                        bool list_contracts) {
  if (list_contracts) {
    auto st = routes.get("/v1/contracts", [provider](const request&) {
      return response::json(contracts_to_json(*provider->rounds()));
    });
    if (!st)
      return st;
  }
  return routes.get("/v1/contracts/{name}/rounds", [provider](const request& req) {
    return contract_rounds(*provider, req);
  });
}

} // namespace swarm::api
