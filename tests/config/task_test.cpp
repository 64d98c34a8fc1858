#define BOOST_TEST_MODULE config.task
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "swarm/config/task.hpp"
#include "test_util.hpp"

using namespace swarm::config;
using namespace swarm::config::test;

namespace {

std::string run_task() {
  return read_data("filled/swarm_mnist_task.yaml");
}

std::string build_task() {
  return read_data("filled/user_env_tf_build_task.yaml");
}

// Returns the single problem about `path`, failing the test otherwise.
diagnostic only_problem(const std::string& text, std::string_view path) {
  auto result = check_task(text, "t.yaml");
  auto found = about(result.problems, path);
  BOOST_TEST_REQUIRE(found.size() == 1u, "no single problem at " << path << " in:\n"
                                                                  << dump(result.problems));
  return found[0];
}

// Returns a YAML block list of `n` lines, each `prefix` and its index.
std::string lines(size_t n, std::string_view indent, std::string_view prefix) {
  std::string result;
  for (size_t i = 0; i < n; ++i)
    result += std::string{indent} + "- " + std::string{prefix} + std::to_string(i) + "\n";
  return result;
}

} // namespace

BOOST_AUTO_TEST_CASE(filled_run_swarm_task_loads) {
  auto task = load_task(data_path("filled/swarm_mnist_task.yaml"));
  BOOST_TEST_REQUIRE(static_cast<bool>(task), (task ? "" : task.error().message));
  BOOST_TEST(task->name == "swarm_mnist_task");
  BOOST_TEST(task->task_type == task_kind::run_swarm);
  BOOST_TEST(task->author == "HPESwarm");
  BOOST_TEST(task->prereq == "user_env_tf_build_task");
  BOOST_TEST(task->outcome == "swarm_mnist_task");
  const auto* body = std::get_if<run_swarm_body>(&task->body);
  BOOST_TEST_REQUIRE(body != nullptr);
  BOOST_TEST(body->command == "model/mnist_tf.py");
  BOOST_TEST(body->entrypoint == "python3");
  BOOST_TEST(body->working_dir == "/tmp/test");
  BOOST_TEST_REQUIRE(body->env_vars.size() == 3u);
  BOOST_TEST(body->env_vars[1].first == "MAX_EPOCHS");
  BOOST_TEST((body->env_vars[1].second == std::optional<std::string>{"2"}));
  BOOST_TEST((body->private_content == std::optional<std::string>{"/tmp/test/"}));
  BOOST_TEST_REQUIRE(body->shared_content.size() == 1u);
  BOOST_TEST(body->shared_content[0].src == "/opt/swarm/mnist/model");
  BOOST_TEST(body->shared_content[0].tgt == "/tmp/test/model");
  BOOST_TEST(body->shared_content[0].m_type == mount_kind::bind);
}

BOOST_AUTO_TEST_CASE(all_four_task_types_load) {
  auto build = load_task(data_path("user_env_tf_build_task.yaml"));
  BOOST_TEST_REQUIRE(static_cast<bool>(build), (build ? "" : build.error().message));
  BOOST_TEST(build->task_type == task_kind::make_user_container);
  const auto& container = std::get<make_user_container_body>(build->body);
  BOOST_TEST((container.build_context == std::optional<std::string>{"sl-cli-lib"}));
  BOOST_TEST(container.build_type == build_kind::inline_steps);
  BOOST_TEST_REQUIRE(container.build_steps.size() == 8u);
  BOOST_TEST(container.build_steps[0] == "FROM tensorflow/tensorflow:2.7.0");
  BOOST_TEST(container.build_steps[1] == " ");

  auto pull = load_task(data_path("pull_image_task.yaml"));
  BOOST_TEST_REQUIRE(static_cast<bool>(pull), (pull ? "" : pull.error().message));
  BOOST_TEST(pull->task_type == task_kind::pull_image);
  const auto& image = std::get<pull_image_body>(pull->body);
  BOOST_TEST(image.tag == "2.7.0");
  BOOST_TEST(image.org_and_reg == "registry.example.org/swarm");
  const auto* login = std::get_if<registry_login>(&image.auth);
  BOOST_TEST_REQUIRE(login != nullptr);
  BOOST_TEST(login->username == "builder");
  BOOST_TEST(login->password.empty());

  auto content = load_task(data_path("make_content_task.yaml"));
  BOOST_TEST_REQUIRE(static_cast<bool>(content), (content ? "" : content.error().message));
  BOOST_TEST(content->task_type == task_kind::make_swarm_user_content);
  const auto& ops = std::get<make_swarm_user_content_body>(content->body);
  BOOST_TEST(ops.content_type == content_kind::swarm_content);
  BOOST_TEST_REQUIRE(ops.ops_list.size() == 2u);
  BOOST_TEST(ops.ops_list[0].operation == operation_kind::download);
  BOOST_TEST((ops.ops_list[0].out == std::optional<std::string>{"model.tar.gz"}));
  BOOST_TEST(ops.ops_list[1].operation == operation_kind::extract);
  BOOST_TEST((ops.ops_list[1].out == std::optional<std::string>{"model"}));

  auto run = load_task(data_path("filled/swarm_mnist_task.yaml"));
  BOOST_TEST_REQUIRE(static_cast<bool>(run));
  BOOST_TEST(std::holds_alternative<run_swarm_body>(run->body));
}

