// A SWOP delegate and a sentinel SN delegate wired through a fake
// node_context (no CAF): the SWOP enrolls, takes an assigned run, reports
// COMPLETE, goes back to ENROLLED on RESET, and a RESET during a run stops
// its SLs (the fake `swarm` of fixtures.hpp).

#define BOOST_TEST_MODULE swop_delegate
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <deque>
#include <sstream>

#include "fixtures.hpp"
#include "process.hpp"
#include "../sn/fake_context.hpp"
#include "swarm/membership/crdt_entry.hpp"
#include "swarm/membership/state_task_record.hpp"
#include "swarm/sn/sn_delegate.hpp"
#include "swarm/swop/swop_delegate.hpp"
#include "wait.hpp"

namespace {

using namespace swarm;
using membership::peer_state;

using sn_test::fake_context;
using sn_test::letter;

sn::sn_options overlay(bool sentinel, const std::filesystem::path& dir) {
  return sn_test::overlay_options(sentinel, dir);
}

struct swarm_pair {
  test::temp_dir dir;
  std::deque<letter> queue;
  int64_t clock = 1000;
  sn::sn_delegate sn{overlay(true, dir.path() / "sn")};
  std::unique_ptr<swop::swop_delegate> swop;
  fake_context c1{"SN-1", "a:1", queue, clock};
  fake_context c2{"SWOP-1", "b:1", queue, clock};

  swarm_pair() {
    swop::swop_options opts;
    opts.overlay = overlay(false, dir.path() / "swop-state");
    auto& e = opts.executor;
    e.swarm_binary = test::make_workspace(dir.path());
    e.profile = test::parse_profile_or_die(test::profile_yaml(dir.path(), 1));
    e.usr_dir = dir.path();
    e.data_dir = dir.path() / "swop";
    e.host_ip = "b";
    e.sn_ip = "a";
    e.stop_grace_ms = 2'000;
    swop = std::make_unique<swop::swop_delegate>(std::move(opts));
    sn.on_start(c1);
    swop->on_start(c2);
  }

  // Runs ticks of 100 ms (delivering every letter) until `done` holds.
  bool run_until(const std::function<bool()>& done) {
    return test::wait_until([&] {
      for (int i = 0; i < 5; ++i) {
        clock += 100;
        sn.on_tick(c1, clock);
        swop->on_tick(c2, clock);
        while (!queue.empty()) {
          auto x = std::move(queue.front());
          queue.pop_front();
          if (x.to_address == "a:1")
            sn.on_message(c1, x.from, x.env);
          else
            swop->on_message(c2, x.from, x.env);
        }
      }
      return done();
    });
  }

  std::optional<membership::taskrunner_peer_record> entry() {
    std::optional<membership::taskrunner_peer_record> result;
    sn.state().map_of<membership::taskrunner_peer_record>().for_each(
      [&](const auto& x) { result = x; });
    return result;
  }

  template <class T>
  void put(const T& record) {
    auto entry = sn.state().map_of<T>().put(record, sn.identity().uuid,
                                            membership::hlc_floor(1'800'000'000'000));
    BOOST_REQUIRE(entry);
    sn.share(membership::state_update{std::string{T::map_name}, *entry});
  }

  void assign(uint64_t run, const std::string& task) {
    membership::taskrunner_record r;
    r.name = "defaulttaskbb.taskdb.sml.hpe";
    r.task = task;
    r.task_type = task.empty() ? "" : "RUN_SWARM";
    r.run_id = run;
    r.peers_wanted = task.empty() ? 0 : 1;
    put(r);
  }

  void add_task() {
    membership::task_record t;
    t.name = "swarm_task";
    t.type = "RUN_SWARM";
    t.author = "test";
    t.prereq = "ROOTTASK";
    t.outcome = "swarm_task";
    auto yaml = test::run_task_yaml("sh", "model/train.sh", dir.path() / "model");
    std::istringstream body{yaml.substr(yaml.find("Body:\n") + 6)};
    for (std::string line; std::getline(body, line);)
      t.body.push_back(line.substr(2));
    t.finalized = true;
    put(t);
  }

  bool entry_is(peer_state state, uint64_t run) {
    auto e = entry();
    return e && e->state == state && e->run_id == run;
  }
};

} // namespace

BOOST_AUTO_TEST_CASE(a_swop_enrolls_runs_an_assigned_task_and_is_idle_again_after_reset) {
  swarm_pair p;
  setenv("FAKE_SL_MODE", "ok", 1);
  BOOST_REQUIRE(p.run_until([&] { return p.entry().has_value(); }));
  BOOST_TEST((p.entry()->state == peer_state::enrolled));
  BOOST_TEST(p.entry()->nodes == 1u);
  BOOST_TEST(p.entry()->host == "b");
  p.add_task();
  p.assign(1, "swarm_task");
  BOOST_REQUIRE(p.run_until([&] { return p.entry_is(peer_state::complete, 1); }));
  BOOST_TEST(p.entry()->nodes_done == 1u);
  BOOST_TEST(p.entry()->started_ms > 0u);
  p.assign(2, "");
  BOOST_REQUIRE(p.run_until([&] { return p.entry_is(peer_state::enrolled, 2); }));
}

BOOST_AUTO_TEST_CASE(a_reset_during_a_run_stops_its_sls) {
  swarm_pair p;
  setenv("FAKE_SL_MODE", "hang", 1);
  p.add_task();
  p.assign(3, "swarm_task");
  auto pid_file = p.dir.path() / "swop/runs/swarm_task/0/pid";
  BOOST_REQUIRE(p.run_until([&] {
    return p.entry_is(peer_state::running, 3) && test::read_pid(pid_file) != 0;
  }));
  auto sl = test::read_pid(pid_file);
  p.assign(4, "");
  BOOST_REQUIRE(p.run_until([&] { return p.entry_is(peer_state::enrolled, 4); }));
  BOOST_TEST(test::wait_until([&] { return test::process_gone(sl); }));
}

BOOST_AUTO_TEST_CASE(an_invalid_or_missing_task_fails_the_run_here_with_the_reason) {
  swarm_pair p;
  membership::task_record t;
  t.name = "broken";
  t.type = "RUN_SWARM";
  t.author = "a";
  t.prereq = "ROOTTASK";
  t.outcome = "o";
  t.body = {"Command: x"};
  t.finalized = true;
  p.put(t);
  p.assign(5, "broken");
  BOOST_REQUIRE(p.run_until([&] { return p.entry_is(peer_state::failed, 5); }));
  BOOST_TEST(p.entry()->message.find("task 'broken' is invalid") != std::string::npos,
             p.entry()->message);
}
