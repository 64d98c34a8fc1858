#define BOOST_TEST_MODULE swop_node_env
#include <boost/test/unit_test.hpp>

#include <map>

#include "fixtures.hpp"
#include "swarm/swop/node_env.hpp"

using namespace swarm;
using namespace swarm::swop;

namespace {

env_lookup fake_env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    if (auto i = vars.find(name); i != vars.end())
      return i->second;
    return std::nullopt;
  };
}

std::string profile_with(const std::string& envvars, const std::string& usrenvvars) {
  auto text = test::profile_yaml("/p", 1, "PROCESS", envvars);
  auto at = text.find("usrenvvars: ");
  return text.substr(0, at) + "usrenvvars: " + usrenvvars + "\n";
}

std::string task_with(const std::string& envvars) {
  return "Name: t\nTaskType: RUN_SWARM\nAuthor: a\nPrereq: ROOTTASK\nOutcome: t\nBody:\n"
         "  Command: m.py\n  Entrypoint: python3\n  WorkingDir: /tmp/test\n  Envvars: "
         + envvars + "\n  PrivateContent: /tmp/test\n  SharedContent: ~\n";
}

} // namespace

BOOST_AUTO_TEST_CASE(ml_environment_follows_hpe_precedence_with_the_build_lowest) {
  auto profile = test::parse_profile_or_die(profile_with("[A: profile, B: profile]", "[B: usr]"));
  auto task = test::parse_task_or_die(task_with("[A: task, C: task, D: task]"));
  build_env build;
  build.vars = {{"D", "build"}, {"E", "build"}};
  auto env = ml_env(std::get<config::run_swarm_body>(task.body), profile, profile.nodes[0],
                    &build, "/r", {}, fake_env({}));
  BOOST_TEST(*find_var(env, "A") == "profile");
  BOOST_TEST(*find_var(env, "B") == "usr");
  BOOST_TEST(*find_var(env, "C") == "task");
  BOOST_TEST(*find_var(env, "D") == "task");
  BOOST_TEST(*find_var(env, "E") == "build");
}

BOOST_AUTO_TEST_CASE(a_tilde_passes_the_swops_value_through_or_leaves_the_name_out) {
  auto profile = test::parse_profile_or_die(profile_with("[http_proxy: ~, no_proxy: ~]", "~"));
  auto task = test::parse_task_or_die(task_with("~"));
  auto env = ml_env(std::get<config::run_swarm_body>(task.body), profile, profile.nodes[0],
                    nullptr, "/r", {}, fake_env({{"http_proxy", "http://proxy:3128"}}));
  BOOST_TEST(*find_var(env, "http_proxy") == "http://proxy:3128");
  BOOST_TEST(!find_var(env, "no_proxy"));
}

BOOST_AUTO_TEST_CASE(the_build_bin_directory_is_prepended_to_path) {
  auto profile = test::parse_profile_or_die(profile_with("~", "~"));
  auto task = test::parse_task_or_die(task_with("~"));
  build_env build;
  build.bin_dir = "/envs/x/bin";
  auto env = ml_env(std::get<config::run_swarm_body>(task.body), profile, profile.nodes[0],
                    &build, "/r", {}, fake_env({{"PATH", "/usr/bin:/bin"}}));
  BOOST_TEST(*find_var(env, "PATH") == "/envs/x/bin:/usr/bin:/bin");
}

BOOST_AUTO_TEST_CASE(container_paths_in_values_are_translated_to_the_node_root) {
  auto profile = test::parse_profile_or_die(profile_with("~", "[OUT: /tmp/test/out]"));
  auto task = test::parse_task_or_die(task_with("[DATA_DIR: /tmp/test/data, MODEL_DIR: model]"));
  std::vector<mount_point> mounts{{"/tmp/test", "/d"}};
  auto env = ml_env(std::get<config::run_swarm_body>(task.body), profile, profile.nodes[0],
                    nullptr, "/r", mounts, fake_env({}));
  BOOST_TEST(*find_var(env, "DATA_DIR") == "/r/tmp/test/data");
  BOOST_TEST(*find_var(env, "OUT") == "/r/tmp/test/out");
  BOOST_TEST(*find_var(env, "MODEL_DIR") == "model");
}

BOOST_AUTO_TEST_CASE(sl_environment_is_envvars_then_slenvvars_and_maps_the_log_level) {
  auto profile = test::parse_profile_or_die(profile_with("[SL_LOG_LEVEL: DEBUG, X: 1]", "~"));
  auto env = sl_env(profile, profile.nodes[0], fake_env({}));
  BOOST_TEST(*find_var(env, "X") == "1");
  BOOST_TEST(*find_var(env, "SL_MIN_PEERS") == "2");
  BOOST_TEST(*find_var(env, "SWARM_LOG_LEVEL") == "DEBUG");
}
