#define BOOST_TEST_MODULE membership.taskrunner_lost_run
#include <boost/test/unit_test.hpp>

// A SWOP that dies right after it takes a run, before its RUNNING entry got
// out: the others only ever see its entry ENROLLED. The run must still end in
// ERROR once that SWOP is dead and the quorum is out of reach, while live
// SWOPs that have not picked the run up yet keep it RUNNING.

#include <string>

#include "object_ops_fixture.hpp"
#include "swarm/membership/crdt_entry.hpp"
#include "swarm/membership/state_node_record.hpp"
#include "swarm/membership/state_uuid.hpp"
#include "swarm/membership/task_ops.hpp"
#include "swarm/membership/taskrunner_ops.hpp"

using namespace swarm::membership;
using namespace ops_fixture;

namespace {

const std::string tr{default_taskrunner};
// Not RUN_SWARM: the quorum counts SWOPs.
const std::string build_task = "user_env_tf_build_task";
const std::string mnist_task = "swarm_mnist_task";
constexpr uint64_t assigned_ms = 100'000;

/// A state with both walkthrough tasks finalized and SWOPs written with
/// wall-clock versions, as the SN sees them.
struct fleet {
  swarm_state s;

  fleet() {
    put(s, ok(create_task_from_yaml(s, build_task_yaml, "b.yaml", 1)));
    put(s, ok(finalize_task(s, build_task)));
    put(s, ok(create_task_from_yaml(s, mnist_task_yaml, "m.yaml", 2)));
    put(s, ok(finalize_task(s, mnist_task)));
  }

  static std::string uuid(char c) {
    return std::string{"0b6f7c1e-1a2b-4c3d-8e9f-00112233445"} + c;
  }

  /// SWOP `c`'s node record, written at `at_ms` (its last sign of life
  /// unless `status` says it is gone).
  void node(char c, node_status status, uint64_t at_ms, uint64_t last_seen_ms) {
    node_record x;
    x.type = node_type::swop;
    x.host = "127.0.0.1";
    x.name = std::string{"SWOP-"} + c;
    x.uuid = *parse_uuid(uuid(c));
    x.status = status;
    x.last_seen_ms = last_seen_ms;
    BOOST_REQUIRE(s.nodes().put(x, x.uuid, hlc_floor(at_ms)));
  }

  /// SWOP `c`'s taskrunner entry, written by it at `at_ms`.
  void entry(char c, uint64_t run_id, peer_state state, uint64_t at_ms, uint32_t nodes = 1) {
    taskrunner_peer_record p;
    p.taskrunner = tr;
    p.swop_uuid = uuid(c);
    p.swop_name = std::string{"SWOP-"} + c;
    p.host = "127.0.0.1";
    p.run_id = run_id;
    p.state = state;
    p.nodes = nodes;
    p.enrolled_ms = 1'000;
    BOOST_REQUIRE(s.map_of<taskrunner_peer_record>().put(p, *parse_uuid(p.swop_uuid),
                                                         hlc_floor(at_ms)));
  }

  /// An enrolled, live SWOP `c` as of `at_ms`.
  void live(char c, uint64_t at_ms, uint32_t nodes = 1) {
    node(c, node_status::active, at_ms, at_ms);
    entry(c, 0, peer_state::enrolled, at_ms, nodes);
  }

  /// Assigns `task` as the SN would at `assigned_ms`.
  taskrunner_record assign(assign_request req) {
    auto r = ok(assign_task(s, req, assigned_ms, liveness_in(s, assigned_ms)));
    put(s, r);
    return r;
  }

