#define BOOST_TEST_MODULE merge.round_config
#include <boost/test/unit_test.hpp>

// HPE's environment names for the round settings, and the train-end modes.

#include <map>

#include "swarm/merge/round_config.hpp"
#include "swarm/merge/round_coordinator.hpp"

using namespace swarm::merge;

namespace {

// A getenv over a fixed map.
auto env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> std::optional<std::string> {
    auto i = vars.find(name);
    return i == vars.end() ? std::nullopt : std::optional<std::string>{i->second};
  };
}

// Applies one variable to a default config; returns the error message or "".
std::string apply_one(const std::string& name, const std::string& value) {
  round_config cfg;
  auto st = apply_environment(cfg, env({{name, value}}));
  return st ? std::string{} : st.error().message;
}

} // namespace

BOOST_AUTO_TEST_CASE(without_the_variables_the_defaults_stay) {
  round_config cfg;
  BOOST_TEST(static_cast<bool>(apply_environment(cfg, env({}))));
  BOOST_TEST(cfg.full_quorum_wait_ms == 30'000);
  BOOST_TEST(cfg.leader_timeout_ms == 5'000);
  BOOST_TEST(cfg.eligible);
}

BOOST_AUTO_TEST_CASE(the_hpe_variables_set_the_waits_and_the_admin_right) {
  round_config cfg;
  auto st = apply_environment(cfg, env({{"SL_WAIT_FOR_FULL_QUORUM_SECONDS", "2.5"},
                                        {"SL_LEADER_FAILURE_BASE_TIMEOUT", "30"},
                                        {"SL_MAKE_ME_ADMIN", "False"}}));
  BOOST_TEST_REQUIRE(static_cast<bool>(st), st.error().message);
  BOOST_TEST(cfg.full_quorum_wait_ms == 2'500);
  BOOST_TEST(cfg.leader_timeout_ms == 30'000);
  // A leader speaks several times per timeout.
  BOOST_TEST(cfg.heartbeat_interval_ms == 6'000);
  BOOST_TEST(!cfg.eligible);
  BOOST_TEST(cfg.stall_warning_after_ms == 10'000);
  BOOST_TEST(static_cast<bool>(
    apply_environment(cfg, env({{"SL_STALL_WARNING_SECONDS", "0.5"}}))));
  BOOST_TEST(cfg.stall_warning_after_ms == 500);
  for (const auto* yes : {"True", "true", "TRUE", "1"}) {
    round_config c;
    c.eligible = false;
    BOOST_TEST(static_cast<bool>(apply_environment(c, env({{"SL_MAKE_ME_ADMIN", yes}}))));
    BOOST_TEST(c.eligible, yes);
  }
}

BOOST_AUTO_TEST_CASE(bad_values_are_rejected_naming_the_variable_and_the_value) {
  for (const auto* name : {"SL_WAIT_FOR_FULL_QUORUM_SECONDS", "SL_LEADER_FAILURE_BASE_TIMEOUT",
                           "SL_STALL_WARNING_SECONDS"}) {
    for (const auto* bad : {"abc", "-1", "1e9", "", "5s", "nan"}) {
      auto message = apply_one(name, bad);
      BOOST_TEST(message.find(name) != std::string::npos, name << "='" << bad << "': " << message);
      BOOST_TEST(message.find(std::string{"'"} + bad + "'") != std::string::npos, message);
    }
  }
  // A leader timeout too short to survive one slow tick.
  auto tiny = apply_one("SL_LEADER_FAILURE_BASE_TIMEOUT", "0.01");
  BOOST_TEST(tiny.find("SL_LEADER_FAILURE_BASE_TIMEOUT") != std::string::npos, tiny);
  for (const auto* name : {"SL_MAKE_ME_ADMIN", "SL_FSYNC_ROUND_STATE"}) {
    auto message = apply_one(name, "maybe");
    BOOST_TEST(message.find(name) != std::string::npos, message);
    BOOST_TEST(message.find("'maybe'") != std::string::npos, message);
  }
}

BOOST_AUTO_TEST_CASE(sl_fsync_round_state_turns_on_synced_saves) {
  round_config cfg;
  BOOST_TEST(!cfg.fsync_round_state);
  BOOST_TEST(static_cast<bool>(apply_environment(cfg, env({{"SL_FSYNC_ROUND_STATE", "True"}}))));
  BOOST_TEST(cfg.fsync_round_state);
}

BOOST_AUTO_TEST_CASE(train_end_modes_parse_case_insensitively) {
  BOOST_TEST((parse_train_end_mode("Inactive") == train_end_mode::inactive));
  BOOST_TEST((parse_train_end_mode("SNAPSHOT") == train_end_mode::snapshot));
  BOOST_TEST((parse_train_end_mode("active") == train_end_mode::active));
  BOOST_TEST(!parse_train_end_mode("passive").has_value());
}
