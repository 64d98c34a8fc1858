#include "task_support.hpp"

#include "json_numbers.hpp"

#include <charconv>
#include <chrono>
#include <cmath>

#include "swarm/common/sha256.hpp"
#include "swarm/membership/taskrunner_ops.hpp"

namespace swarm::api::detail {

namespace {

// Status reads judge a SWOP's silence against the wall clock, as the
// records' last-seen times are wall-clock times.
uint64_t wall_clock_ms() {
  using namespace std::chrono;
  return static_cast<uint64_t>(
    duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

using namespace membership;


nlohmann::json peer_json(const taskrunner_peer_record& p, size_t index, bool alive) {
  return {{"index", index},          {"uuid", p.swop_uuid},
          {"name", p.swop_name},     {"host", p.host},
          {"state", to_string(p.state)}, {"run_id", p.run_id},
          {"message", p.message},    {"nodes", p.nodes},
          {"nodes_done", p.nodes_done}, {"enrolled_ms", p.enrolled_ms},
          {"started_ms", p.started_ms}, {"ended_ms", p.ended_ms},
          {"alive", alive}};
}

} // namespace

json_body parse_object(const request& req) {
  if (req.body.empty())
    return nlohmann::json::object();
  auto body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return response::error(400, "the request body must be a JSON object");
  return body;
}

std::variant<std::string, response> string_field(const nlohmann::json& body,
                                                 std::string_view key, bool required,
                                                 std::string fallback) {
  auto i = body.find(key);
  if (i == body.end() || i->is_null()) {
    if (required)
      return response::error(400, "field '" + std::string{key} + "' is required");
    return fallback;
  }
  if (!i->is_string())
    return response::error(400, "field '" + std::string{key} + "' must be a string");
  return i->get<std::string>();
}

response refusal(const op_error& x) {
  return response::error(http_status(x.code), x.message);
}

response run_change(task_provider& provider, state_change change,
                    std::chrono::milliseconds timeout) {
  auto reply = provider.apply(std::move(change));
  if (reply.wait_for(timeout) != std::future_status::ready)
    return response::error(503, "the SN did not apply the change within "
                                  + std::to_string(timeout.count()) + " ms; retry");
  return reply.get();
}

nlohmann::json task_json(const task_record& x, bool with_body) {
  nlohmann::json out = {{"name", x.name},           {"type", x.type},
                        {"author", x.author},       {"prereq", x.prereq},
                        {"outcome", x.outcome},     {"finalized", x.finalized},
                        {"body_lines", x.body.size()}, {"created_ms", x.created_ms}};
  if (with_body)
    out["body"] = x.body;
  return out;
}

nlohmann::json runner_json(const swarm_state& state, const taskrunner_record& x) {
  auto st = status_in(state, x, wall_clock_ms());
  return {{"name", x.name},
          {"state", to_string(st.state)},
          {"task", x.task},
          {"task_type", x.task_type},
          {"run_id", x.run_id},
          {"peers_wanted", x.all_peers ? 0u : x.peers_wanted},
          {"quorum", {{"done", st.quorum_done}, {"wanted", st.quorum_wanted}}},
          {"targets", x.targets},
          {"assigned_ms", x.assigned_ms},
          {"created_ms", x.created_ms},
          {"peers",
           {{"enrolled", st.enrolled},
            {"running", st.running},
            {"complete", st.complete},
            {"failed", st.failed}}},
          {"nodes_done", st.nodes_done},
          {"message", st.message}};
}

nlohmann::json peers_json(const swarm_state& state, std::string_view name) {
  auto alive = liveness_in(state, wall_clock_ms());
  auto rows = nlohmann::json::array();
  auto peers = peers_of(state, name);
  for (size_t i = 0; i < peers.size(); ++i)
    rows.push_back(peer_json(peers[i], i, alive(peers[i].swop_uuid)));
  return {{"peers", std::move(rows)}};
}

nlohmann::json contract_json(const contract_info& x) {
  return {{"name", x.record.name},
          {"created_ms", x.record.created_ms},
          {"resets", x.record.resets},
          {"reset_ms", x.record.reset_ms},
          {"state", to_string(x.state)},
          {"rounds_committed", x.rounds_committed},
          {"last_round", x.last_round},
          {"final", x.state == contract_state::finished},
          {"last_committed_ms", x.last_committed_ms}};
}

nlohmann::json contract_status_json(const contract_info& x) {
  return {{"name", x.record.name},
          {"state", to_string(x.state)},
          {"rounds_committed", x.rounds_committed},
          {"last_round", x.last_round},
          {"last_leader", x.last_leader},
          {"participants", x.participants},
          {"final_digest", x.final_digest ? to_hex(*x.final_digest) : std::string{}}};
}

nlohmann::json perfdata_json(std::string_view name, const std::vector<perf_row>& rows) {
  auto peers = nlohmann::json::array();
  for (const auto& r : rows)
    peers.push_back({{"uid", r.uid},
                     {"node", r.node},
                     {"admin", r.admin},
                     {"loss", float_json(r.loss)},
                     {"metric", float_json(r.metric)},
                     {"total_epochs", r.total_epochs},
                     {"completed_epochs", r.completed_epochs},
                     {"round", r.round}});
  return {{"name", name}, {"peers", std::move(peers)}};
}

} // namespace swarm::api::detail
