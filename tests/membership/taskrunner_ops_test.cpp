#define BOOST_TEST_MODULE membership.taskrunner_ops
#include <boost/test/unit_test.hpp>

#include <set>

#include "object_ops_fixture.hpp"
#include "swarm/membership/task_ops.hpp"
#include "swarm/membership/crdt_entry.hpp"
#include "swarm/membership/state_node_record.hpp"
#include "swarm/membership/state_uuid.hpp"
#include "swarm/membership/taskrunner_ops.hpp"

using namespace swarm::membership;
using namespace ops_fixture;

namespace {

const std::string tr{default_taskrunner};

// A state holding both walkthrough tasks, finalized.
swarm_state with_tasks() {
  swarm_state s;
  put(s, ok(create_task_from_yaml(s, build_task_yaml, "b.yaml", 1)));
  put(s, ok(finalize_task(s, "user_env_tf_build_task")));
  put(s, ok(create_task_from_yaml(s, mnist_task_yaml, "m.yaml", 2)));
  put(s, ok(finalize_task(s, "swarm_mnist_task")));
  return s;
}

taskrunner_peer_record peer(std::string uuid, uint64_t run_id, peer_state state,
                            uint32_t nodes = 1, uint32_t nodes_done = 0) {
  taskrunner_peer_record p;
  p.taskrunner = tr;
  p.swop_uuid = uuid;
  p.swop_name = "swop-" + uuid;
  p.host = "127.0.0.1";
  p.run_id = run_id;
  p.state = state;
  p.nodes = nodes;
  p.nodes_done = nodes_done;
  p.enrolled_ms = 100 - uuid.size();
  return p;
}

bool everyone_alive(std::string_view) {
  return true;
}

assign_request with_peers(std::string task, uint32_t n) {
  return {tr, std::move(task), n, false, {}};
}

runner_state state_of(const swarm_state& s, const swop_liveness& alive = everyone_alive) {
  auto r = ok(find_taskrunner(s, tr));
  return derive_status(r, peers_of(s, tr), alive).state;
}

} // namespace

BOOST_AUTO_TEST_CASE(the_default_taskrunner_exists_idle_from_the_start) {
  swarm_state s;
  auto r = ok(find_taskrunner(s, tr));
  BOOST_TEST(r.task.empty());
  BOOST_TEST(list_taskrunners(s).size() == 1u);
  refused(create_taskrunner(s, tr, 5), op_errc::conflict, "already exists");
  put(s, ok(create_taskrunner(s, "aaa", 5)));
  auto all = list_taskrunners(s);
  BOOST_REQUIRE(all.size() == 2u);
  BOOST_TEST(all[0].name == "aaa");
  refused(find_taskrunner(s, "zzz"), op_errc::not_found, "taskrunner 'zzz' does not exist");
  refused(create_taskrunner(s, "a/b", 5), op_errc::invalid, "invalid taskrunner name");
  BOOST_TEST(to_string(state_of(s)) == "IDLE");
}

BOOST_AUTO_TEST_CASE(assigning_refuses_unfinalized_tasks_and_missing_prerequisites) {
  swarm_state s;
  put(s, ok(create_task_from_yaml(s, mnist_task_yaml, "m.yaml", 1)));
  refused(assign_task(s, with_peers("swarm_mnist_task", 2), 10, everyone_alive),
          op_errc::conflict, "task 'swarm_mnist_task' is not finalized");
  put(s, ok(finalize_task(s, "swarm_mnist_task")));
  refused(assign_task(s, with_peers("swarm_mnist_task", 2), 10, everyone_alive),
          op_errc::conflict, "prerequisite 'user_env_tf_build_task' of task 'swarm_mnist_task' "
                             "does not exist");
  put(s, ok(create_task_from_yaml(s, build_task_yaml, "b.yaml", 1)));
  refused(assign_task(s, with_peers("swarm_mnist_task", 2), 10, everyone_alive),
          op_errc::conflict, "is not finalized");
  refused(assign_task(s, with_peers("nope", 2), 10, everyone_alive), op_errc::not_found,
          "task 'nope' does not exist");
  refused(assign_task(s, {"zzz", "swarm_mnist_task", 2, false, {}}, 10, everyone_alive),
          op_errc::not_found, "taskrunner 'zzz' does not exist");
  refused(assign_task(s, with_peers("swarm_mnist_task", 0), 10, everyone_alive),
          op_errc::invalid, "exactly one of");
}