  taskrunner_status at(uint64_t now_ms) const {
    return status_in(s, ok(find_taskrunner(s, tr)), now_ms);
  }
};

assign_request with_peers(const std::string& task, uint32_t n) {
  return {tr, task, n, false, {}};
}

bool has(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_swop_dead_before_its_running_entry_got_out_ends_the_run_in_error) {
  fleet c;
  c.live('a', 95'000);
  c.assign(with_peers(build_task, 1));
  // Right after the assignment the SWOP is ENROLLED, about to take the run.
  BOOST_TEST(to_string(c.at(assigned_ms + 500).state) == "RUNNING");
  // It took the run and was killed at once; the SN's SWIM declares it dead.
  c.node('a', node_status::dead, 106'000, 95'000);
  auto st = c.at(106'100);
  BOOST_TEST(to_string(st.state) == "ERROR", st.message);
  BOOST_TEST(has(st.message, "SWOP 'SWOP-a' (" + fleet::uuid('a') + ") died before it was seen "
                             "taking the run"), st.message);
  BOOST_TEST(has(st.message, "the quorum of 1 SWOPs can no longer be reached (0 of 1 SWOPs done)"),
             st.message);
  BOOST_TEST(st.enrolled == 1u);
  // ERROR frees the taskrunner, as for a SWOP dead while RUNNING.
  BOOST_TEST(static_cast<bool>(
    assign_task(c.s, with_peers(build_task, 1), 106'200, liveness_in(c.s, 106'200))));
  // The view with the present liveness only keeps the old rule.
  auto r = ok(find_taskrunner(c.s, tr));
  BOOST_TEST(to_string(derive_status(r, peers_of(c.s, tr), liveness_in(c.s, 106'100)).state)
             == "RUNNING");
}

BOOST_AUTO_TEST_CASE(a_swop_never_declared_dead_is_lost_once_it_went_silent) {
  fleet c;
  c.live('a', 95'000);
  c.assign(with_peers(build_task, 1));
  BOOST_TEST(to_string(c.at(95'000 + swop_silence_limit_ms).state) == "RUNNING");
  auto st = c.at(95'001 + swop_silence_limit_ms);
  BOOST_TEST(to_string(st.state) == "ERROR", st.message);
  BOOST_TEST(has(st.message, "SWOP 'SWOP-a'"), st.message);
}

BOOST_AUTO_TEST_CASE(a_swop_dead_before_the_assignment_does_not_fail_the_run) {
  fleet c;
  c.live('d', 80'000);
  c.node('d', node_status::dead, 90'000, 80'000);
  c.live('e', 99'000);
  c.assign(with_peers(build_task, 2));
  auto run_id = ok(find_taskrunner(c.s, tr)).run_id;
  c.entry('e', run_id, peer_state::running, 100'400);
  // One taker of two: the run waits for a second SWOP, as before.
  auto st = c.at(120'000);
  BOOST_TEST(to_string(st.state) == "RUNNING", st.message);
  // Long after, with the live SWOP still refreshing.
  c.node('e', node_status::active, 200'000, 200'000);
  c.entry('e', run_id, peer_state::running, 200'000);
  BOOST_TEST(to_string(c.at(200'100).state) == "RUNNING");
}

BOOST_AUTO_TEST_CASE(live_swops_that_may_still_take_the_run_keep_it_running_for_a_while) {
  fleet c;
  c.live('a', 99'000);
  c.live('b', 99'000);
  c.assign(with_peers(build_task, 1));
  c.node('a', node_status::dead, 103'000, 99'000);
  // B has not picked the run up yet: it still may.
  BOOST_TEST(to_string(c.at(103'100).state) == "RUNNING");
  // B lives on, but never takes the run (it saw A take it): past the grace
  // it no longer counts.
  c.live('b', 134'000);
  BOOST_TEST(to_string(c.at(assigned_ms + swop_take_grace_ms - 1).state) == "RUNNING");
  auto st = c.at(assigned_ms + swop_take_grace_ms);
  BOOST_TEST(to_string(st.state) == "ERROR", st.message);
  BOOST_TEST(has(st.message, "SWOP 'SWOP-a'"), st.message);
  // Had B taken it, the run would go on.
  c.entry('b', ok(find_taskrunner(c.s, tr)).run_id, peer_state::running, 104'000);
  BOOST_TEST(to_string(c.at(assigned_ms + swop_take_grace_ms).state) == "RUNNING");
}

BOOST_AUTO_TEST_CASE(with_sl_ml_pairs_the_possible_takers_count_their_nodes) {
  fleet c;
  c.live('a', 99'000, 1);
  c.live('b', 99'000, 2);
  c.assign(with_peers(mnist_task, 2));
  c.node('a', node_status::dead, 103'000, 99'000);
  // B alone may still bring the 2 pairs.
  BOOST_TEST(to_string(c.at(103'100).state) == "RUNNING");
  c.live('b', 99'000, 1);
  auto st = c.at(103'100);
  BOOST_TEST(to_string(st.state) == "ERROR", st.message);
  BOOST_TEST(has(st.message, "the quorum of 2 SL/ML pairs can no longer be reached"), st.message);
}

BOOST_AUTO_TEST_CASE(a_dead_swop_that_is_not_a_target_does_not_fail_a_targeted_run) {
  fleet c;
  c.live('a', 99'000);
  c.live('b', 99'000);
  c.assign({tr, build_task, 0, false, fleet::uuid('b')});
  c.node('a', node_status::dead, 103'000, 99'000);
  BOOST_TEST(to_string(c.at(103'100).state) == "RUNNING");
  c.node('b', node_status::dead, 104'000, 99'000);
  auto st = c.at(104'100);
  BOOST_TEST(to_string(st.state) == "ERROR", st.message);
  BOOST_TEST(has(st.message, "SWOP 'SWOP-b'"), st.message);
}

BOOST_AUTO_TEST_CASE(liveness_as_of_counts_a_death_from_when_it_was_written) {
  fleet c;
  c.node('a', node_status::dead, 50'000, 40'000);
  auto a = fleet::uuid('a');
  BOOST_TEST(liveness_as_of(c.s, 49'999)(a));
  BOOST_TEST(!liveness_as_of(c.s, 50'000)(a));
  BOOST_TEST(!liveness_in(c.s, 49'999)(a));
  // Silence counts as of the time asked about.
  BOOST_TEST(liveness_as_of(c.s, 40'000 + swop_silence_limit_ms)("unknown"));
  c.node('b', node_status::active, 10'000, 10'000);
  auto b = fleet::uuid('b');
  BOOST_TEST(liveness_as_of(c.s, 10'000 + swop_silence_limit_ms)(b));
  BOOST_TEST(!liveness_as_of(c.s, 10'001 + swop_silence_limit_ms)(b));
}
