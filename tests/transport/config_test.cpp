#define BOOST_TEST_MODULE transport.config
#include <boost/test/unit_test.hpp>

#include "swarm/transport/address.hpp"
#include "swarm/transport/tls_node_config.hpp"

using namespace swarm::transport;

BOOST_AUTO_TEST_CASE(addresses_parse_and_format) {
  auto v4 = parse_address("127.0.1.1:30303");
  BOOST_REQUIRE(v4);
  BOOST_TEST(v4->host == "127.0.1.1");
  BOOST_TEST(v4->port == 30303);
  auto name = parse_address("sn-1.example:1");
  BOOST_REQUIRE(name);
  BOOST_TEST(name->host == "sn-1.example");
  auto v6 = parse_address("[::1]:30303");
  BOOST_REQUIRE(v6);
  BOOST_TEST(v6->host == "::1");
  BOOST_TEST(format_address("::1", 30303) == "[::1]:30303");
  BOOST_TEST(format_address("127.0.0.1", 5) == "127.0.0.1:5");
}

BOOST_AUTO_TEST_CASE(bad_addresses_are_errors) {
  for (auto bad : {"", "host", ":30303", "host:", "host:0", "host:65536", "host:12a",
                   "ho st:1", "host\n:1", "::1:30303"})
    BOOST_TEST(!parse_address(bad), "accepted \"" << bad << "\"");
}

BOOST_AUTO_TEST_CASE(the_configuration_is_validated) {
  tls_node_config cfg;
  cfg.bind_host = "127.0.1.1";
  BOOST_TEST(static_cast<bool>(cfg.validate()));
  cfg.bind_host = "0.0.0.0";
  BOOST_TEST(!cfg.validate()); // nothing to announce
  cfg.advertised_host = "sn-1.example";
  BOOST_TEST(static_cast<bool>(cfg.validate()));
  cfg.bind_host = "localhost"; // CAF binds IP literals only
  BOOST_TEST(!cfg.validate());
  cfg.bind_host = "127.0.1.1";
  cfg.tick_interval_ms = 0;
  BOOST_TEST(!cfg.validate());
  cfg.tick_interval_ms = 100;
  cfg.connection_timeout_ms = cfg.heartbeat_interval_ms;
  BOOST_TEST(!cfg.validate());
  cfg.heartbeat_interval_ms = 0;
  BOOST_TEST(static_cast<bool>(cfg.validate()));
  cfg.max_envelope_bytes = swarm::wire::max_round_envelope_bytes + 1;
  BOOST_TEST(!cfg.validate());
}
