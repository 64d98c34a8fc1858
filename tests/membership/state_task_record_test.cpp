#define BOOST_TEST_MODULE membership.state_task_record
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "swarm/config/task.hpp"
#include "swarm/membership/state_swarm.hpp"
#include "swarm/membership/state_task_record.hpp"

using namespace swarm::membership;

namespace {

task_record sample_task() {
  task_record x;
  x.name = "swarm_mnist_task";
  x.type = "RUN_SWARM";
  x.author = "HPE-TEST";
  x.prereq = "user_env_tf_build_task";
  x.outcome = "swarm_mnist_task";
  x.body = {"Command: model/mnist_tf.py", "Entrypoint: python3",
            "WorkingDir: /tmp/test", "Envvars:", "  - DATA_DIR: app-data",
            "  - MAX_EPOCHS: 2", "PrivateContent: /tmp/test/", "SharedContent:",
            "  - Src: /opt/hpe/swarm-learning/examples/mnist/model",
            "    Tgt: /tmp/test/model", "    MType: BIND"};
  x.finalized = true;
  x.created_ms = 1'764'150'000'000;
  return x;
}

byte_buffer encoded(const task_record& x) {
  byte_writer out;
  x.encode(out);
  return out.take();
}

void expect_rejected(const task_record& x, const std::string& what) {
  BOOST_TEST_CONTEXT(what) {
    auto st = x.check();
    BOOST_REQUIRE(!st);
    BOOST_TEST(st.error().message.find(what) != std::string::npos, st.error().message);
    auto back = task_record::decode(encoded(x));
    BOOST_REQUIRE(!back);
    BOOST_TEST(back.error().code == swarm::errc::corrupt_data);
  }
}

} // namespace

BOOST_AUTO_TEST_CASE(a_task_record_round_trips_with_every_field) {
  auto x = sample_task();
  x.body.push_back("");
  auto back = task_record::decode(encoded(x));
  BOOST_REQUIRE(back);
  BOOST_TEST((*back == x));
  BOOST_TEST(x.key() == "swarm_mnist_task");
}

BOOST_AUTO_TEST_CASE(every_truncation_and_trailing_bytes_are_rejected) {
  auto bytes = encoded(sample_task());
  for (size_t n = 0; n < bytes.size(); ++n)
    BOOST_TEST(!task_record::decode(std::span{bytes}.first(n)), "length " << n);
  bytes.push_back(std::byte{0});
  BOOST_TEST(!task_record::decode(bytes));
}

BOOST_AUTO_TEST_CASE(a_newer_format_with_extra_trailing_fields_is_accepted) {
  auto bytes = encoded(sample_task());
  bytes[0] = std::byte{2};
  bytes.push_back(std::byte{0x2a});
  auto back = task_record::decode(bytes);
  BOOST_REQUIRE(back);
  BOOST_TEST((*back == sample_task()));
}

BOOST_AUTO_TEST_CASE(names_are_one_to_160_characters_of_a_small_alphabet) {
  BOOST_TEST(is_valid_object_name("defaulttaskbb.taskdb.sml.hpe"));
  BOOST_TEST(is_valid_object_name("A-z_0.9"));
  BOOST_TEST(is_valid_object_name(std::string(160, 'a')));
  BOOST_TEST(!is_valid_object_name(std::string(161, 'a')));
  BOOST_TEST(!is_valid_object_name(""));
  BOOST_TEST(!is_valid_object_name("a b"));
  BOOST_TEST(!is_valid_object_name("a/b"));
  BOOST_TEST(!is_valid_object_name("t\xc3\xa4sk"));
}

BOOST_AUTO_TEST_CASE(records_breaking_the_limits_are_rejected_naming_the_problem) {
  auto x = sample_task();
  x.name = "bad name";
  expect_rejected(x, "is invalid");
  x = sample_task();
  x.author = std::string(161, 'a');
  expect_rejected(x, "author has 161 bytes");
  x = sample_task();
  x.outcome = "two\nlines";
  expect_rejected(x, "outcome contains a line break");
  x = sample_task();
  x.body.assign(task_max_body_lines + 1, "x: 1");
  expect_rejected(x, "body lines, the limit is");
  x = sample_task();
  x.body[2] = std::string(task_max_line_bytes + 1, 'x');
  expect_rejected(x, "body line 3 has");
  x = sample_task();
  x.body.assign(300, std::string(1000, 'x'));
  expect_rejected(x, "the body has");
}

BOOST_AUTO_TEST_CASE(to_yaml_gives_a_task_file_the_config_loader_accepts) {
  auto x = sample_task();
  auto task = swarm::config::parse_task(x.to_yaml(), "task");
  BOOST_REQUIRE_MESSAGE(static_cast<bool>(task), (task ? "" : task.error().message));
  BOOST_TEST(task->name == x.name);
  BOOST_TEST(task->author == x.author);
  BOOST_TEST(task->prereq == x.prereq);
  auto& body = std::get<swarm::config::run_swarm_body>(task->body);
  BOOST_TEST(body.command == "model/mnist_tf.py");
  BOOST_TEST(body.shared_content.size() == 1u);
}

BOOST_AUTO_TEST_CASE(to_yaml_quotes_header_text_so_it_reads_back_verbatim) {
  auto x = sample_task();
  x.author = "O'Neil: \"the\" #1 \\ author";
  auto task = swarm::config::parse_task(x.to_yaml(), "task");
  BOOST_REQUIRE_MESSAGE(static_cast<bool>(task), (task ? "" : task.error().message));
  BOOST_TEST(task->author == x.author);
}

BOOST_AUTO_TEST_CASE(to_yaml_of_an_incomplete_task_fails_validation_with_positions) {
  auto x = sample_task();
  x.body = {"Entrypoint: python3"};
  auto task = swarm::config::parse_task(x.to_yaml(), "mytask");
  BOOST_REQUIRE(!task);
  BOOST_TEST(task.error().message.find("mytask:") != std::string::npos, task.error().message);
}

BOOST_AUTO_TEST_CASE(the_state_accepts_task_records_and_rejects_ones_under_a_wrong_key) {
  swarm_state s;
  auto w = make_uuid_v4(std::array<std::byte, 16>{std::byte{1}});
  auto entry = s.map_of<task_record>().put(sample_task(), w);
  BOOST_REQUIRE(entry);
  BOOST_TEST(s.map_of<task_record>().get("swarm_mnist_task").has_value());
  auto moved = *entry;
  moved.key = "other";
  swarm_state t;
  BOOST_TEST(!t.merge({std::string{task_record::map_name}, moved}));
  BOOST_TEST(static_cast<bool>(t.merge({std::string{task_record::map_name}, *entry})));
}