BOOST_AUTO_TEST_CASE(a_run_swarm_quorum_counts_sl_ml_pairs_and_completes) {
  auto s = with_tasks();
  auto r = ok(assign_task(s, with_peers("swarm_mnist_task", 2), 1000, everyone_alive));
  BOOST_TEST(r.run_id == 1000u);
  BOOST_TEST(r.task_type == "RUN_SWARM");
  put(s, r);
  BOOST_TEST(to_string(state_of(s)) == "RUNNING");
  refused(assign_task(s, with_peers("user_env_tf_build_task", 1), 1001, everyone_alive),
          op_errc::conflict,
          "taskrunner 'defaulttaskbb.taskdb.sml.hpe' is RUNNING task 'swarm_mnist_task'");
  put(s, peer("a", r.run_id, peer_state::running, 1, 1));
  put(s, peer("bb", r.run_id, peer_state::running, 1, 0));
  auto st = derive_status(r, peers_of(s, tr), everyone_alive);
  BOOST_TEST(to_string(st.state) == "RUNNING");
  BOOST_TEST(st.nodes_done == 1u);
  BOOST_TEST(st.running == 2u);
  put(s, peer("bb", r.run_id, peer_state::complete, 1, 1));
  st = derive_status(r, peers_of(s, tr), everyone_alive);
  BOOST_TEST(to_string(st.state) == "COMPLETE");
  BOOST_TEST(st.message.find("2 of 2 SL/ML pairs done") != std::string::npos, st.message);
  // COMPLETE frees the taskrunner for the next assignment.
  auto next = ok(assign_task(s, with_peers("user_env_tf_build_task", 1), 1001, everyone_alive));
  BOOST_TEST(next.run_id == 1001u);
}

BOOST_AUTO_TEST_CASE(a_swop_killed_mid_task_ends_the_run_in_error) {
  auto s = with_tasks();
  put(s, ok(assign_task(s, with_peers("swarm_mnist_task", 2), 1000, everyone_alive)));
  put(s, peer("a", 1000, peer_state::running));
  put(s, peer("bb", 1000, peer_state::running));
  auto dead_bb = [](std::string_view uuid) { return uuid != "bb"; };
  auto runner = ok(find_taskrunner(s, tr));
  auto st = derive_status(runner, peers_of(s, tr), dead_bb);
  BOOST_TEST(to_string(st.state) == "ERROR");
  BOOST_TEST(st.message.find("SWOP 'swop-bb' (bb) is no longer alive") != std::string::npos,
             st.message);
  // ERROR frees the taskrunner.
  BOOST_TEST(static_cast<bool>(assign_task(s, with_peers("swarm_mnist_task", 1), 2000, dead_bb)));
}

BOOST_AUTO_TEST_CASE(a_failed_peer_errs_only_once_the_quorum_is_out_of_reach) {
  auto s = with_tasks();
  put(s, ok(assign_task(s, with_peers("user_env_tf_build_task", 1), 1000, everyone_alive)));
  put(s, peer("a", 1000, peer_state::failed));
  put(s, peer("bb", 1000, peer_state::running));
  BOOST_TEST(to_string(state_of(s)) == "RUNNING");
  put(s, peer("bb", 1000, peer_state::failed));
  auto st = derive_status(ok(find_taskrunner(s, tr)), peers_of(s, tr), everyone_alive);
  BOOST_TEST(to_string(st.state) == "ERROR");
  BOOST_TEST(st.failed == 2u);
}