BOOST_AUTO_TEST_CASE(seed_run_task_reports_its_unreplaced_placeholder) {
  auto text = read_data("swarm_mnist_task.yaml");
  auto task = parse_task(text, "swarm_mnist_task.yaml");
  BOOST_TEST_REQUIRE(!task);
  auto where = position_of(text, "<PROJECT-MODEL>\n");
  auto expected = "swarm_mnist_task.yaml:" + std::to_string(where.line) + ":"
                  + std::to_string(where.column)
                  + ": Body.SharedContent[0].Src: placeholder <PROJECT-MODEL> was not "
                    "replaced";
  BOOST_TEST(task.error().message == expected);
}

BOOST_AUTO_TEST_CASE(task_strings_longer_than_160_characters_are_rejected) {
  auto name = std::string(161, 'n');
  auto text = edit(run_task(), "Name: swarm_mnist_task", "Name: " + name);
  auto problem = only_problem(text, "Name");
  BOOST_TEST(problem.message == "expected text of 1-160 characters, got 161 characters");
  auto where = position_of(text, name);
  BOOST_TEST(problem.line == where.line);
  BOOST_TEST(problem.column == where.column);
  text = edit(run_task(), "Name: swarm_mnist_task", "Name: " + name.substr(1));
  BOOST_TEST(check_task(text, "t.yaml").problems.empty());
  // Characters, not bytes: 160 two-byte letters fit.
  std::string umlauts;
  for (int i = 0; i < 160; ++i)
    umlauts += "\xc3\xa4";
  text = edit(run_task(), "Author: HPESwarm", "Author: " + umlauts);
  BOOST_TEST(check_task(text, "t.yaml").problems.empty());
}

BOOST_AUTO_TEST_CASE(build_steps_must_number_1_to_80_of_at_most_160_characters) {
  auto steps_start = "    BuildSteps:\n";
  auto base = build_task();
  auto cut = base.find(steps_start) + std::string_view{steps_start}.size();
  auto head = base.substr(0, cut);
  auto text = head + lines(81, "    ", "RUN echo step");
  auto problem = only_problem(text, "Body.BuildSteps");
  BOOST_TEST(problem.message == "expected a list of 1-80 items, got 81 items");
  BOOST_TEST(check_task(head + lines(80, "    ", "RUN echo step"), "t.yaml").problems.empty());
  text = edit(base, "BuildSteps:\n", "BuildSteps: []\n");
  text = text.substr(0, text.find("BuildSteps: []\n") + 15);
  BOOST_TEST(only_problem(text, "Body.BuildSteps").message
             == "expected a list of 1-80 items, got 0 items");
  text = edit(base, "RUN mkdir -p /tmp/hpe-swarmcli-pkg",
              "RUN mkdir -p /tmp/" + std::string(150, 'x'));
  BOOST_TEST(only_problem(text, "Body.BuildSteps[5]").message
             == "expected text of 0-160 characters, got 168 characters");
}

