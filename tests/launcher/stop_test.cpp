// `swarm stop` against real processes: a real `swarm sn` stopped
// gracefully through the run registry, role and host filters, a process
// that ignores SIGTERM, and stale entries of processes that are gone.

#define BOOST_TEST_MODULE launcher.stop_test
#include <boost/test/unit_test.hpp>

#include <csignal>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include "../sl/swarm_process.hpp"
#include "process.hpp"
#include "run_registry.hpp"

namespace {

using namespace sl_test;
using swarm::launcher::list_runs;
using swarm::launcher::process_start_ticks;

/// A plain child (`sh -c script`) registered by hand as `role` on `host`,
/// the way a swarm command registers itself.
struct fake_node {
  pid_t pid = -1;

  fake_node(const fs::path& dir, const std::string& role, const std::string& host,
            const std::string& script) {
    pid = ::fork();
    if (pid == 0) {
      ::execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    nlohmann::json entry{{"role", role},
                         {"pid", pid},
                         {"start_ticks", process_start_ticks(pid)},
                         {"host", host}};
    std::ofstream{dir / (role + "-" + std::to_string(pid) + ".json")} << entry.dump();
  }

  ~fake_node() {
    if (pid > 0 && ::waitpid(pid, nullptr, WNOHANG) == 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }

  /// Returns whether the child has exited (reaping it).
  bool exited() {
    if (pid <= 0)
      return true;
    if (::waitpid(pid, nullptr, WNOHANG) == pid) {
      pid = -1;
      return true;
    }
    return false;
  }
};

swarm::test::process_result swarm_stop(const fs::path& run_dir, std::vector<std::string> args) {
  swarm::test::process_options opts;
  opts.argv = {(swarm::test::bin_dir() / "swarm").string(), "stop"};
  opts.argv.insert(opts.argv.end(), args.begin(), args.end());
  opts.env["SWARM_RUN_DIR"] = run_dir.string();
  opts.deadline = std::chrono::seconds{120};
  return swarm::test::run_process(opts);
}

} // namespace

BOOST_AUTO_TEST_CASE(swarm_stop_stops_a_running_sn_gracefully_and_its_entry_disappears) {
  swarm::test::temp_dir tmp;
  auto run_dir = tmp.path() / "run";
  auto tree = sn_test::make_host(tmp.path(), 1);
  process_group sn{{(swarm::test::bin_dir() / "swarm").string(), "sn", "--sentinel",
                    "--host-ip", "127.0.61.1", "--sn-p2p-port", "31761", "--sn-api-port",
                    "31762", "--key", tree.key("sn").string(), "--cert",
                    tree.cert("sn").string(), "--capath", tree.capath.string(), "--data-dir",
                    (tmp.path() / "sn").string()},
                   {{"SWARM_RUN_DIR", run_dir.string()}},
                   tmp.path() / "sn.log"};
  BOOST_REQUIRE_MESSAGE(wait_until([&] { return list_runs(run_dir).size() == 1; }, 60s),
                        "the SN never registered:\n" + sn.output());
  auto entry = list_runs(run_dir).front();
  BOOST_TEST(entry.role == "sn");
  BOOST_TEST(entry.host == "127.0.61.1");
  BOOST_TEST(entry.pid == sn.pid());

  auto other_host = swarm_stop(run_dir, {"--host-ip", "127.0.62.1"});
  BOOST_TEST(other_host.exit_code == 0);
  BOOST_TEST(other_host.output.find("no swarm processes to stop") != std::string::npos);
  BOOST_TEST(list_runs(run_dir).size() == 1u);

  auto result = swarm_stop(run_dir, {"--sn", "--host-ip", "127.0.61.1"});
  BOOST_TEST(result.exit_code == 0, result.output);
  BOOST_TEST(sn.wait_exit(60s) == 0, "the SN did not exit cleanly:\n" + sn.output());
  // Alone in its overlay, it had nobody to tell of its leave: a clean stop.
  BOOST_TEST(sn.output().find(" : ERROR : ") == std::string::npos, sn.output());
  BOOST_TEST(sn.output().find("no member confirmed") == std::string::npos, sn.output());
  BOOST_TEST(list_runs(run_dir).empty());
}

BOOST_AUTO_TEST_CASE(role_flags_stop_only_their_roles_and_stubborn_processes_are_killed) {
  swarm::test::temp_dir tmp;
  auto run_dir = tmp.path();
  fake_node sl{run_dir, "sl", "127.0.1.1", "exec sleep 300"};
  fake_node stubborn{run_dir, "swop", "127.0.1.1", "trap '' TERM; while :; do sleep 1; done"};
  fake_node sn{run_dir, "sn", "127.0.1.1", "exec sleep 300"};
  BOOST_REQUIRE_EQUAL(list_runs(run_dir).size(), 3u);

  auto result = swarm_stop(run_dir, {"--sl", "--swop", "--timeout", "1"});
  BOOST_TEST(result.exit_code == 0, result.output);
  BOOST_TEST(wait_until([&] { return sl.exited() && stubborn.exited(); }, 30s));
  BOOST_TEST(result.output.find("did not stop within 1 s: killing it") != std::string::npos,
             result.output);
  BOOST_TEST(!sn.exited());
  auto left = list_runs(run_dir);
  BOOST_REQUIRE_EQUAL(left.size(), 1u);
  BOOST_TEST(left.front().role == "sn");

  BOOST_TEST(swarm_stop(run_dir, {}).exit_code == 0);
  BOOST_TEST(wait_until([&] { return sn.exited(); }, 30s));
}

BOOST_AUTO_TEST_CASE(entries_of_processes_that_are_gone_are_dropped_not_signalled) {
  swarm::test::temp_dir tmp;
  auto run_dir = tmp.path();
  {
    fake_node x{run_dir, "sl", "", "exit 0"};
    BOOST_REQUIRE(wait_until([&] { return x.exited(); }, 30s));
  }
  // A garbage file and an entry whose pid now belongs to another process.
  std::ofstream{run_dir / "sn-1.json"} << "not json";
  nlohmann::json reused{{"role", "sn"}, {"pid", ::getpid()}, {"start_ticks", 1}, {"host", ""}};
  std::ofstream{run_dir / "sn-2.json"} << reused.dump();
  BOOST_TEST(list_runs(run_dir).empty());
  BOOST_TEST(fs::is_empty(run_dir));
  auto result = swarm_stop(run_dir, {});
  BOOST_TEST(result.exit_code == 0);
  BOOST_TEST(result.output.find("no swarm processes to stop") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_process_start_time_stays_the_same_while_the_process_changes) {
  auto before = process_start_ticks(::getpid());
  // Grow and touch memory, so every size and fault counter in /proc/<pid>/stat moves.
  std::vector<char> block(64 << 20, 1);
  auto after = process_start_ticks(::getpid());
  BOOST_TEST(before != 0u);
  BOOST_TEST(before == after);
  BOOST_TEST(block[12345] == 1);
  BOOST_TEST(process_start_ticks(0x7ffffff0) == 0u); // no such process
}
