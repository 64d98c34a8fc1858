#define BOOST_TEST_MODULE swop_build_steps
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <sstream>

#include "fixtures.hpp"
#include "process.hpp"
#include "swarm/swop/build_steps.hpp"

namespace fs = std::filesystem;
using namespace swarm;
using namespace swarm::swop;

namespace {

std::string read(const fs::path& p) {
  std::ifstream in{p};
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

build_dirs dirs_in(const fs::path& dir) {
  return build_dirs{dir / "envs" / "user-env", dir / "context", dir / "build.log"};
}

} // namespace

BOOST_AUTO_TEST_CASE(dockerfile_instructions_and_plain_lines_are_told_apart) {
  auto steps = parse_build_steps({"FROM tensorflow/tensorflow:2.7.0", "RUN pip install x",
                                  "pip3 install y", "ENV A=1 B=\"two words\"", "ENV C three four",
                                  "COPY a b dst/", "WORKDIR /opt", "LABEL x=y",
                                  "env FOO=1 true", "", "# comment"});
  BOOST_REQUIRE(steps);
  BOOST_REQUIRE_EQUAL(steps->size(), 9u);
  auto& s = *steps;
  BOOST_TEST((s[0].kind == step_kind::from));
  BOOST_TEST((s[1].kind == step_kind::run));
  BOOST_TEST(s[1].argument == "pip install x");
  BOOST_TEST((s[2].kind == step_kind::run));
  BOOST_TEST(s[2].argument == "pip3 install y");
  BOOST_TEST((s[3].kind == step_kind::env));
  BOOST_TEST((s[3].vars == env_vars{{"A", "1"}, {"B", "two words"}}));
  BOOST_TEST((s[4].vars == env_vars{{"C", "three four"}}));
  BOOST_TEST((s[5].kind == step_kind::copy));
  BOOST_TEST((s[5].words == std::vector<std::string>{"a", "b", "dst/"}));
  BOOST_TEST((s[6].kind == step_kind::workdir));
  BOOST_TEST((s[7].kind == step_kind::ignored));
  BOOST_TEST((s[8].kind == step_kind::run)); // lower-case env is a shell command
  BOOST_TEST(s[8].line == 9u);
}

BOOST_AUTO_TEST_CASE(a_malformed_instruction_is_an_error_naming_its_line) {
  auto steps = parse_build_steps({"FROM x", "ENV =1"});
  BOOST_REQUIRE(!steps);
  BOOST_TEST(steps.error().message.find("BuildSteps line 2") != std::string::npos);
  BOOST_TEST(!parse_build_steps({"COPY onlyone"}));
}

BOOST_AUTO_TEST_CASE(steps_run_in_the_build_directory_with_recorded_env_copy_and_workdir) {
  test::temp_dir dir;
  test::write_file(dir.path() / "context" / "lib.whl", "wheel");
  auto steps = parse_build_steps({"FROM python:3", "ENV GREETING=hello", "COPY lib.whl /tmp/",
                                  "WORKDIR /app", "RUN echo $GREETING > greeting.txt",
                                  "mkdir -p ../bin && printf '#!/bin/sh\\necho tool\\n' > "
                                  "../bin/tool && chmod +x ../bin/tool",
                                  "tool > tool.txt"});
  BOOST_REQUIRE(steps);
  auto dirs = dirs_in(dir.path());
  auto st = run_build_steps(*steps, dirs, {});
  BOOST_REQUIRE_MESSAGE(st, (st ? "" : st.error().message) + "\n" + read(dirs.log_file));
  BOOST_TEST(read(dirs.build_dir / "tmp/lib.whl") == "wheel");
  BOOST_TEST(read(dirs.build_dir / "app/greeting.txt") == "hello\n");
  BOOST_TEST(read(dirs.build_dir / "app/tool.txt") == "tool\n");
  auto env = load_build_env(dirs.build_dir);
  BOOST_REQUIRE(env);
  BOOST_TEST(*find_var(env->vars, "GREETING") == "hello");
  BOOST_TEST(env->bin_dir == dirs.build_dir / "bin");
}

BOOST_AUTO_TEST_CASE(a_failing_line_fails_the_build_naming_the_line_and_records_nothing) {
  test::temp_dir dir;
  auto steps = parse_build_steps({"RUN true", "RUN exit 3", "RUN touch never"});
  BOOST_REQUIRE(steps);
  auto dirs = dirs_in(dir.path());
  auto st = run_build_steps(*steps, dirs, {});
  BOOST_REQUIRE(!st);
  BOOST_TEST(st.error().message.find("BuildSteps line 2 (RUN exit 3)") != std::string::npos);
  BOOST_TEST(st.error().message.find("status 3") != std::string::npos);
  BOOST_TEST(!fs::exists(dirs.build_dir / "never"));
  BOOST_TEST(!load_build_env(dirs.build_dir));
}

BOOST_AUTO_TEST_CASE(a_command_that_does_not_exist_fails_as_not_found) {
  test::temp_dir dir;
  auto steps = parse_build_steps({"no-such-command-xyz --flag"});
  BOOST_REQUIRE(steps);
  auto st = run_build_steps(*steps, dirs_in(dir.path()), {});
  BOOST_REQUIRE(!st);
  BOOST_TEST(st.error().message.find("command not found") != std::string::npos);
}