BOOST_AUTO_TEST_CASE(shared_content_takes_at_most_10_mounts) {
  std::string mounts;
  for (int i = 0; i < 11; ++i)
    mounts += "    - {Src: /data/" + std::to_string(i) + ", Tgt: /mnt/" + std::to_string(i)
              + ", MType: VOLUME}\n";
  auto base = run_task();
  auto text = base.substr(0, base.find("    SharedContent:\n")) + "    SharedContent:\n" + mounts;
  BOOST_TEST(only_problem(text, "Body.SharedContent").message
             == "expected a list of 1-10 items or ~, got 11 items");
  text = edit(base, "    SharedContent:\n", "    SharedContent: ~\n    Unused:\n");
  text = text.substr(0, text.find("    Unused:\n"));
  auto task = parse_task(text, "t.yaml");
  BOOST_TEST_REQUIRE(static_cast<bool>(task), (task ? "" : task.error().message));
  BOOST_TEST(std::get<run_swarm_body>(task->body).shared_content.empty());
}

BOOST_AUTO_TEST_CASE(ops_list_takes_1_to_20_operations) {
  std::string text = "Name: c\nTaskType: MAKE_SWARM_USER_CONTENT\nAuthor: a\nPrereq: ROOTTASK\n"
                     "Outcome: o\nBody:\n  ContentType: BUILDCONTENT\n  OpsList:\n";
  std::string ops;
  for (int i = 0; i < 21; ++i)
    ops += "  - {Operation: DOWNLOAD, Target: https://example.org/" + std::to_string(i)
           + ", Options: []}\n";
  BOOST_TEST(only_problem(text + ops, "Body.OpsList").message
             == "expected a list of 1-20 items, got 21 items");
  auto one = "  - {Operation: UPLOAD, Target: x, Options: [Out: y, Mode: z]}\n";
  auto result = check_task(text + one, "t.yaml");
  BOOST_TEST(about(result.problems, "Body.OpsList[0].Operation").size() == 1u);
  BOOST_TEST(about(result.problems, "Body.OpsList[0].Options[1]").size() == 1u,
             dump(result.problems));
}

BOOST_AUTO_TEST_CASE(unknown_task_type_is_rejected_without_guessing_the_body) {
  auto text = edit(run_task(), "TaskType: RUN_SWARM", "TaskType: RUN_SWARMS");
  auto result = check_task(text, "t.yaml");
  BOOST_TEST(result.problems.size() == 1u, dump(result.problems));
  auto found = about(result.problems, "TaskType");
  BOOST_TEST_REQUIRE(found.size() == 1u);
  BOOST_TEST(found[0].message
             == "expected one of RUN_SWARM, MAKE_SWARM_USER_CONTENT, MAKE_USER_CONTAINER, "
                "PULL_IMAGE, got \"RUN_SWARMS\"");
}

BOOST_AUTO_TEST_CASE(body_keys_of_another_task_type_are_rejected) {
  auto text = edit(run_task(), "TaskType: RUN_SWARM", "TaskType: PULL_IMAGE");
  auto result = check_task(text, "t.yaml");
  BOOST_TEST(about(result.problems, "Body.Command").size() == 1u, dump(result.problems));
  BOOST_TEST(about(result.problems, "Body.Tag").size() == 1u, dump(result.problems));
}

BOOST_AUTO_TEST_CASE(missing_required_task_key_is_reported_at_the_top_level) {
  auto text = edit(run_task(), "Outcome: swarm_mnist_task\n", "");
  auto problem = only_problem(text, "Outcome");
  BOOST_TEST(problem.message == "required key is missing");
  auto where = position_of(text, "Name:");
  BOOST_TEST(problem.line == where.line);
  BOOST_TEST(problem.column == 1);
  text = edit(run_task(), "    Envvars:", "    Envvarz:");
  auto result = check_task(text, "t.yaml");
  BOOST_TEST(about(result.problems, "Body.Envvars").size() == 1u);
  BOOST_TEST(about(result.problems, "Body.Envvarz").size() == 1u);
}