BOOST_AUTO_TEST_CASE(a_target_retries_a_failed_run_and_keeps_its_run_id) {
  auto s = with_tasks();
  put(s, peer("a", 0, peer_state::enrolled));
  put(s, ok(assign_task(s, with_peers("user_env_tf_build_task", 1), 1000, everyone_alive)));
  put(s, peer("a", 1000, peer_state::failed));
  BOOST_TEST(to_string(state_of(s)) == "ERROR");
  refused(assign_task(s, {tr, "user_env_tf_build_task", 0, false, "zz"}, 1500, everyone_alive),
          op_errc::not_found, "SWOP 'zz' is not enrolled");
  auto r = ok(assign_task(s, {tr, "user_env_tf_build_task", 0, false, "a"}, 1500,
                          everyone_alive));
  BOOST_TEST(r.run_id == 1000u);
  BOOST_TEST(r.targets == std::vector<std::string>{"a"});
  BOOST_TEST(r.targeted_ms == 1500u);
  put(s, r);
  put(s, peer("a", 1000, peer_state::running));
  BOOST_TEST(to_string(state_of(s)) == "RUNNING");
  put(s, peer("a", 1000, peer_state::complete));
  BOOST_TEST(to_string(state_of(s)) == "COMPLETE");
}

BOOST_AUTO_TEST_CASE(all_peers_counts_the_live_swops_enrolled_at_assignment) {
  auto s = with_tasks();
  refused(assign_task(s, {tr, "swarm_mnist_task", 0, true, {}}, 1000, everyone_alive),
          op_errc::conflict, "no SWOP is enrolled");
  put(s, peer("a", 0, peer_state::enrolled, 2));
  put(s, peer("bb", 0, peer_state::enrolled, 2));
  put(s, peer("ccc", 0, peer_state::enrolled, 2));
  auto not_ccc = [](std::string_view uuid) { return uuid != "ccc"; };
  auto r = ok(assign_task(s, {tr, "swarm_mnist_task", 0, true, {}}, 1000, not_ccc));
  BOOST_TEST(r.peers_wanted == 2u);
  BOOST_TEST(r.all_peers);
  put(s, r);
  put(s, peer("a", 1000, peer_state::complete, 2, 2));
  BOOST_TEST(to_string(state_of(s, not_ccc)) == "RUNNING");
  put(s, peer("bb", 1000, peer_state::complete, 2, 2));
  BOOST_TEST(to_string(state_of(s, not_ccc)) == "COMPLETE");
}

BOOST_AUTO_TEST_CASE(reset_makes_the_taskrunner_idle_and_earlier_entries_stale) {
  auto s = with_tasks();
  put(s, ok(assign_task(s, with_peers("swarm_mnist_task", 1), 1000, everyone_alive)));
  put(s, peer("a", 1000, peer_state::running));
  auto r = ok(reset_taskrunner(s, tr, 900));
  BOOST_TEST(r.run_id == 1001u);
  BOOST_TEST(r.task.empty());
  put(s, r);
  auto st = derive_status(r, peers_of(s, tr), everyone_alive);
  BOOST_TEST(to_string(st.state) == "IDLE");
  BOOST_TEST(st.enrolled == 1u);
  BOOST_TEST(st.running == 0u);
  refused(reset_taskrunner(s, "zzz", 1), op_errc::not_found, "does not exist");
}

BOOST_AUTO_TEST_CASE(peers_are_indexed_by_enrolment_whatever_their_uuids) {
  swarm_state s;
  put(s, peer("ccc", 0, peer_state::enrolled));
  put(s, peer("a", 0, peer_state::enrolled));
  auto other = peer("x", 0, peer_state::enrolled);
  other.taskrunner = "other";
  put(s, other);
  auto ps = peers_of(s, tr);
  BOOST_REQUIRE(ps.size() == 2u);
  // enrolled_ms is 100 minus the uuid's length: "ccc" enrolled first.
  BOOST_TEST(ps[0].swop_uuid == "ccc");
  BOOST_TEST(ps[1].swop_uuid == "a");
}

BOOST_AUTO_TEST_CASE(peer_entries_written_on_two_replicas_all_survive_the_merge) {
  auto a = with_tasks();
  auto b = with_tasks();
  std::vector<state_update> from_a;
  std::vector<state_update> from_b;
  // Each SWOP writes only its own key, on a different replica.
  for (int i = 0; i < 5; ++i) {
    from_a.push_back(put(a, peer("a" + std::to_string(i), 0, peer_state::enrolled), writer(1)));
    from_b.push_back(put(b, peer("b" + std::to_string(i), 0, peer_state::enrolled), writer(2)));
  }
  for (const auto& u : from_b)
    BOOST_REQUIRE(a.merge(u));
  for (const auto& u : from_a)
    BOOST_REQUIRE(b.merge(u));
  BOOST_TEST(same_contents(a, b));
  BOOST_TEST(peers_of(a, tr).size() == 10u);
}

