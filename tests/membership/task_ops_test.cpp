#define BOOST_TEST_MODULE membership.task_ops
#include <boost/test/unit_test.hpp>

#include "object_ops_fixture.hpp"
#include "swarm/config/task.hpp"
#include "swarm/membership/task_ops.hpp"

using namespace swarm::membership;
using namespace ops_fixture;

namespace {

task_record header(std::string name, std::string type = "MAKE_USER_CONTAINER") {
  task_record x;
  x.name = std::move(name);
  x.type = std::move(type);
  x.author = "me";
  x.prereq = "ROOTTASK";
  x.outcome = "img";
  return x;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_created_task_is_unfinalized_and_stamped) {
  swarm_state s;
  auto x = ok(create_task(s, header("t1"), 42));
  BOOST_TEST(!x.finalized);
  BOOST_TEST(x.created_ms == 42u);
  put(s, x);
  refused(create_task(s, header("t1"), 43), op_errc::conflict, "task 't1' already exists");
  BOOST_TEST(ok(find_task(s, "t1")).created_ms == 42u);
  refused(find_task(s, "t2"), op_errc::not_found, "task 't2' does not exist");
}

BOOST_AUTO_TEST_CASE(creating_a_task_with_a_bad_field_names_the_problem) {
  swarm_state s;
  refused(create_task(s, header("t", "BUILD"), 1), op_errc::invalid, "unknown task type 'BUILD'");
  refused(create_task(s, header("a b"), 1), op_errc::invalid, "task name 'a b' is invalid");
  auto x = header("t");
  x.author = std::string(161, 'a');
  refused(create_task(s, x, 1), op_errc::invalid, "author has 161 bytes");
}

BOOST_AUTO_TEST_CASE(body_lines_append_at_count_plus_one_and_replace_below) {
  swarm_state s;
  put(s, ok(create_task(s, header("t"), 1)));
  put(s, ok(set_task_body_line(s, "t", 1, "BuildType: INLINE")));
  put(s, ok(set_task_body_line(s, "t", 2, "BuildSteps:")));
  put(s, ok(set_task_body_line(s, "t", 1, "BuildContext: ~")));
  refused(set_task_body_line(s, "t", 4, "x"), op_errc::invalid, "use 1 to 3");
  refused(set_task_body_line(s, "t", 0, "x"), op_errc::invalid, "out of range");
  refused(set_task_body_line(s, "t", 3, "a\nb"), op_errc::invalid, "line break");
  refused(set_task_body_line(s, "u", 1, "x"), op_errc::not_found, "task 'u' does not exist");
  auto x = ok(find_task(s, "t"));
  BOOST_TEST(x.body == (std::vector<std::string>{"BuildContext: ~", "BuildSteps:"}));
}

BOOST_AUTO_TEST_CASE(finalize_validates_the_assembled_task_and_lists_every_problem) {
  swarm_state s;
  put(s, ok(create_task(s, header("t"), 1)));
  put(s, ok(set_task_body_line(s, "t", 1, "BuildType: INLINE")));
  put(s, ok(set_task_body_line(s, "t", 2, "BuildSteps: [FROM x]")));
  put(s, ok(set_task_body_line(s, "t", 3, "Bogus: 1")));
  auto refusal = finalize_task(s, "t");
  refused(refusal, op_errc::invalid, "task 't' is not a valid MAKE_USER_CONTAINER task:");
  BOOST_TEST(refusal.error().message.find("body line 3:1") != std::string::npos,
             refusal.error().message);
  put(s, ok(set_task_body_line(s, "t", 3, "BuildContext: ~")));
  auto done = ok(finalize_task(s, "t"));
  BOOST_TEST(done.finalized);
  put(s, done);
  BOOST_TEST((ok(finalize_task(s, "t")) == done));
}

BOOST_AUTO_TEST_CASE(a_finalized_task_can_neither_change_nor_be_deleted) {
  swarm_state s;
  put(s, ok(create_task_from_yaml(s, build_task_yaml, "b.yaml", 1)));
  BOOST_TEST(ok(delete_task(s, "user_env_tf_build_task")) == "user_env_tf_build_task");
  put(s, ok(finalize_task(s, "user_env_tf_build_task")));
  refused(set_task_body_line(s, "user_env_tf_build_task", 1, "x: 1"), op_errc::conflict,
          "task 'user_env_tf_build_task' is finalized");
  refused(delete_task(s, "user_env_tf_build_task"), op_errc::conflict,
          "task 'user_env_tf_build_task' is finalized: it cannot be deleted");
  refused(delete_task(s, "nope"), op_errc::not_found, "task 'nope' does not exist");
}

BOOST_AUTO_TEST_CASE(a_deleted_task_disappears_and_its_name_can_be_reused) {
  swarm_state s;
  put(s, ok(create_task(s, header("t"), 1)));
  BOOST_REQUIRE(s.map_of<task_record>().erase(ok(delete_task(s, "t")), writer(1)));
  refused(find_task(s, "t"), op_errc::not_found, "does not exist");
  BOOST_TEST(list_tasks(s).empty());
  put(s, ok(create_task(s, header("t"), 2)));
  BOOST_TEST(list_tasks(s).size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_task_file_splits_into_header_and_its_own_body_lines) {
  auto x = ok(split_task_file(build_task_yaml, "b.yaml"));
  BOOST_TEST(x.name == "user_env_tf_build_task");
  BOOST_TEST(x.type == "MAKE_USER_CONTAINER");
  BOOST_TEST(x.prereq == "ROOTTASK");
  BOOST_TEST(x.outcome == "user-env-tf2.7.0-swop");
  BOOST_TEST(x.body
             == (std::vector<std::string>{"BuildContext: sl-cli-lib", "BuildType: INLINE",
                                          "# the Dockerfile lines", "BuildSteps:",
                                          "- FROM tensorflow/tensorflow:2.7.0", "",
                                          "- RUN mkdir -p /tmp/hpe-swarmcli-pkg"}));
  auto mnist = ok(split_task_file(mnist_task_yaml, "m.yaml"));
  BOOST_TEST(mnist.body.size() == 9u);
  BOOST_TEST(mnist.body[7] == "    Tgt: /tmp/test/model");
  // The body re-emitted with to_yaml is the same task.
  auto again = swarm::config::parse_task(mnist.to_yaml(), "again");
  BOOST_REQUIRE(static_cast<bool>(again));
  BOOST_TEST(std::get<swarm::config::run_swarm_body>(again->body).env_vars.size() == 3u);
}

BOOST_AUTO_TEST_CASE(a_body_written_as_one_flow_mapping_splits_too) {
  auto yaml = "Name: p\nTaskType: PULL_IMAGE\nAuthor: a\nPrereq: ROOTTASK\nOutcome: o\n"
              "Body: {Tag: latest, RepoName: r, OrgAndReg: hub.io/org, Auth: ~}\n";
  auto x = ok(split_task_file(yaml, "p.yaml"));
  BOOST_TEST(x.body
             == (std::vector<std::string>{"{Tag: latest, RepoName: r, OrgAndReg: hub.io/org, Auth: ~}"}));
}

BOOST_AUTO_TEST_CASE(an_invalid_task_file_is_refused_with_positions) {
  swarm_state s;
  auto yaml = build_task_yaml;
  yaml.replace(yaml.find("BuildType: INLINE"), 17, "BuildType: LOCAL");
  auto x = create_task_from_yaml(s, yaml, "b.yaml", 1);
  refused(x, op_errc::invalid, "task file 'b.yaml' is not a valid task:");
  BOOST_TEST(x.error().message.find("b.yaml:9:") != std::string::npos, x.error().message);
}
