#define BOOST_TEST_MODULE membership.config
#include <boost/test/unit_test.hpp>

#include <string>

#include "swarm/membership/config.hpp"

using namespace swarm::membership;

BOOST_AUTO_TEST_CASE(both_named_profiles_are_valid) {
  BOOST_TEST(static_cast<bool>(lan_defaults().validate()));
  BOOST_TEST(static_cast<bool>(local_defaults().validate()));
}

BOOST_AUTO_TEST_CASE(the_lan_profile_matches_memberlist) {
  auto cfg = lan_defaults();
  BOOST_TEST(cfg.probe_interval_ms == 1000);
  BOOST_TEST(cfg.probe_timeout_ms == 500);
  BOOST_TEST(cfg.indirect_checks == 3u);
  BOOST_TEST(cfg.suspicion_mult == 4u);
  BOOST_TEST(cfg.suspicion_max_timeout_mult == 6u);
  BOOST_TEST(cfg.retransmit_mult == 4u);
  BOOST_TEST(cfg.min_retransmits == 16u); // ours: see config.hpp
  BOOST_TEST(cfg.gossip_interval_ms == 200);
  BOOST_TEST(cfg.gossip_nodes == 3u);
  BOOST_TEST(cfg.push_pull_interval_ms == 30000);
  BOOST_TEST(cfg.awareness_max_multiplier == 8u);
}

BOOST_AUTO_TEST_CASE(the_local_profile_is_faster_than_the_lan_profile) {
  auto lan = lan_defaults();
  auto local = local_defaults();
  BOOST_TEST(local.probe_timeout_ms < lan.probe_timeout_ms);
  BOOST_TEST(local.gossip_interval_ms < lan.gossip_interval_ms);
  BOOST_TEST(local.push_pull_interval_ms < lan.push_pull_interval_ms);
}

BOOST_AUTO_TEST_CASE(each_broken_rule_is_reported_with_its_field_name) {
  struct row {
    void (*breaks)(config&);
    const char* field;
  };
  const row rows[] = {
    {[](config& c) { c.probe_interval_ms = 0; }, "probe_interval_ms"},
    {[](config& c) { c.probe_timeout_ms = c.probe_interval_ms; }, "probe_timeout_ms"},
    {[](config& c) { c.suspicion_mult = 0; }, "suspicion_mult"},
    {[](config& c) { c.suspicion_max_timeout_mult = 0; }, "suspicion_max_timeout_mult"},
    {[](config& c) { c.retransmit_mult = 0; }, "retransmit_mult"},
    {[](config& c) { c.min_retransmits = 0; }, "min_retransmits"},
    {[](config& c) { c.gossip_interval_ms = -1; }, "gossip_interval_ms"},
    {[](config& c) { c.gossip_nodes = 0; }, "gossip_nodes"},
    {[](config& c) { c.push_pull_interval_ms = -5; }, "push_pull_interval_ms"},
    {[](config& c) { c.awareness_max_multiplier = 0; }, "awareness_max_multiplier"},
    {[](config& c) { c.join_timeout_ms = 0; }, "join_timeout_ms"},
    {[](config& c) { c.reconnect_interval_ms = -1; }, "reconnect_interval_ms"},
    {[](config& c) { c.tombstone_retention_ms = 1; }, "tombstone_retention_ms"},
    {[](config& c) { c.packet_budget_bytes = 100; }, "packet_budget_bytes"},
  };
  for (const auto& r : rows) {
    auto cfg = lan_defaults();
    r.breaks(cfg);
    auto st = cfg.validate();
    BOOST_TEST_REQUIRE(!st, r.field);
    BOOST_TEST(st.error().code == swarm::errc::invalid_config);
    BOOST_TEST(st.error().message.find(r.field) != std::string::npos, st.error().message);
  }
}

BOOST_AUTO_TEST_CASE(zero_disables_push_pull_and_reconnects) {
  auto cfg = lan_defaults();
  cfg.push_pull_interval_ms = 0;
  cfg.reconnect_interval_ms = 0;
  BOOST_TEST(static_cast<bool>(cfg.validate()));
}