BOOST_AUTO_TEST_CASE(pull_image_auth_is_null_a_path_or_a_login) {
  auto base = read_data("pull_image_task.yaml");
  auto cut = base.substr(0, base.find("    Auth:"));
  auto task = parse_task(cut + "    Auth: ~\n", "t.yaml");
  BOOST_TEST_REQUIRE(static_cast<bool>(task));
  BOOST_TEST(std::holds_alternative<std::monostate>(std::get<pull_image_body>(task->body).auth));
  task = parse_task(cut + "    Auth: /root/.docker/config.json\n", "t.yaml");
  BOOST_TEST_REQUIRE(static_cast<bool>(task));
  BOOST_TEST(std::get<std::string>(std::get<pull_image_body>(task->body).auth)
             == "/root/.docker/config.json");
  auto text = cut + "    Auth: [a]\n";
  BOOST_TEST(only_problem(text, "Body.Auth").message.find("got a list") != std::string::npos);
  text = cut + "    Auth: {Username: u}\n";
  BOOST_TEST(only_problem(text, "Body.Auth.Password").message == "required key is missing");
}

BOOST_AUTO_TEST_CASE(a_task_with_several_errors_reports_all_of_them) {
  auto text = run_task();
  text = edit(text, "Author: HPESwarm", "Author: ~");
  text = edit(text, "WorkingDir: /tmp/test", "WorkingDir: /");
  text = edit(text, "MType: BIND", "MType: COPY");
  text = edit(text, "Entrypoint: python3", "Entrypoint: python3\n    Image: x");
  auto task = parse_task(text, "many.yaml");
  BOOST_TEST_REQUIRE(!task);
  const auto& message = task.error().message;
  for (auto path : {": Author: expected text", ": Body.WorkingDir: expected text",
                    ": Body.SharedContent[0].MType: expected one of BIND, VOLUME",
                    ": Body.Image: unknown key"})
    BOOST_TEST(message.find(path) != std::string::npos, path << " not in\n" << message);
  BOOST_TEST(std::count(message.begin(), message.end(), '\n') == 3);
}

BOOST_AUTO_TEST_CASE(ml_environment_applies_task_then_profile_then_node_variables) {
  auto task = parse_task(run_task(), "t.yaml");
  auto profile = load_profile(data_path("filled/swop1_profile.yaml"));
  BOOST_TEST_REQUIRE(static_cast<bool>(task));
  BOOST_TEST_REQUIRE(static_cast<bool>(profile));
  auto body = std::get<run_swarm_body>(task->body);
  body.env_vars.emplace_back("SL_LOG_LEVEL", "WARNING");
  body.env_vars.emplace_back("SCRATCH_DIR", "task-scratch");
  auto env = ml_environment(body, *profile, profile->nodes[0]);
  // Task order first, then names new in the profile.
  BOOST_TEST_REQUIRE(env.size() == 11u);
  BOOST_TEST(env[0].first == "MODEL_DIR");
  BOOST_TEST(env[3].first == "SL_LOG_LEVEL");
  BOOST_TEST((env[3].second == std::optional<std::string>{"INFO"}));
  BOOST_TEST(env[4].first == "SCRATCH_DIR");
  BOOST_TEST((env[4].second == std::optional<std::string>{"user1"}));
  BOOST_TEST(env[5].first == "http_proxy");
}

BOOST_AUTO_TEST_CASE(every_kind_prints_its_yaml_spelling) {
  BOOST_TEST(to_string(task_kind::make_swarm_user_content) == "MAKE_SWARM_USER_CONTENT");
  BOOST_TEST(to_string(identity_kind::spiffe_socketpath) == "SPIFFE_SOCKETPATH");
  BOOST_TEST(to_string(build_kind::inline_steps) == "INLINE");
  BOOST_TEST(to_string(content_kind::build_content) == "BUILDCONTENT");
  BOOST_TEST(to_string(operation_kind::extract) == "EXTRACT");
  BOOST_TEST(to_string(resource_manager_kind::process) == "PROCESS");
  BOOST_TEST(to_string(mount_kind::volume) == "VOLUME");
  BOOST_TEST(to_string(access_kind::from_env) == "FROMENV");
}
