#define BOOST_TEST_MODULE swop_process
#include <boost/test/unit_test.hpp>

#include <csignal>
#include <fstream>

#include "fixtures.hpp"
#include "process.hpp"
#include "swarm/swop/child_process.hpp"
#include "wait.hpp"

namespace fs = std::filesystem;
using namespace swarm;
using swop::child_process;
using swop::spawn_options;

BOOST_AUTO_TEST_CASE(stop_ends_the_childs_whole_process_group) {
  test::temp_dir dir;
  auto bg = dir.path() / "bg";
  spawn_options opts;
  opts.command = "sleep 600 & echo $! > " + bg.string() + "; sleep 600";
  auto child = child_process::start(opts);
  BOOST_REQUIRE(child);
  BOOST_REQUIRE(test::wait_until([&] { return test::read_pid(bg) != 0; }));
  auto grandchild = test::read_pid(bg);
  BOOST_TEST(child->stop(5'000) == 128 + SIGTERM);
  BOOST_TEST(test::wait_until([&] { return test::process_gone(grandchild); }));
}

BOOST_AUTO_TEST_CASE(what_an_exited_child_left_running_in_its_group_is_killed) {
  test::temp_dir dir;
  auto bg = dir.path() / "bg";
  spawn_options opts;
  opts.command = "sleep 600 & echo $! > " + bg.string() + ".tmp; mv " + bg.string() + ".tmp "
                 + bg.string();
  auto child = child_process::start(opts);
  BOOST_REQUIRE(child);
  BOOST_REQUIRE(test::wait_until([&] { return child->poll().has_value(); }));
  BOOST_TEST(*child->poll() == 0);
  auto leftover = test::read_pid(bg);
  BOOST_REQUIRE(leftover != 0);
  BOOST_TEST(test::wait_until([&] { return test::process_gone(leftover); }));
}

namespace {

/// Returns the name of process `pid` ("" once it is gone).
std::string comm_of(pid_t pid) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/comm"};
  std::string name;
  std::getline(in, name);
  return name;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_command_line_of_one_program_runs_that_program_as_the_child) {
  // The child, not a shell around it: it gets the death signal when the
  // process that started it dies (an SL killed outright takes its ML), and
  // its exit status is the program's. A list, or a line that starts with
  // an assignment, stays under its shell, which runs all of it.
  const std::pair<std::string, std::string> cases[] = {
    {"sleep 600", "sleep"}, {"sleep 600; true", "sh"}, {"X=1 sleep 600", "sh"}};
  for (const auto& [command, process] : cases) {
    spawn_options opts;
    opts.command = command;
    auto child = child_process::start(opts);
    BOOST_REQUIRE(child);
    BOOST_TEST(test::wait_until([&] { return comm_of(child->pid()) == process; }),
               command << ": " << comm_of(child->pid()));
    BOOST_TEST(child->stop(5'000) == 128 + SIGTERM);
  }
}

BOOST_AUTO_TEST_CASE(output_goes_to_the_log_and_the_environment_is_extended) {
  test::temp_dir dir;
  spawn_options opts;
  opts.argv = {"sh", "-c", "echo \"$GREETING\" from $(pwd)"};
  opts.env = {{"GREETING", "hello"}};
  opts.workdir = dir.path();
  opts.log_file = dir.path() / "out.log";
  auto child = child_process::start(opts);
  BOOST_REQUIRE(child);
  BOOST_REQUIRE(test::wait_until([&] { return child->poll().has_value(); }));
  std::ifstream in{opts.log_file};
  std::string line;
  std::getline(in, line);
  BOOST_TEST(line == "hello from " + dir.path().string());
}

BOOST_AUTO_TEST_CASE(a_program_that_does_not_exist_exits_127_with_a_message) {
  test::temp_dir dir;
  spawn_options opts;
  opts.argv = {"no-such-program-xyz"};
  opts.log_file = dir.path() / "out.log";
  auto child = child_process::start(opts);
  BOOST_REQUIRE(child);
  BOOST_REQUIRE(test::wait_until([&] { return child->poll().has_value(); }));
  BOOST_TEST(*child->poll() == 127);
  std::ifstream in{opts.log_file};
  std::string line;
  std::getline(in, line);
  BOOST_TEST(line.find("cannot execute no-such-program-xyz") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_missing_working_directory_is_refused_before_forking) {
  spawn_options opts;
  opts.command = "true";
  opts.workdir = "/no/such/dir";
  auto child = child_process::start(opts);
  BOOST_REQUIRE(!child);
  BOOST_TEST(child.error().message.find("/no/such/dir") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_swop_killed_with_sigkill_leaves_no_sl_running) {
  test::temp_dir dir;
  test::make_workspace(dir.path());
  test::write_file(dir.path() / "profile.yaml", test::profile_yaml(dir.path(), 2));
  test::write_file(dir.path() / "task.yaml",
                   test::run_task_yaml("sh", "model/train.sh", dir.path() / "model"));
  spawn_options opts;
  opts.argv = {(test::bin_dir().parent_path() / "tests" / "swop-kill-helper").string(),
               dir.path().string()};
  opts.env = {{"FAKE_SL_MODE", "hang"}};
  opts.log_file = dir.path() / "helper.log";
  auto helper = child_process::start(opts);
  BOOST_REQUIRE(helper);
  auto runs = dir.path() / "swop" / "runs" / "swarm_task";
  std::vector<fs::path> pid_files{runs / "0" / "pid", runs / "1" / "pid"};
  BOOST_REQUIRE_MESSAGE(test::wait_until([&] {
                          return test::read_pid(pid_files[0]) != 0
                                 && test::read_pid(pid_files[1]) != 0;
                        }),
                        "the helper never started its two SLs");
  std::vector<pid_t> sls{test::read_pid(pid_files[0]), test::read_pid(pid_files[1])};
  for (auto pid : sls)
    BOOST_TEST(!test::process_gone(pid));
  kill(helper->pid(), SIGKILL);
  BOOST_TEST(test::wait_until([&] { return helper->poll().has_value(); }));
  for (auto pid : sls)
    BOOST_TEST(test::wait_until([&] { return test::process_gone(pid); }),
               "SL " << pid << " outlived its SWOP");
}
