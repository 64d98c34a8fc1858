#include "taskrunner_views.hpp"

#include "swarm/swci/table.hpp"

namespace swarm::swci::detail {

void print_runner_info(std::ostream& out, const nlohmann::json& info) {
  print_fields(out, info,
               {{"Name", "/name"},
                {"State", "/state"},
                {"Task", "/task"},
                {"Task type", "/task_type"},
                {"Run", "/run_id"},
                {"Peers wanted", "/peers_wanted"},
                {"Targets", "/targets"},
                {"Assigned", "/assigned_ms"},
                {"Peers enrolled", "/peers/enrolled"},
                {"Peers running", "/peers/running"},
                {"Peers complete", "/peers/complete"},
                {"Peers failed", "/peers/failed"},
                {"Nodes done", "/nodes_done"},
                {"Message", "/message"}});
}

void print_runner_status(std::ostream& out, const nlohmann::json& info) {
  print_fields(out, info,
               {{"Name", "/name"},
                {"State", "/state"},
                {"Task", "/task"},
                {"Peers wanted", "/peers_wanted"},
                {"Running", "/peers/running"},
                {"Complete", "/peers/complete"},
                {"Failed", "/peers/failed"},
                {"Nodes done", "/nodes_done"},
                {"Message", "/message"}});
}

void print_runner_table(std::ostream& out, const nlohmann::json& infos) {
  print_table(out, infos,
              {{"NAME", "/name"},
               {"STATE", "/state"},
               {"TASK", "/task"},
               {"PEERS WANTED", "/peers_wanted"},
               {"ENROLLED", "/peers/enrolled"},
               {"RUNNING", "/peers/running"},
               {"COMPLETE", "/peers/complete"},
               {"FAILED", "/peers/failed"}});
}

void print_peer(std::ostream& out, const nlohmann::json& peer) {
  print_fields(out, peer,
               {{"Index", "/index"},
                {"UID", "/uuid"},
                {"Name", "/name"},
                {"Host", "/host"},
                {"State", "/state"},
                {"Run", "/run_id"},
                {"Nodes", "/nodes"},
                {"Nodes done", "/nodes_done"},
                {"Alive", "/alive"},
                {"Enrolled", "/enrolled_ms"},
                {"Started", "/started_ms"},
                {"Ended", "/ended_ms"},
                {"Message", "/message"}});
}

void print_peer_table(std::ostream& out, const nlohmann::json& peers) {
  print_table(out, peers,
              {{"INDEX", "/index"},
               {"UID", "/uuid"},
               {"NAME", "/name"},
               {"HOST", "/host"},
               {"STATE", "/state"},
               {"NODES", "/nodes"},
               {"DONE", "/nodes_done"},
               {"ALIVE", "/alive"},
               {"MESSAGE", "/message"}});
}

} // namespace swarm::swci::detail
