// Two `swarm sn` processes (127.0.1.1 the sentinel, 127.0.2.1): a task
// created and finalized through SN 1's API shows up finalized on SN 2, and
// a taskrunner assignment made through SN 2 shows up on SN 1.

#define BOOST_TEST_MODULE sn_task_api
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include "sn_cluster.hpp"

namespace {

using namespace sn_test;
constexpr auto deadline = cluster_deadline;

const std::string build_yaml = "Name: build\nTaskType: MAKE_USER_CONTAINER\nAuthor: me\n"
                               "Prereq: ROOTTASK\nOutcome: img\nBody:\n"
                               "  BuildContext: ~\n  BuildType: INLINE\n"
                               "  BuildSteps:\n  - FROM debian\n";

/// Two SNs, SN 1 the sentinel; ports apart from the overlay tests'.
struct pair_of_sns : sn_cluster {
  pair_of_sns() : sn_cluster(2, 21000, 19000) {}

  std::unique_ptr<sn_process> start(int i) { return sn_cluster::start(i, i == 1 ? 0 : 1); }

  // Calls SN `i`'s API as the host's SWCI; status 0 if it did not answer.
  std::pair<int, nlohmann::json> call(int i, const std::string& method, const std::string& path,
                                      const nlohmann::json& body = nullptr) {
    const auto& tree = hosts[static_cast<size_t>(i - 1)];
    httplib::SSLClient client{ip(i), api_port, tree.cert("swci").string(),
                              tree.key("swci").string()};
    client.enable_server_certificate_verification(false);
    client.set_connection_timeout(5s);
    client.set_read_timeout(10s);
    auto text = body.is_null() ? std::string{} : body.dump();
    auto res = method == "GET" ? client.Get(path.c_str())
                               : client.Post(path.c_str(), text, "application/json");
    if (!res)
      return {0, nullptr};
    return {res->status, nlohmann::json::parse(res->body, nullptr, false)};
  }

  // Waits until GET `path` on SN `i` answers 200 with `pred(body)` true.
  template <class Pred>
  bool wait_for(int i, const std::string& path, Pred pred) {
    return swarm::test::wait_until(
      [&] {
        auto [status, body] = call(i, "GET", path);
        return status == 200 && pred(body);
      },
      deadline);
  }
};

} // namespace

BOOST_AUTO_TEST_CASE(a_task_finalized_on_one_sn_is_read_finalized_from_the_other) {
  pair_of_sns c;
  auto sn1 = c.start(1);
  auto sn2 = c.start(2);
  auto [created, task] = c.call(1, "POST", "/v1/tasks", {{"yaml", build_yaml}});
  BOOST_REQUIRE_MESSAGE(created == 201, task.dump());
  auto [finalized, done] = c.call(1, "POST", "/v1/tasks/build/finalize");
  BOOST_REQUIRE_MESSAGE(finalized == 200, done.dump());
  // SN 1 answers from its own replica at once: a client reads its writes.
  BOOST_TEST(c.call(1, "GET", "/v1/tasks/build").second.value("finalized", false));
  bool seen = c.wait_for(2, "/v1/tasks/build",
                         [](const nlohmann::json& x) { return x.value("finalized", false); });
  if (!seen)
    BOOST_TEST_MESSAGE(sn1->output() << sn2->output());
  BOOST_REQUIRE_MESSAGE(seen, "SN 2 never showed the task finalized");
  auto [assigned, info] = c.call(2, "POST", "/v1/taskrunners/defaulttaskbb.taskdb.sml.hpe/assign",
                                 {{"task", "build"}, {"peers", 1}});
  BOOST_REQUIRE_MESSAGE(assigned == 200, info.dump());
  BOOST_TEST(c.wait_for(1, "/v1/taskrunners/defaulttaskbb.taskdb.sml.hpe",
                        [](const nlohmann::json& x) { return x.value("task", "") == "build"; }));
  BOOST_TEST(c.call(1, "POST", "/v1/tasks/build/finalize").first == 200);
  sn2->signal(SIGTERM);
  BOOST_TEST(sn2->wait_exit(30s) == 0);
}
