#define BOOST_TEST_MODULE swop_executor
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <sstream>

#include "fixtures.hpp"
#include "process.hpp"
#include "swarm/swop/child_process.hpp"
#include "swarm/swop/task_executor.hpp"
#include "wait.hpp"

namespace fs = std::filesystem;
using namespace swarm;
using namespace swarm::swop;
using membership::peer_state;

namespace {

std::string read(const fs::path& p) {
  std::ifstream in{p};
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct workspace {
  test::temp_dir dir;
  executor_config cfg;

  explicit workspace(int nodes = 1, const std::string& mgr = "PROCESS") {
    cfg.swarm_binary = test::make_workspace(dir.path());
    cfg.profile = test::parse_profile_or_die(test::profile_yaml(dir.path(), nodes, mgr));
    cfg.usr_dir = dir.path();
    cfg.data_dir = dir.path() / "swop";
    cfg.host_ip = "127.0.0.1";
    cfg.sn_ip = "127.0.0.1";
    cfg.stop_grace_ms = 2'000;
  }

  progress run(const std::string& task_yaml, std::stop_token stop = {}) {
    auto task = test::parse_task_or_die(task_yaml);
    return execute(cfg, job{5, task}, stop, [](const progress&) {});
  }

  fs::path node_dir(int idx) const {
    return cfg.data_dir / "runs" / "swarm_task" / std::to_string(idx);
  }

  std::string run_task(const std::string& prereq = "ROOTTASK") const {
    return test::run_task_yaml("sh", "model/train.sh", dir.path() / "model", prereq);
  }
};

// FAKE_SL_MODE for the fake `swarm` the executor starts in this test.
void mode(const char* m) {
  setenv("FAKE_SL_MODE", m, 1);
}

} // namespace

BOOST_AUTO_TEST_CASE(run_swarm_starts_one_sl_per_node_with_mapped_paths_and_completes) {
  workspace w{2};
  mode("ok");
  auto result = w.run(w.run_task());
  BOOST_TEST_REQUIRE((result.state == peer_state::complete), result.message);
  BOOST_TEST(result.nodes == 2u);
  auto args = read(w.node_dir(1) / "args");
  auto root = w.node_dir(1) / "root";
  for (const auto& expected :
       {std::string{"sl\n--host-ip\n127.0.0.1\n--sn-ip\n127.0.0.1\n"}, std::string{"--sl-fs-port\n16001\n"},
        "--key\n" + (w.dir.path() / "cert/sl-key.pem").string() + "\n",
        "--capath\n" + (w.dir.path() / "cert/capath").string() + "\n",
        std::string{"--ml-cmd\nsh model/train.sh\n"}, "--ml-w\n" + (root / "tmp/test").string() + "\n",
        "--ml-e\nDATA_DIR=" + (root / "tmp/test/data").string() + "\n",
        std::string{"--ml-e\nSCRATCH_DIR=user1\n"}, std::string{"--ml-e\nMODEL_DIR=model\n"}})
    BOOST_TEST(args.find(expected) != std::string::npos, "missing: " << expected << " in\n" << args);
  BOOST_TEST(fs::exists(root / "tmp/test/model/train.sh"));
  BOOST_TEST(fs::exists(root / "tmp/test/train.csv"));
  BOOST_TEST(read(w.node_dir(0) / "env.txt").find("SL_MIN_PEERS=2") != std::string::npos);
  BOOST_TEST(fs::exists(w.cfg.data_dir / "runs/swarm_task/sl0.log"));
}

BOOST_AUTO_TEST_CASE(each_run_starts_its_sls_without_the_round_state_of_an_earlier_run) {
  // A run stopped before its final round left its SLs' round state: the
  // next run is a new training, not its resumption. The SL's identity
  // beside it stays.
  workspace w;
  mode("ok");
  auto sl_data = w.cfg.data_dir / "nodes" / "0";
  fs::create_directories(sl_data / "rounds" / "defaultbb.cqdb.sml.hpe");
  std::ofstream{sl_data / "rounds" / "defaultbb.cqdb.sml.hpe" / "state.0"} << "x";
  std::ofstream{sl_data / "identity"} << "kept";
  auto result = w.run(w.run_task());
  BOOST_TEST_REQUIRE((result.state == peer_state::complete), result.message);
  BOOST_TEST(!fs::exists(sl_data / "rounds"));
  BOOST_TEST(read(sl_data / "identity") == "kept");
}

BOOST_AUTO_TEST_CASE(an_sl_that_fails_fails_the_task_with_the_first_error_of_its_log) {
  workspace w;
  mode("fail");
  auto result = w.run(w.run_task());
  BOOST_TEST((result.state == peer_state::failed));
  BOOST_TEST(result.message.find("node 0: the SL exited with status 1: ML session lost: no ML "
                                 "connected")
               != std::string::npos,
             result.message);
}

BOOST_AUTO_TEST_CASE(an_entrypoint_that_does_not_exist_fails_the_task_before_anything_starts) {
  workspace w;
  mode("ok");
  auto result = w.run(test::run_task_yaml("no-such-python", "m.py", w.dir.path() / "model"));
  BOOST_TEST((result.state == peer_state::failed));
  BOOST_TEST(result.message.find("node 0: Entrypoint 'no-such-python' not found")
               != std::string::npos,
             result.message);
  BOOST_TEST(!fs::exists(w.node_dir(0) / "args"));
}

BOOST_AUTO_TEST_CASE(a_stop_request_stops_and_reaps_every_sl) {
  workspace w{2};
  mode("hang");
  std::stop_source stop;
  std::thread canceller{[&] {
    test::wait_until([&] {
      return test::read_pid(w.node_dir(0) / "pid") != 0 && test::read_pid(w.node_dir(1) / "pid") != 0;
    });
    stop.request_stop();
  }};
  auto result = w.run(w.run_task(), stop.get_token());
  canceller.join();
  BOOST_TEST((result.state == peer_state::failed));
  BOOST_TEST(result.message == "stopped");
  for (int i : {0, 1})
    BOOST_TEST(test::process_gone(test::read_pid(w.node_dir(i) / "pid")));
}

BOOST_AUTO_TEST_CASE(docker_without_an_engine_fails_with_a_clear_message) {
  workspace w{1, "DOCKER"};
  w.cfg.docker_socket = w.dir.path() / "no-docker.sock";
  auto result = w.run(w.run_task());
  BOOST_TEST((result.state == peer_state::failed));
  BOOST_TEST(result.message.find("no Docker engine on this host") != std::string::npos);
  BOOST_TEST(result.message.find("mgrtype: PROCESS") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(pull_image_is_refused_clearly_under_the_process_manager) {
  workspace w;
  auto result = w.run("Name: pull\nTaskType: PULL_IMAGE\nAuthor: a\nPrereq: ROOTTASK\n"
                      "Outcome: img\nBody:\n  Tag: latest\n  RepoName: r\n  OrgAndReg: o\n"
                      "  Auth: ~\n");
  BOOST_TEST((result.state == peer_state::failed));
  BOOST_TEST(result.message.find("PULL_IMAGE needs a container engine") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_run_after_its_build_gets_the_build_environment) {
  workspace w;
  mode("ok");
  auto early = w.run(w.run_task("user_env_build"));
  BOOST_TEST((early.state == peer_state::failed));
  BOOST_TEST(early.message.find("prerequisite task 'user_env_build' has not completed")
               != std::string::npos);
  auto build = w.run("Name: user_env_build\nTaskType: MAKE_USER_CONTAINER\nAuthor: a\n"
                     "Prereq: ROOTTASK\nOutcome: user-env-tf2.7.0-swop\nBody:\n"
                     "  BuildContext: ~\n  BuildType: INLINE\n  BuildSteps:\n"
                     "  - FROM tensorflow/tensorflow:2.7.0\n  - ENV GREETING=hello\n"
                     "  - RUN mkdir -p bin\n");
  BOOST_TEST_REQUIRE((build.state == peer_state::complete), build.message);
  auto run = w.run(w.run_task("user_env_build"));
  BOOST_TEST_REQUIRE((run.state == peer_state::complete), run.message);
  auto args = read(w.node_dir(0) / "args");
  auto bin = w.cfg.data_dir / "envs/user-env-tf2.7.0-swop/bin";
  BOOST_TEST(args.find("--ml-e\nGREETING=hello\n") != std::string::npos, args);
  BOOST_TEST(args.find("--ml-e\nPATH=" + bin.string() + ":") != std::string::npos, args);
}

BOOST_AUTO_TEST_CASE(user_content_copies_and_extracts_local_paths_and_refuses_urls) {
  workspace w;
  test::write_file(w.dir.path() / "pkg/a.txt", "a");
  spawn_options tar;
  tar.argv = {"tar", "-cf", (w.dir.path() / "pkg.tar").string(), "-C", w.dir.path().string(), "pkg"};
  auto child = child_process::start(tar);
  BOOST_REQUIRE(child);
  BOOST_REQUIRE(test::wait_until([&] { return child->poll().has_value(); }));
  auto result = w.run("Name: content\nTaskType: MAKE_SWARM_USER_CONTENT\nAuthor: a\n"
                      "Prereq: ROOTTASK\nOutcome: vol\nBody:\n  ContentType: BUILDCONTENT\n"
                      "  OpsList:\n  - Operation: EXTRACT\n    Target: pkg.tar\n"
                      "    Options: [Out: extracted]\n  - Operation: DOWNLOAD\n"
                      "    Target: file://" + (w.dir.path() / "pkg/a.txt").string() + "\n"
                      "    Options: [Out: copied]\n");
  BOOST_TEST_REQUIRE((result.state == peer_state::complete), result.message);
  BOOST_TEST(read(w.cfg.data_dir / "volumes/extracted/pkg/a.txt") == "a");
  BOOST_TEST(read(w.cfg.data_dir / "volumes/copied/a.txt") == "a");
  auto remote = w.run("Name: content2\nTaskType: MAKE_SWARM_USER_CONTENT\nAuthor: a\n"
                      "Prereq: ROOTTASK\nOutcome: vol\nBody:\n  ContentType: BUILDCONTENT\n"
                      "  OpsList:\n  - Operation: DOWNLOAD\n    Target: https://example.com/x\n"
                      "    Options: [Out: x]\n");
  BOOST_TEST((remote.state == peer_state::failed));
  BOOST_TEST(remote.message.find("needs network access") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_executor_thread_reports_running_then_complete) {
  workspace w;
  mode("ok");
  task_executor ex{w.cfg};
  ex.submit(job{9, test::parse_task_or_die(w.run_task())});
  std::vector<progress> seen;
  BOOST_REQUIRE(test::wait_until([&] {
    for (auto& p : ex.take_progress())
      seen.push_back(p);
    return !seen.empty() && seen.back().state == peer_state::complete;
  }));
  BOOST_TEST((seen.front().state == peer_state::running));
  BOOST_TEST(seen.back().run_id == 9u);
  BOOST_TEST(seen.back().nodes_done == 1u);
}
