#pragma once

#include <iosfwd>

#include <nlohmann/json.hpp>

// How taskrunners and their peers are shown (shared by the taskrunner
// commands and WAIT FOR TASKRUNNER).
namespace swarm::swci::detail {

/// GET TASKRUNNER INFO: every field of the info object.
void print_runner_info(std::ostream& out, const nlohmann::json& info);

/// GET TASKRUNNER STATUS: state, task and peer counts.
void print_runner_status(std::ostream& out, const nlohmann::json& info);

/// LIST TASKRUNNERS.
void print_runner_table(std::ostream& out, const nlohmann::json& infos);

/// GET TASKRUNNER PEER STATUS: every field of one peer.
void print_peer(std::ostream& out, const nlohmann::json& peer);

/// LIST TASKRUNNER PEERS.
void print_peer_table(std::ostream& out, const nlohmann::json& peers);

} // namespace swarm::swci::detail
