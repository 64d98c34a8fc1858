#define BOOST_TEST_MODULE swci parser
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <map>
#include <set>
#include <string>

#include "swarm/swci/command_table.hpp"
#include "swarm/swci/parser.hpp"
#include "swarm/swci/suggest.hpp"

using namespace swarm::swci;

namespace {

// One valid line per command of HPE's §3.4, with the arguments expected.
struct example {
  std::string line;
  command_id id;
  std::vector<std::string> args;
};

const std::vector<example> examples = {
  {"CREATE CONTEXT test-mnist WITH IP sn1", command_id::create_context_ip,
   {"test-mnist", "sn1", ""}},
  {"CREATE CONTEXT c WITH IP 127.0.1.1 30305", command_id::create_context_ip,
   {"c", "127.0.1.1", "30305"}},
  {"CREATE CONTEXT c WITH SERVICE sn.example.org:443", command_id::create_context_service,
   {"c", "sn.example.org:443"}},
  {"GET CONTEXT INFO", command_id::get_context_info, {""}},
  {"GET CONTEXT INFO c", command_id::get_context_info, {"c"}},
  {"GET CONTEXT ENV c X", command_id::get_context_env, {"c", "X"}},
  {"GET CONTEXT VERSION", command_id::get_context_version, {}},
  {"LIST CONTEXTS", command_id::list_contexts, {}},
  {"LIST CONTEXT ENV c", command_id::list_context_env, {"c"}},
  {"SET CONTEXT ENV c X 1", command_id::set_context_env, {"c", "X", "1"}},
  {"SWITCH CONTEXT test-mnist", command_id::switch_context, {"test-mnist"}},
  {"CREATE CONTRACT k", command_id::create_contract, {"k"}},
  {"GET CONTRACT INFO k", command_id::get_contract_info, {"k"}},
  {"GET CONTRACT STATUS k", command_id::get_contract_status, {"k"}},
  {"LIST CONTRACTS", command_id::list_contracts, {}},
  {"PERFDATA k", command_id::perfdata, {"k"}},
  {"RESET CONTRACT defaultbb.cqdb.sml.hpe", command_id::reset_contract,
   {"defaultbb.cqdb.sml.hpe"}},
  {"APPEND TASK BODY t 3 Command: model/mnist_tf.py", command_id::append_task_body,
   {"t", "3", "Command: model/mnist_tf.py"}},
  {"CREATE TASK FROM taskdefs/swarm_mnist_task.yaml", command_id::create_task_from,
   {"taskdefs/swarm_mnist_task.yaml"}},
  {"CREATE TASK RUN_SWARM t me ROOTTASK out", command_id::create_task,
   {"RUN_SWARM", "t", "me", "ROOTTASK", "out"}},
  {"DELETE TASK t", command_id::delete_task, {"t"}},
  {"FINALIZE TASK t", command_id::finalize_task, {"t"}},
  {"GET TASK BODY t", command_id::get_task_body, {"t"}},
  {"GET TASK INFO t", command_id::get_task_info, {"t"}},
  {"LIST TASKS", command_id::list_tasks, {}},
  {"ASSIGN TASK t TO tr WITH ALL PEERS", command_id::assign_task_all, {"t", "tr"}},
  {"ASSIGN TASK t TO tr WITH 2 PEERS", command_id::assign_task_peers, {"t", "tr", "2"}},
  {"ASSIGN TASK t TO tr TARGET 3f2a", command_id::assign_task_target, {"t", "tr", "3f2a"}},
  {"CREATE TASKRUNNER tr", command_id::create_taskrunner, {"tr"}},
  {"GET TASKRUNNER INFO tr", command_id::get_taskrunner_info, {"tr"}},
  {"GET TASKRUNNER PEER STATUS tr 0", command_id::get_taskrunner_peer_status, {"tr", "0"}},
  {"GET TASKRUNNER STATUS tr", command_id::get_taskrunner_status, {"tr"}},
  {"LIST TASKRUNNERS", command_id::list_taskrunners, {}},
  {"LIST TASKRUNNER PEERS tr", command_id::list_taskrunner_peers, {"tr"}},
  {"RESET TASKRUNNER tr", command_id::reset_taskrunner, {"tr"}},
  {"WAIT FOR TASKRUNNER tr", command_id::wait_for_taskrunner, {"tr"}},
  {"cd /platform/swarm/usr", command_id::cd, {"/platform/swarm/usr"}},
  {"ls", command_id::ls, {""}},
  {"ls taskdefs", command_id::ls, {"taskdefs"}},
  {"pwd", command_id::pwd, {}},
  {"EXIT", command_id::exit, {}},
  {"EXIT ON FAILURE", command_id::exit_on_failure, {""}},
  {"EXIT ON FAILURE off", command_id::exit_on_failure, {"OFF"}},
  {"LIST NODES", command_id::list_nodes, {}},
  {"SLEEP 15", command_id::sleep, {"15"}},
  {"WAIT FOR IP sn1", command_id::wait_for_ip, {"sn1", "", ""}},
  {"WAIT FOR IP 127.0.1.1 30304 10", command_id::wait_for_ip, {"127.0.1.1", "30304", "10"}},
  {"WAIT FOR SERVICE sn.example.org:443 3", command_id::wait_for_service,
   {"sn.example.org:443", "3"}},
  {"HELP", command_id::help, {""}},
  {"HELP wait for", command_id::help, {"wait for"}},
};

std::string lower(std::string text) {
  for (auto& c : text)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// The error's message, or "" on success (Boost evaluates messages even
// when the check passes).
std::string message_of(const swarm::expected<parsed_command>& cmd) {
  return cmd ? std::string{} : cmd.error().message;
}

std::string error_of(const std::string& line) {
  auto cmd = parse_command(line);
  BOOST_REQUIRE_MESSAGE(!cmd, line << " should not parse");
  return cmd.error().message;
}

} // namespace

BOOST_AUTO_TEST_CASE(every_command_of_the_table_has_a_parsing_example) {
  std::set<command_id> covered;
  for (const auto& ex : examples)
    covered.insert(ex.id);
  for (const auto& spec : command_table())
    BOOST_CHECK_MESSAGE(covered.contains(spec.id), spec.pattern << " has no example");
}

BOOST_AUTO_TEST_CASE(every_command_parses_with_its_arguments) {
  for (const auto& ex : examples) {
    auto cmd = parse_command(ex.line);
    BOOST_REQUIRE_MESSAGE(cmd, ex.line << ": " << message_of(cmd));
    BOOST_CHECK_MESSAGE(cmd->id == ex.id, ex.line << " parsed as " << spec_of(cmd->id).pattern);
    BOOST_CHECK_EQUAL_COLLECTIONS(cmd->args.begin(), cmd->args.end(), ex.args.begin(),
                                  ex.args.end());
  }
}

BOOST_AUTO_TEST_CASE(keywords_are_case_insensitive_and_arguments_keep_their_case) {
  for (const auto& ex : examples) {
    auto tokens = tokenize(ex.line);
    // Lower-case every word that is not an argument of the example.
    std::string line;
    for (const auto& t : tokens) {
      bool is_arg = std::find(ex.args.begin(), ex.args.end(), t.text) != ex.args.end();
      line += (line.empty() ? "" : " ") + (is_arg ? t.text : lower(t.text));
    }
    auto cmd = parse_command(line);
    BOOST_REQUIRE_MESSAGE(cmd, line << ": " << message_of(cmd));
    BOOST_CHECK_MESSAGE(cmd->id == ex.id, line);
  }
  auto mixed = parse_command("Wait For TaskRunner DefaultTaskBB.taskdb.sml.hpe");
  BOOST_REQUIRE(mixed);
  BOOST_CHECK_EQUAL(mixed->args[0], "DefaultTaskBB.taskdb.sml.hpe");
}

BOOST_AUTO_TEST_CASE(append_task_body_takes_the_rest_of_the_line_with_its_indentation) {
  auto cmd = parse_command("APPEND TASK BODY t 4   - Src: /data  ");
  BOOST_REQUIRE(cmd);
  BOOST_CHECK_EQUAL(cmd->args[2], "  - Src: /data");
}

BOOST_AUTO_TEST_CASE(wrong_arity_names_the_usage_of_the_command) {
  BOOST_CHECK_EQUAL(error_of("SWITCH CONTEXT"), "wrong arguments; usage: SWITCH CONTEXT <name>");
  BOOST_CHECK_EQUAL(error_of("list tasks now"), "wrong arguments; usage: LIST TASKS");
  BOOST_CHECK_EQUAL(error_of("SLEEP"), "wrong arguments; usage: SLEEP <seconds>");
  BOOST_CHECK_EQUAL(error_of("EXIT ON FAILURE MAYBE"),
                    "wrong arguments; usage: EXIT ON FAILURE [ON|OFF]");
  auto both = error_of("CREATE CONTEXT c");
  BOOST_CHECK(both.find("CREATE CONTEXT <name> WITH IP <ip> [port]") != std::string::npos);
  BOOST_CHECK(both.find("CREATE CONTEXT <name> WITH SERVICE <fqdn[:port]>") != std::string::npos);
  auto assign = error_of("ASSIGN TASK t TO tr WITH PEERS");
  BOOST_CHECK(assign.find("ASSIGN TASK <task> TO <taskrunner> WITH <n> PEERS")
              != std::string::npos);
  auto list = error_of("LIST");
  BOOST_CHECK(list.find("LIST TASKS") != std::string::npos);
  BOOST_CHECK(list.find("LIST NODES") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(misspelled_commands_get_the_nearest_one_suggested) {
  BOOST_CHECK_EQUAL(error_of("LST TASKS"),
                    "unknown command 'LST TASKS': did you mean 'LIST TASKS'?");
  BOOST_CHECK_EQUAL(error_of("creat task from x.yaml"),
                    "unknown command 'CREAT TASK FROM': did you mean 'CREATE TASK FROM'?");
  BOOST_CHECK_EQUAL(error_of("WAIT FRO TASKRUNNER tr"),
                    "unknown command 'WAIT FRO TASKRUNNER': did you mean 'WAIT FOR TASKRUNNER'?");
  BOOST_CHECK_EQUAL(error_of("PERFDAT k"), "unknown command 'PERFDAT': did you mean 'PERFDATA'?");
  BOOST_CHECK_EQUAL(error_of("GET TSK INFO t"),
                    "unknown command 'GET TSK INFO': did you mean 'GET TASK INFO'?");
}

BOOST_AUTO_TEST_CASE(nonsense_gets_no_suggestion) {
  BOOST_CHECK_EQUAL(error_of("make coffee please"),
                    "unknown command 'make coffee please' (HELP lists the commands)");
}

BOOST_AUTO_TEST_CASE(edit_distance_counts_single_character_edits) {
  BOOST_CHECK_EQUAL(edit_distance("", ""), 0u);
  BOOST_CHECK_EQUAL(edit_distance("LIST", ""), 4u);
  BOOST_CHECK_EQUAL(edit_distance("LST TASKS", "LIST TASKS"), 1u);
  BOOST_CHECK_EQUAL(edit_distance("kitten", "sitting"), 3u);
}

BOOST_AUTO_TEST_CASE(help_has_a_line_for_every_command) {
  auto text = help_text("");
  BOOST_REQUIRE(text);
  for (const auto& spec : command_table()) {
    auto line = std::string{spec.pattern} + "  ";
    BOOST_CHECK_MESSAGE(text->find(line) != std::string::npos, spec.pattern << " missing");
    BOOST_CHECK_MESSAGE(text->find(spec.summary) != std::string::npos, spec.pattern);
  }
}

BOOST_AUTO_TEST_CASE(help_with_words_shows_the_commands_starting_with_them) {
  auto text = help_text("wait for");
  BOOST_REQUIRE(text);
  BOOST_CHECK(text->find("WAIT FOR IP") != std::string::npos);
  BOOST_CHECK(text->find("WAIT FOR SERVICE") != std::string::npos);
  BOOST_CHECK(text->find("WAIT FOR TASKRUNNER") != std::string::npos);
  BOOST_CHECK(text->find("LIST TASKS") == std::string::npos);
  auto wrong = help_text("LST");
  BOOST_REQUIRE(!wrong);
  BOOST_CHECK_EQUAL(wrong.error().message, "no command starts with 'LST': did you mean 'LIST'?");
}

BOOST_AUTO_TEST_CASE(comments_and_blank_lines_are_recognised) {
  BOOST_CHECK(is_blank_or_comment(""));
  BOOST_CHECK(is_blank_or_comment("   \r"));
  BOOST_CHECK(is_blank_or_comment("  # EXIT"));
  BOOST_CHECK(!is_blank_or_comment("EXIT # not a comment"));
}

BOOST_AUTO_TEST_CASE(every_line_of_the_mnist_init_script_parses) {
  std::ifstream in{std::string{SWARM_SOURCE_DIR} + "/examples/mnist/swci/swci-init"};
  BOOST_REQUIRE(in);
  std::string line;
  size_t commands = 0;
  while (std::getline(in, line)) {
    if (is_blank_or_comment(line))
      continue;
    if (auto at = line.find("<SN-1-IP>"); at != std::string::npos)
      line.replace(at, 9, "127.0.1.1");
    auto cmd = parse_command(line);
    BOOST_CHECK_MESSAGE(cmd, line << ": " << message_of(cmd));
    ++commands;
  }
  BOOST_CHECK(commands > 20);
}
