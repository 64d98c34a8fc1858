#define BOOST_TEST_MODULE examples.mnist_settings
#include <boost/test/unit_test.hpp>

#include <map>
#include <string>

#include "progress.hpp"
#include "settings.hpp"

using namespace swarm::examples::mnist;

namespace {

struct fake_env {
  std::map<std::string, std::string> vars;
  env_lookup lookup() const {
    return [this](const char* name) -> const char* {
      auto i = vars.find(name);
      return i == vars.end() ? nullptr : i->second.c_str();
    };
  }
};

swarm::expected<settings> read(const fake_env& env) {
  return read_settings(env.lookup(), "/bundled");
}

} // namespace

BOOST_AUTO_TEST_CASE(without_variables_the_seed_defaults_apply) {
  auto s = read(fake_env{});
  BOOST_REQUIRE(s);
  BOOST_TEST(s->data_dir == "/bundled");
  BOOST_TEST(s->bundled_data);
  BOOST_TEST(s->max_epochs == 5);
  BOOST_TEST(s->min_peers == 2);
  BOOST_TEST(!s->loopback);
  BOOST_TEST((s->split == data_split::full));
}

BOOST_AUTO_TEST_CASE(the_seed_task_variables_are_read) {
  fake_env env{{{"DATA_DIR", "/d"}, {"SCRATCH_DIR", "user1"}, {"MODEL_DIR", "model"},
                {"MAX_EPOCHS", "2"}, {"MIN_PEERS", "3"}, {"SWARM_LOOPBACK", "True"},
                {"DATA_SPLIT", "iid"}, {"NODE_INDEX", "1"}, {"NODE_COUNT", "2"}}};
  auto s = read(env);
  BOOST_REQUIRE(s);
  BOOST_TEST(s->data_dir == "/d");
  BOOST_TEST(!s->bundled_data);
  BOOST_TEST(s->scratch_dir == "user1");
  BOOST_TEST(s->max_epochs == 2);
  BOOST_TEST(s->min_peers == 3);
  BOOST_TEST(s->loopback);
  BOOST_TEST((s->split == data_split::iid));
  BOOST_TEST(s->node_index == 1u);
  BOOST_TEST(s->node_count == 2u);
}

BOOST_AUTO_TEST_CASE(bad_values_are_errors_naming_the_variable_and_the_value) {
  auto check = [](const char* var, const char* value) {
    fake_env env{{{var, value}}};
    auto s = read(env);
    BOOST_TEST_CONTEXT(var << "=" << value) {
      BOOST_REQUIRE(!s);
      BOOST_TEST(s.error().message.find(var) != std::string::npos);
      BOOST_TEST(s.error().message.find(value) != std::string::npos);
    }
  };
  check("MAX_EPOCHS", "two");
  check("MAX_EPOCHS", "0");
  check("MAX_EPOCHS", "3x");
  check("MIN_PEERS", "-1");
  check("SWARM_LOOPBACK", "maybe");
  check("DATA_SPLIT", "halves");
  check("DATA_SKEW", "1.5");
  check("SWARM_SEED", "abc");
}

BOOST_AUTO_TEST_CASE(a_node_index_must_be_below_the_node_count) {
  fake_env env{{{"DATA_SPLIT", "iid"}, {"NODE_INDEX", "2"}, {"NODE_COUNT", "2"}}};
  auto s = read(env);
  BOOST_REQUIRE(!s);
  BOOST_TEST(s.error().message.find("NODE_INDEX") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(hpe_boolean_spellings_are_accepted) {
  for (auto t : {"True", "true", "TRUE", "1", "yes", "on"})
    BOOST_TEST(*parse_bool("X", t));
  for (auto f : {"False", "false", "0", "no", "off"})
    BOOST_TEST(!*parse_bool("X", f));
}

BOOST_AUTO_TEST_CASE(the_progress_bar_has_keras_shape) {
  BOOST_TEST(epoch_progress::bar(0, 10) == "[>.............................]");
  BOOST_TEST(epoch_progress::bar(5, 10) == "[===============>..............]");
  BOOST_TEST(epoch_progress::bar(10, 10) == "[==============================]");
}
