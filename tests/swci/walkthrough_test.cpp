#define BOOST_TEST_MODULE swci walkthrough
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

#include "fakes.hpp"
#include "process.hpp"

using namespace swci_test;
namespace fs = std::filesystem;

namespace {

const std::string runner = "/v1/taskrunners/defaulttaskbb.taskdb.sml.hpe";
const std::string contract = "/v1/contracts/defaultbb.cqdb.sml.hpe";

// The SN side of the walkthrough: every call succeeds, each task completes.
void script_sn(fake_sn& sn) {
  sn.on("GET /v1/health", {{"status", "ok"}});
  sn.on("POST /v1/tasks", {{"name", "x"}}, 201);
  for (std::string task : {"user_env_build_task", "swarm_mnist_task"}) {
    sn.on("POST /v1/tasks/" + task + "/finalize", {{"name", task}, {"finalized", true}});
    sn.on("GET /v1/tasks/" + task,
          {{"name", task}, {"type", "RUN_SWARM"}, {"body", {"Command: model/mnist_tf.py"}}});
  }
  sn.on("GET /v1/tasks", {{"tasks", json::array()}});
  sn.on("POST " + runner + "/reset", {{"state", "IDLE"}});
  sn.on("POST " + runner + "/assign", {{"state", "RUNNING"}, {"run_id", 1}});
  sn.on("GET " + runner, {{"state", "RUNNING"}, {"task", "t"}});
  sn.on("GET " + runner, {{"state", "COMPLETE"}, {"task", "t"}});
  sn.on("GET /v1/contracts", {{"contracts", json::array()}});
  sn.on("GET " + contract + "/status", {{"state", "FINISHED"}});
  sn.on("GET " + contract + "/perfdata", {{"peers", json::array()}});
  sn.on("POST " + contract + "/reset", {{"state", "UNINITIALIZED"}});
}

// Returns the file's text with `placeholder` replaced by `value`.
std::string filled(const fs::path& path, const std::string& placeholder,
                   const std::string& value) {
  std::ifstream in{path};
  std::ostringstream text;
  text << in.rdbuf();
  auto out = text.str();
  for (size_t at; (at = out.find(placeholder)) != std::string::npos;)
    out.replace(at, placeholder.size(), value);
  return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(the_mnist_init_script_runs_to_its_exit_against_a_cooperative_sn) {
  swarm::test::temp_dir usr;
  fs::copy(fs::path{SWARM_SOURCE_DIR} / "examples/mnist/swci", usr.path(),
           fs::copy_options::recursive);
  auto task = usr.path() / "taskdefs/swarm_mnist_task.yaml";
  auto text = filled(task, "<PROJECT-MODEL>", (usr.path() / "model").string());
  std::ofstream{task, std::ios::trunc} << text;
  session_options opts;
  opts.usr_dir = usr.path();
  harness h{opts};
  script_sn(*h.sn);
  auto outcome = h.run(filled(usr.path() / "swci-init", "<SN-1-IP>", "127.0.1.1"));
  BOOST_CHECK_MESSAGE(outcome.failures == 0, h.err.str());
  BOOST_CHECK(outcome.stopped);
  BOOST_CHECK_EQUAL(outcome.exit_code, 0);
  BOOST_CHECK_EQUAL(h.sn->count("POST " + runner + "/assign"), 2u);
  BOOST_CHECK_EQUAL(h.sn->count("POST " + contract + "/reset"), 1u);
}
