#define BOOST_TEST_MODULE api task routes
#include <boost/test/unit_test.hpp>

#include <memory>
#include <string>

#include "swarm/api/task_routes.hpp"
#include "swarm/membership/state_round_record.hpp"
#include "swarm/membership/state_taskrunner_record.hpp"
#include "swarm/membership/state_uuid.hpp"

using namespace swarm::api;
using namespace swarm::membership;
using nlohmann::json;

namespace {

node_uuid uuid_n(uint8_t n) {
  std::array<std::byte, 16> bytes{};
  bytes[15] = std::byte{n};
  return make_uuid_v4(bytes);
}

// Applies changes at once on the caller's thread, as the SN's node thread
// would; `stalled` never answers, like a node that hangs.
struct fake_tasks : task_provider {
  swarm_state state;
  uint64_t now_ms = 1'000'000;
  bool stalled = false;
  std::promise<response> never;

  std::shared_ptr<const swarm_state> state_snapshot() override {
    return std::make_shared<swarm_state>(state);
  }

  std::future<response> apply(state_change change) override {
    if (stalled)
      return never.get_future();
    write_context ctx{state, uuid_n(1), ++now_ms, {}};
    std::promise<response> done;
    done.set_value(change(ctx));
    return done.get_future();
  }
};

const std::string build_yaml = "Name: build\nTaskType: MAKE_USER_CONTAINER\nAuthor: me\n"
                               "Prereq: ROOTTASK\nOutcome: img\nBody:\n"
                               "  BuildContext: ~\n  BuildType: INLINE\n"
                               "  BuildSteps:\n  - FROM debian\n";

struct fixture {
  std::shared_ptr<fake_tasks> provider = std::make_shared<fake_tasks>();
  router routes;

  fixture() {
    BOOST_REQUIRE(add_task_routes(routes, provider, {std::chrono::milliseconds{50}}));
  }

  response call(std::string method, std::string path, const json& body = nullptr) {
    request req;
    req.method = std::move(method);
    req.path = std::move(path);
    if (!body.is_null())
      req.body = body.dump();
    return routes.dispatch(req);
  }

  json ok(std::string method, std::string path, const json& body = nullptr, int status = 200) {
    auto res = call(method, path, body);
    BOOST_TEST(res.status == status, method << " " << path << ": " << res.body);
    return json::parse(res.body);
  }

