#define BOOST_TEST_MODULE config.document
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>

#include "swarm/config/profile.hpp"
#include "swarm/config/task.hpp"
#include "test_util.hpp"

// Inputs that are not a well-formed single YAML mapping: each must come back
// as an error with a position, never as an exception or a crash.

using namespace swarm::config;
using namespace swarm::config::test;

BOOST_AUTO_TEST_CASE(yaml_syntax_error_is_a_parse_error_with_its_position) {
  std::string text = "groupname: demo\nnodes: [a,\n  b: c\n";
  auto profile = parse_profile(text, "broken.yaml");
  BOOST_TEST_REQUIRE(!profile);
  BOOST_TEST(profile.error().code == swarm::errc::parse_error);
  const auto& message = profile.error().message;
  BOOST_TEST(message.rfind("broken.yaml:", 0) == 0u, message);
  BOOST_TEST(message.find("YAML syntax error") != std::string::npos, message);
  auto result = check_task("Name: [unclosed\n", "t.yaml");
  BOOST_TEST(result.syntax_error);
  BOOST_TEST_REQUIRE(result.problems.size() == 1u);
  BOOST_TEST(result.problems[0].line >= 1);
  // A bad indentation points at the offending line.
  result = check_task("Name: a\n  Author: b\nTaskType: c\n", "t.yaml");
  BOOST_TEST_REQUIRE(result.problems.size() == 1u);
  BOOST_TEST(result.problems[0].line == 2, dump(result.problems));
}

BOOST_AUTO_TEST_CASE(empty_file_is_rejected_as_empty) {
  for (auto text : {"", "\n\n", "# only a comment\n", "---\n", "~\n"}) {
    auto result = check_profile(text, "empty.yaml");
    BOOST_TEST_REQUIRE(result.problems.size() == 1u, text);
    BOOST_TEST(result.problems[0].to_string()
               == "empty.yaml:1:1: the document is empty; expected a mapping of keys");
    BOOST_TEST(!result.syntax_error);
  }
  auto task = parse_task("", "empty_task.yaml");
  BOOST_TEST_REQUIRE(!task);
  BOOST_TEST(task.error().code == swarm::errc::invalid_config);
}

BOOST_AUTO_TEST_CASE(non_mapping_top_level_is_rejected) {
  auto result = check_profile("\n- groupname: demo\n", "list.yaml");
  BOOST_TEST_REQUIRE(result.problems.size() == 1u);
  BOOST_TEST(result.problems[0].to_string()
             == "list.yaml:2:1: expected a mapping of keys at the top level, got a list");
  auto task = check_task("just some text", "scalar.yaml");
  BOOST_TEST_REQUIRE(task.problems.size() == 1u);
  BOOST_TEST(task.problems[0].message
             == "expected a mapping of keys at the top level, got \"just some text\"");
}

BOOST_AUTO_TEST_CASE(several_documents_in_one_file_are_rejected) {
  auto result = check_task("Name: a\n---\nName: b\n", "two.yaml");
  BOOST_TEST_REQUIRE(result.problems.size() == 1u);
  BOOST_TEST(result.problems[0].message.find("expected a single YAML document")
             != std::string::npos);
  BOOST_TEST(result.problems[0].line == 2); // the "---"
}

BOOST_AUTO_TEST_CASE(stray_comma_after_a_document_ends_instead_of_looping) {
  // yaml-cpp's LoadAll never returns on these (found by the fuzzer).
  for (auto text : {",", "[a],", "{Name: a},", ",Name"}) {
    auto result = check_task(text, "comma.yaml");
    BOOST_TEST(!result.value.has_value(), text);
    BOOST_TEST(result.problems.size() == 1u, text << "\n" << dump(result.problems));
  }
}

BOOST_AUTO_TEST_CASE(oversized_input_is_refused_before_parsing) {
  std::string text(max_document_bytes + 1, '#');
  auto result = check_profile(text, "big.yaml");
  BOOST_TEST(result.syntax_error);
  BOOST_TEST_REQUIRE(result.problems.size() == 1u);
  BOOST_TEST(result.problems[0].message.find("the limit is") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(deep_nesting_is_an_error_not_a_stack_overflow) {
  for (auto [open, close] : {std::pair{'[', ']'}, std::pair{'{', '}'}}) {
    std::string text = "Name: ";
    text += std::string(100'000, open);
    text += std::string(100'000, close);
    auto result = check_task(text, "deep.yaml");
    BOOST_TEST(!result.value.has_value());
    BOOST_TEST(!result.problems.empty());
  }
  std::string blocks;
  for (int i = 0; i < 5000; ++i)
    blocks += "- ";
  blocks += "x\n";
  BOOST_TEST(!check_task(blocks, "deep.yaml").problems.empty());
}

BOOST_AUTO_TEST_CASE(alias_bomb_is_cut_off_by_the_visit_budget) {
  // A node whose identity names one attribute 1000 times, and a node list
  // naming that node 1000 times: a million attributes to check from 10 KB.
  std::string text = read_data("filled/swop1_profile.yaml");
  auto nodes_at = text.find("nodes:");
  BOOST_TEST_REQUIRE(nodes_at != std::string::npos);
  text.resize(nodes_at);
  std::string attrs = "*a", refs;
  for (int i = 0; i < 1000; ++i) {
    attrs += ", *a";
    refs += "  - *n\n";
  }
  text += "nodes:\n"
          "  - &n {slnodedef: {idx: 0, slhostname: sl, privatedata: ~, slenvvars: ~,"
          " usrhostname: usr, usrenvvars: ~, identity: [&a {attribute: {aType: KEY,"
          " mType: BIND, src: /k.pem, tgt: /t/k.pem}}, " + attrs + "]}}\n"
          + refs;
  auto start = std::chrono::steady_clock::now();
  auto result = check_profile(text, "bomb.yaml");
  auto elapsed = std::chrono::steady_clock::now() - start;
  BOOST_TEST(elapsed < std::chrono::seconds(10));
  BOOST_TEST(!result.value.has_value());
  BOOST_TEST(result.problems.size() <= max_diagnostics + 2);
  auto budget = std::any_of(result.problems.begin(), result.problems.end(),
                            [](const diagnostic& x) {
                              return x.message.find("too large to check") != std::string::npos;
                            });
  BOOST_TEST(budget, dump(result.problems));
}

BOOST_AUTO_TEST_CASE(self_referencing_alias_does_not_loop) {
  auto result = check_profile("nodes: &n [*n]\n", "cycle.yaml");
  BOOST_TEST(!result.value.has_value());
  BOOST_TEST(about(result.problems, "nodes[0]").size() == 1u, dump(result.problems));
}

BOOST_AUTO_TEST_CASE(binary_garbage_is_an_error_not_a_crash) {
  std::string text = "Name: a\0b\n\xff\xfe\x01: [\t}{";
  text += std::string("\0\0\0", 3);
  auto result = check_task(text, "garbage.yaml");
  BOOST_TEST(!result.value.has_value());
  BOOST_TEST(!result.problems.empty());
}

BOOST_AUTO_TEST_CASE(missing_file_is_an_io_error_naming_the_path) {
  auto profile = load_profile(data_path("no_such_profile.yaml"));
  BOOST_TEST_REQUIRE(!profile);
  BOOST_TEST(profile.error().code == swarm::errc::io_error);
  BOOST_TEST(profile.error().message.find("no_such_profile.yaml") != std::string::npos);
  auto task = load_task(data_path("."));
  BOOST_TEST_REQUIRE(!task);
  BOOST_TEST(task.error().code == swarm::errc::io_error);
}
