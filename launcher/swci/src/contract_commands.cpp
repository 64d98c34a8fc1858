// Training contract commands and PERFDATA (docs/task-api.md, "Contracts").
#include <ostream>

#include "handlers.hpp"
#include "swarm/swci/table.hpp"

namespace swarm::swci::detail {

namespace {

using json = nlohmann::json;

std::string contract_path(std::string_view name, std::string_view tail = {}) {
  return "/v1/contracts/" + path_segment(name) + std::string{tail};
}

const std::vector<field> info_fields = {{"Name", "/name"},
                                        {"State", "/state"},
                                        {"Rounds committed", "/rounds_committed"},
                                        {"Resets", "/resets"},
                                        {"Created", "/created_ms"}};

const std::vector<field> status_fields = {{"Name", "/name"},
                                          {"State", "/state"},
                                          {"Rounds committed", "/rounds_committed"},
                                          {"Last round", "/last_round"},
                                          {"Last leader", "/last_leader"},
                                          {"Participants", "/participants"},
                                          {"Final digest", "/final_digest"}};

status show(session& s, const std::string& path, const std::vector<field>& fields) {
  auto reply = s.call(http_verb::get, path);
  if (!reply)
    return reply.error();
  print_fields(s.out(), *reply, fields);
  return status::ok();
}

status act(session& s, http_verb verb, const std::string& path, const json* body,
           const std::string& done) {
  auto reply = s.call(verb, path, body);
  if (!reply)
    return reply.error();
  s.out() << done << '\n';
  return status::ok();
}

} // namespace

status run_contract_command(session& s, const parsed_command& cmd) {
  switch (cmd.id) {
    case command_id::create_contract: {
      json body = {{"name", cmd.args[0]}};
      return act(s, http_verb::post, "/v1/contracts", &body,
                 "Contract " + cmd.args[0] + " created");
    }
    case command_id::reset_contract:
      return act(s, http_verb::post, contract_path(cmd.args[0], "/reset"), nullptr,
                 "Contract " + cmd.args[0] + " reset");
    case command_id::get_contract_info:
      return show(s, contract_path(cmd.args[0]), info_fields);
    case command_id::get_contract_status:
      return show(s, contract_path(cmd.args[0], "/status"), status_fields);
    case command_id::perfdata: {
      auto reply = s.call(http_verb::get, contract_path(cmd.args[0], "/perfdata"));
      if (!reply)
        return reply.error();
      print_table(s.out(), array_at(*reply, "peers"),
                  {{"UID", "/uid"}, {"NODE", "/node"}, {"ADMIN", "/admin"},
                   {"LOSS", "/loss"}, {"METRIC", "/metric"},
                   {"EPOCHS DONE", "/completed_epochs"}, {"EPOCHS", "/total_epochs"}});
      return status::ok();
    }
    default: {
      auto reply = s.call(http_verb::get, "/v1/contracts");
      if (!reply)
        return reply.error();
      print_table(s.out(), array_at(*reply, "contracts"),
                  {{"NAME", "/name"}, {"STATE", "/state"},
                   {"ROUNDS COMMITTED", "/rounds_committed"}, {"RESETS", "/resets"},
                   {"CREATED", "/created_ms"}});
      return status::ok();
    }
  }
}

} // namespace swarm::swci::detail