  // Expects `status` and a message holding `text`.
  void refused(std::string method, std::string path, const json& body, int status,
               const std::string& text) {
    auto res = call(method, path, body);
    BOOST_TEST(res.status == status, method << " " << path << ": " << res.body);
    auto message = json::parse(res.body).value("message", "");
    BOOST_TEST(message.find(text) != std::string::npos, message);
  }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(a_task_is_created_from_fields_then_built_line_by_line, fixture) {
  auto task = ok("POST", "/v1/tasks",
                 {{"name", "t"}, {"type", "MAKE_USER_CONTAINER"}, {"author", "me"},
                  {"prereq", "ROOTTASK"}, {"outcome", "img"}}, 201);
  BOOST_TEST(task["finalized"] == false);
  BOOST_TEST(task["body_lines"] == 0);
  ok("POST", "/v1/tasks/t/body", {{"index", 1}, {"line", "BuildType: INLINE"}});
  ok("POST", "/v1/tasks/t/body", {{"index", 2}, {"line", "BuildSteps: [FROM x]"}});
  refused("POST", "/v1/tasks/t/finalize", nullptr, 400, "BuildContext");
  task = ok("POST", "/v1/tasks/t/body", {{"index", 3}, {"line", "BuildContext: ~"}});
  BOOST_TEST(task["body"].size() == 3u);
  task = ok("POST", "/v1/tasks/t/finalize");
  BOOST_TEST(task["finalized"] == true);
  refused("POST", "/v1/tasks/t/body", {{"index", 4}, {"line", "x: 1"}}, 409, "is finalized");
  refused("DELETE", "/v1/tasks/t", nullptr, 409, "task 't' is finalized: it cannot be deleted");
  auto list = ok("GET", "/v1/tasks");
  BOOST_REQUIRE(list["tasks"].size() == 1u);
  BOOST_TEST(!list["tasks"][0].contains("body"));
  BOOST_TEST(ok("GET", "/v1/tasks/t")["body"][2] == "BuildContext: ~");
}

BOOST_FIXTURE_TEST_CASE(a_task_file_is_split_by_the_sn, fixture) {
  auto task = ok("POST", "/v1/tasks", {{"yaml", build_yaml}, {"source", "b.yaml"}}, 201);
  BOOST_TEST(task["name"] == "build");
  BOOST_TEST(task["body"][3] == "- FROM debian");
  refused("POST", "/v1/tasks", {{"yaml", build_yaml}}, 409, "task 'build' already exists");
  refused("POST", "/v1/tasks", {{"yaml", "Name: [x"}, {"source", "bad.yaml"}}, 400, "bad.yaml:");
}

BOOST_FIXTURE_TEST_CASE(malformed_requests_get_a_400_naming_the_field, fixture) {
  refused("POST", "/v1/tasks", {{"name", "t"}}, 400, "field 'type' is required");
  refused("POST", "/v1/tasks", {{"name", 3}}, 400, "field 'name' must be a string");
  auto res = call("POST", "/v1/tasks");
  BOOST_TEST(res.status == 400);
  request req;
  req.method = "POST";
  req.path = "/v1/tasks";
  req.body = "{not json";
  BOOST_TEST(routes.dispatch(req).status == 400);
  refused("POST", "/v1/tasks/t/body", {{"index", -1}, {"line", "x"}}, 400, "field 'index'");
}

BOOST_FIXTURE_TEST_CASE(unknown_objects_are_404_and_a_deleted_task_is_gone, fixture) {
  refused("GET", "/v1/tasks/nope", nullptr, 404, "task 'nope' does not exist");
  refused("GET", "/v1/taskrunners/nope", nullptr, 404, "taskrunner 'nope' does not exist");
  refused("GET", "/v1/contracts/nope", nullptr, 404, "contract 'nope' does not exist");
  ok("POST", "/v1/tasks", {{"yaml", build_yaml}}, 201);
  ok("DELETE", "/v1/tasks/build");
  refused("GET", "/v1/tasks/build", nullptr, 404, "does not exist");
}

BOOST_FIXTURE_TEST_CASE(the_default_taskrunner_takes_an_assignment_and_resets, fixture) {
  auto runners = ok("GET", "/v1/taskrunners");
  BOOST_REQUIRE(runners["taskrunners"].size() == 1u);
  BOOST_TEST(runners["taskrunners"][0]["state"] == "IDLE");
  std::string tr = "/v1/taskrunners/defaulttaskbb.taskdb.sml.hpe";
  ok("POST", "/v1/tasks", {{"yaml", build_yaml}}, 201);
  refused("POST", tr + "/assign", {{"task", "build"}, {"peers", 1}}, 409,
          "task 'build' is not finalized");
  ok("POST", "/v1/tasks/build/finalize");
  auto info = ok("POST", tr + "/assign", {{"task", "build"}, {"peers", 1}});
  BOOST_TEST(info["state"] == "RUNNING");
  BOOST_TEST(info["task"] == "build");
  BOOST_TEST(info["peers_wanted"] == 1);
  refused("POST", tr + "/assign", {{"task", "build"}, {"peers", 1}}, 409, "is RUNNING task 'build'");
  refused("POST", tr + "/assign", {{"task", "build"}, {"peers", 1}, {"all", true}}, 400,
          "exactly one of");
  // A SWOP reports completion in its own entry.
  taskrunner_peer_record p;
  p.taskrunner = "defaulttaskbb.taskdb.sml.hpe";
  p.swop_uuid = uuid_n(7).to_string();
  p.swop_name = "swop1";
  p.run_id = info["run_id"];
  p.state = peer_state::complete;
  BOOST_REQUIRE(provider->state.map_of<taskrunner_peer_record>().put(p, uuid_n(7)));
  BOOST_TEST(ok("GET", tr)["state"] == "COMPLETE");
  auto peers = ok("GET", tr + "/peers")["peers"];
  BOOST_REQUIRE(peers.size() == 1u);
  BOOST_TEST(peers[0]["index"] == 0);
  BOOST_TEST(peers[0]["name"] == "swop1");
  BOOST_TEST(peers[0]["state"] == "COMPLETE");
  BOOST_TEST(peers[0]["alive"] == true);
  info = ok("POST", tr + "/reset");
  BOOST_TEST(info["state"] == "IDLE");
  BOOST_TEST(info["peers"]["enrolled"] == 1);
}

BOOST_FIXTURE_TEST_CASE(taskrunners_are_created_once, fixture) {
  BOOST_TEST(ok("POST", "/v1/taskrunners", {{"name", "tr2"}}, 201)["state"] == "IDLE");
  refused("POST", "/v1/taskrunners", {{"name", "tr2"}}, 409, "already exists");
  refused("POST", "/v1/taskrunners", {{"name", "a b"}}, 400, "invalid taskrunner name");
  BOOST_TEST(ok("GET", "/v1/taskrunners")["taskrunners"].size() == 2u);
}

BOOST_FIXTURE_TEST_CASE(contracts_list_records_defaults_and_round_only_ones, fixture) {
  round_record r;
  r.contract = "trainB";
  r.round = 1;
  r.leader = "sl-1";
  r.merge_method = "mean";
  r.participants = {{"sl-1", 1.0, 10, 0.25f, 0.5f, 1, 2, false}};
  r.committed_ms = 5;
  BOOST_REQUIRE(provider->state.map_of<round_record>().put(r, uuid_n(2)));
  ok("POST", "/v1/contracts", {{"name", "c1"}}, 201);
  refused("POST", "/v1/contracts", {{"name", "c1"}}, 409, "contracts are permanent");
  auto list = ok("GET", "/v1/contracts")["contracts"];
  BOOST_REQUIRE(list.size() == 3u);
  BOOST_TEST(list[0]["name"] == "c1");
  BOOST_TEST(list[1]["name"] == "defaultbb.cqdb.sml.hpe");
  BOOST_TEST(list[2]["name"] == "trainB");
  BOOST_TEST(list[2]["state"] == "ACTIVE");
  auto status = ok("GET", "/v1/contracts/trainB/status");
  BOOST_TEST(status["last_leader"] == "sl-1");
  BOOST_TEST(status["rounds_committed"] == 1);
  auto perf = ok("GET", "/v1/contracts/trainB/perfdata")["peers"];
  BOOST_REQUIRE(perf.size() == 1u);
  BOOST_TEST(perf[0]["loss"] == 0.25);
  BOOST_TEST(perf[0]["admin"] == true);
  auto reset = ok("POST", "/v1/contracts/trainB/reset");
  BOOST_TEST(reset["state"] == "UNINITIALIZED");
  BOOST_TEST(reset["resets"] == 1);
  BOOST_TEST(ok("GET", "/v1/contracts/trainB")["rounds_committed"] == 0);
}

BOOST_FIXTURE_TEST_CASE(a_write_the_node_does_not_take_in_time_is_a_503, fixture) {
  provider->stalled = true;
  refused("POST", "/v1/taskrunners", {{"name", "tr2"}}, 503, "did not apply the change");
  // Reads do not need the node's thread.
  BOOST_TEST(call("GET", "/v1/taskrunners").status == 200);
}