BOOST_AUTO_TEST_CASE(two_sns_assigning_at_once_converge_on_one_run_and_lose_no_peer) {
  auto a = with_tasks();
  auto b = with_tasks();
  put(a, peer("a", 0, peer_state::enrolled), writer(3));
  put(b, peer("bb", 0, peer_state::enrolled), writer(4));
  auto ua = put(a, ok(assign_task(a, with_peers("swarm_mnist_task", 1), 5000, everyone_alive)),
                writer(1));
  auto ub = put(b, ok(assign_task(b, with_peers("user_env_tf_build_task", 1), 5001,
                                  everyone_alive)), writer(2));
  // Each SWOP starts the run its replica shows.
  auto pa = put(a, peer("a", 5000, peer_state::running), writer(3));
  auto pb = put(b, peer("bb", 5001, peer_state::running), writer(4));
  for (const auto& u : {ua, pa})
    BOOST_REQUIRE(b.merge(u));
  for (const auto& u : {ub, pb})
    BOOST_REQUIRE(a.merge(u));
  BOOST_TEST(same_contents(a, b));
  auto ra = ok(find_taskrunner(a, tr));
  BOOST_TEST((ra == ok(find_taskrunner(b, tr))));
  BOOST_TEST(peers_of(a, tr).size() == 2u);
  // The runs had different ids, so the losing run's SWOP sees it is stale.
  std::set<uint64_t> ids;
  for (const auto& p : peers_of(a, tr))
    ids.insert(p.run_id);
  BOOST_TEST(ids.size() == 2u);
  BOOST_TEST(ids.contains(ra.run_id));
}

BOOST_AUTO_TEST_CASE(a_swop_whose_record_goes_silent_counts_as_dead_as_one_declared_dead) {
  swarm_state s;
  auto uuid = *parse_uuid("0b6f7c1e-1a2b-4c3d-8e9f-001122334455");
  node_record swop;
  swop.type = node_type::swop;
  swop.host = "127.0.1.1";
  swop.name = "SWOP-1";
  swop.uuid = uuid;
  swop.last_seen_ms = 1'000;
  BOOST_REQUIRE(s.nodes().put(swop, uuid, 1));
  auto text = uuid.to_string();
  BOOST_TEST(liveness_in(s, 1'000 + swop_silence_limit_ms)(text));
  BOOST_TEST(!liveness_in(s, 1'001 + swop_silence_limit_ms)(text));
  // A clock behind the record's is no silence.
  BOOST_TEST(liveness_in(s, 500)(text));
  BOOST_TEST(liveness_in(s, 1'000'000)("not-a-known-swop"));
  swop.status = node_status::dead;
  BOOST_REQUIRE(s.nodes().put(swop, uuid, 2));
  BOOST_TEST(!liveness_in(s, 1'000)(text));
}

BOOST_AUTO_TEST_CASE(a_swop_known_only_by_its_peer_entry_is_dead_once_the_entry_goes_silent) {
  swarm_state s;
  auto entry = peer("0b6f7c1e-1a2b-4c3d-8e9f-001122334466", 7, peer_state::running);
  BOOST_REQUIRE(s.map_of<taskrunner_peer_record>().put(
    entry, *parse_uuid(entry.swop_uuid), hlc_floor(1'000)));
  BOOST_TEST(liveness_in(s, 1'000 + swop_silence_limit_ms)(entry.swop_uuid));
  BOOST_TEST(!liveness_in(s, 1'001 + swop_silence_limit_ms)(entry.swop_uuid));
  // Its refresh brings it back.
  BOOST_REQUIRE(s.map_of<taskrunner_peer_record>().put(
    entry, *parse_uuid(entry.swop_uuid), hlc_floor(30'000)));
  BOOST_TEST(liveness_in(s, 1'001 + swop_silence_limit_ms)(entry.swop_uuid));
}
