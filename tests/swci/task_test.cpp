#define BOOST_TEST_MODULE swci tasks
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

#include "fakes.hpp"
#include "process.hpp"

using namespace swci_test;
namespace fs = std::filesystem;

namespace {

const fs::path seed_task =
  fs::path{SWARM_SOURCE_DIR} / "tests/config/data/filled/swarm_mnist_task.yaml";

std::string read_text(const fs::path& path) {
  std::ifstream in{path};
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A usr dir holding taskdefs/ as HPE's walkthrough does.
struct usr_dir {
  swarm::test::temp_dir dir;

  usr_dir() {
    fs::create_directories(dir.path() / "taskdefs");
    fs::copy_file(seed_task, dir.path() / "taskdefs/swarm_mnist_task.yaml");
    std::ofstream{dir.path() / "taskdefs/bad.yaml"} << "Name: bad\nTaskType: RUN_FAST\n";
  }

  session_options options() const {
    session_options opts;
    opts.usr_dir = dir.path();
    opts.start_dir = "/";
    return opts;
  }
};

} // namespace

BOOST_AUTO_TEST_CASE(cd_to_the_container_usr_dir_makes_relative_task_files_resolve_there) {
  usr_dir usr;
  harness h{usr.options()};
  h.connect();
  h.sn->on("POST /v1/tasks", {{"name", "swarm_mnist_task"}}, 201);
  auto outcome = h.run("EXIT ON FAILURE\n"
                       "cd /platform/swarm/usr\n"
                       "pwd\n"
                       "CREATE TASK FROM taskdefs/swarm_mnist_task.yaml\n");
  BOOST_REQUIRE_MESSAGE(outcome.exit_code == 0, h.err.str());
  BOOST_CHECK(h.out.str().starts_with(fs::absolute(usr.dir.path()).lexically_normal().string()
                                      + "\n"));
  BOOST_REQUIRE_EQUAL(h.sn->requests.size(), 1u);
  const auto& sent = h.sn->requests[0];
  BOOST_CHECK_EQUAL(sent.line, "POST /v1/tasks");
  BOOST_CHECK_EQUAL(sent.body["yaml"], read_text(seed_task));
  BOOST_CHECK_EQUAL(sent.body["source"], "taskdefs/swarm_mnist_task.yaml");
  BOOST_CHECK(h.out.str().find("Task swarm_mnist_task created") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(ls_lists_the_current_directory_with_directories_marked) {
  usr_dir usr;
  harness h{usr.options()};
  auto outcome = h.run("cd /platform/swarm/usr/taskdefs\nls\ncd ..\nls\n");
  BOOST_REQUIRE_MESSAGE(outcome.failures == 0, h.err.str());
  BOOST_CHECK_EQUAL(h.out.str(), "bad.yaml\nswarm_mnist_task.yaml\ntaskdefs/\n");
}

BOOST_AUTO_TEST_CASE(cd_to_a_missing_directory_fails) {
  usr_dir usr;
  harness h{usr.options()};
  h.run("cd /platform/swarm/usr/nowhere\n");
  BOOST_CHECK(h.err.str().find("nowhere: not a directory") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_invalid_task_file_is_refused_locally_with_its_position) {
  usr_dir usr;
  harness h{usr.options()};
  h.connect();
  auto outcome = h.run("EXIT ON FAILURE\ncd /platform/swarm/usr\n"
                       "CREATE TASK FROM taskdefs/bad.yaml\n");
  BOOST_CHECK_EQUAL(outcome.exit_code, 1);
  BOOST_CHECK(h.err.str().starts_with(
    "swci-init:3: CREATE TASK FROM taskdefs/bad.yaml: taskdefs/bad.yaml:"));
  BOOST_CHECK(h.err.str().find("RUN_FAST") != std::string::npos);
  BOOST_CHECK(h.sn->requests.empty());
}

BOOST_AUTO_TEST_CASE(a_missing_task_file_names_the_resolved_path) {
  usr_dir usr;
  harness h{usr.options()};
  h.connect();
  h.run("cd /platform/swarm/usr\nCREATE TASK FROM taskdefs/none.yaml\n");
  BOOST_CHECK(h.err.str().find((usr.dir.path() / "taskdefs/none.yaml").string())
              != std::string::npos);
}

BOOST_AUTO_TEST_CASE(task_commands_send_what_the_api_documents) {
  harness h;
  h.connect();
  h.sn->on("POST /v1/tasks", {{"name", "t"}}, 201);
  h.sn->on("POST /v1/tasks/t/body", {{"name", "t"}, {"body_lines", 1}});
  h.sn->on("POST /v1/tasks/t/finalize", {{"name", "t"}});
  h.sn->on("DELETE /v1/tasks/t", json{});
  auto outcome = h.run("EXIT ON FAILURE\n"
                       "CREATE TASK run_swarm t me ROOTTASK out\n"
                       "APPEND TASK BODY t 1 Command: model/mnist_tf.py\n"
                       "FINALIZE TASK t\n"
                       "DELETE TASK t\n");
  BOOST_REQUIRE_MESSAGE(outcome.exit_code == 0, h.err.str());
  BOOST_REQUIRE_EQUAL(h.sn->requests.size(), 4u);
  BOOST_CHECK_EQUAL(h.sn->requests[0].body,
                    json({{"type", "RUN_SWARM"}, {"name", "t"}, {"author", "me"},
                          {"prereq", "ROOTTASK"}, {"outcome", "out"}, {"body", json::array()}}));
  BOOST_CHECK_EQUAL(h.sn->requests[1].body,
                    json({{"index", 1}, {"line", "Command: model/mnist_tf.py"}}));
  BOOST_CHECK_EQUAL(h.sn->requests[2].line, "POST /v1/tasks/t/finalize");
  BOOST_CHECK_EQUAL(h.sn->requests[3].line, "DELETE /v1/tasks/t");
}

BOOST_AUTO_TEST_CASE(an_unknown_task_type_is_refused_before_sending) {
  harness h;
  h.connect();
  h.run("CREATE TASK RUN_FAST t me ROOTTASK out\n");
  BOOST_CHECK(h.err.str().find("unknown task type 'RUN_FAST'") != std::string::npos);
  BOOST_CHECK(h.sn->requests.empty());
}

BOOST_AUTO_TEST_CASE(assign_sends_peers_all_or_target) {
  harness h;
  h.connect();
  const std::string path = "POST /v1/taskrunners/defaulttaskbb.taskdb.sml.hpe/assign";
  h.sn->on(path, {{"run_id", 1}});
  auto outcome = h.run("EXIT ON FAILURE\n"
                       "ASSIGN TASK t TO defaulttaskbb.taskdb.sml.hpe WITH 2 PEERS\n"
                       "ASSIGN TASK t TO defaulttaskbb.taskdb.sml.hpe WITH ALL PEERS\n"
                       "ASSIGN TASK t TO defaulttaskbb.taskdb.sml.hpe TARGET 3f2a\n");
  BOOST_REQUIRE_MESSAGE(outcome.exit_code == 0, h.err.str());
  BOOST_REQUIRE_EQUAL(h.sn->count(path), 3u);
  BOOST_CHECK_EQUAL(h.sn->requests[0].body, json({{"task", "t"}, {"peers", 2}}));
  BOOST_CHECK_EQUAL(h.sn->requests[1].body, json({{"task", "t"}, {"all", true}}));
  BOOST_CHECK_EQUAL(h.sn->requests[2].body, json({{"task", "t"}, {"target", "3f2a"}}));
}

BOOST_AUTO_TEST_CASE(an_api_refusal_shows_its_message_and_status) {
  harness h;
  h.connect();
  h.sn->on("POST /v1/taskrunners/tr/assign",
           {{"status", 409}, {"error", "Conflict"}, {"message", "task 't' is not finalized"}},
           409);
  h.run("ASSIGN TASK t TO tr WITH 1 PEERS\n");
  BOOST_CHECK_EQUAL(h.err.str(), "swci-init:1: ASSIGN TASK t TO tr WITH 1 PEERS: task 't' is "
                                 "not finalized (HTTP 409)\n");
}

BOOST_AUTO_TEST_CASE(list_tasks_prints_an_aligned_table) {
  harness h;
  h.connect();
  h.sn->on("GET /v1/tasks",
           {{"tasks",
             {{{"name", "a"}, {"type", "RUN_SWARM"}, {"author", "me"}, {"prereq", "ROOTTASK"},
               {"outcome", "o"}, {"finalized", true}, {"body_lines", 12}}}}});
  h.run("LIST TASKS\n");
  BOOST_CHECK_EQUAL(h.out.str(),
                    "NAME  TYPE       AUTHOR  PREREQ    OUTCOME  FINALIZED  BODY LINES\n"
                    "a     RUN_SWARM  me      ROOTTASK  o        true       12\n");
}
