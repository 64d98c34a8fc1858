#define BOOST_TEST_MODULE api sn routes
#include <boost/test/unit_test.hpp>

#include <memory>

#include "swarm/api/metrics.hpp"
#include "swarm/api/sn_routes.hpp"
#include "swarm/common/version.hpp"

using namespace swarm::api;

namespace {

struct fake_provider : api_provider {
  health_info info;
  std::vector<node_view> rows;

  health_info health() override {
    return info;
  }

  std::vector<node_view> nodes() override {
    return rows;
  }

  std::string metrics_text() override {
    return "# HELP x X.\n# TYPE x gauge\nx 1\n";
  }
};

response get(const router& r, std::string path) {
  request req;
  req.method = "GET";
  req.path = std::move(path);
  return r.dispatch(req);
}

struct fixture {
  std::shared_ptr<fake_provider> provider = std::make_shared<fake_provider>();
  router routes;

  fixture() {
    provider->info.name = "SN-1";
    provider->info.uuid = "0b6f5c52-8d4e-4b7a-9f1e-2a3b4c5d6e7f";
    provider->info.role = "sentinel";
    provider->info.uptime_s = 12.5;
    provider->info.members = {3, 1, 2, 0};
    node_view sn;
    sn.type = "SENTINEL";
    sn.host = "127.0.1.1";
    sn.p2p_port = 30303;
    sn.api_port = 30304;
    sn.name = "SN-1";
    sn.uuid = provider->info.uuid;
    sn.status = "ACTIVE";
    sn.last_seen_ms = 1735689600123;
    node_view sl;
    sl.type = "SL";
    sl.host = "127.0.2.1";
    sl.fs_port = 30305;
    sl.name = "SL-2";
    sl.uuid = "11111111-2222-4333-8444-555555555555";
    sl.parent_uuid = sn.uuid;
    sl.status = "DEAD";
    provider->rows = {sn, sl};
    BOOST_REQUIRE(add_sn_routes(routes, provider));
  }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(health_reports_identity_version_uptime_and_member_counts, fixture) {
  auto res = get(routes, "/v1/health");
  BOOST_TEST(res.status == 200);
  BOOST_TEST(res.content_type == "application/json");
  auto body = nlohmann::json::parse(res.body);
  BOOST_TEST(body["status"] == "ok");
  BOOST_TEST(body["name"] == "SN-1");
  BOOST_TEST(body["uuid"] == "0b6f5c52-8d4e-4b7a-9f1e-2a3b4c5d6e7f");
  BOOST_TEST(body["role"] == "sentinel");
  BOOST_TEST(body["version"] == swarm::version);
  BOOST_TEST(body["uptime_s"] == 12.5);
  BOOST_TEST(body["members"]
             == (nlohmann::json{{"alive", 3}, {"suspect", 1}, {"dead", 2}, {"left", 0}}));
}

BOOST_FIXTURE_TEST_CASE(health_says_starting_with_503_until_the_sn_is_ready, fixture) {
  provider->info.ready = false;
  auto res = get(routes, "/v1/health");
  BOOST_TEST(res.status == 503);
  BOOST_TEST(nlohmann::json::parse(res.body)["status"] == "starting");
}

BOOST_FIXTURE_TEST_CASE(nodes_lists_the_registry_in_the_documented_shape, fixture) {
  auto res = get(routes, "/v1/nodes");
  BOOST_TEST(res.status == 200);
  auto body = nlohmann::json::parse(res.body);
  BOOST_REQUIRE(body["nodes"].is_array());
  BOOST_REQUIRE(body["nodes"].size() == 2u);
  auto sn = body["nodes"][0];
  BOOST_TEST(sn
             == nlohmann::json::parse(R"({
                  "type": "SENTINEL", "host": "127.0.1.1",
                  "ports": {"p2p": 30303, "api": 30304},
                  "name": "SN-1", "uuid": "0b6f5c52-8d4e-4b7a-9f1e-2a3b4c5d6e7f",
                  "parent_uuid": null, "status": "ACTIVE",
                  "last_seen_ms": 1735689600123,
                  "last_seen": "2025-01-01T00:00:00.123Z"})"));
  auto sl = body["nodes"][1];
  BOOST_TEST(sl["ports"] == (nlohmann::json{{"fs", 30305}}));
  BOOST_TEST(sl["parent_uuid"] == "0b6f5c52-8d4e-4b7a-9f1e-2a3b4c5d6e7f");
  BOOST_TEST(sl["last_seen"].is_null());
  BOOST_TEST(sl["last_seen_ms"].is_null());
}

BOOST_FIXTURE_TEST_CASE(an_empty_registry_is_an_empty_array, fixture) {
  provider->rows.clear();
  auto body = nlohmann::json::parse(get(routes, "/v1/nodes").body);
  BOOST_TEST(body == (nlohmann::json{{"nodes", nlohmann::json::array()}}));
}

BOOST_FIXTURE_TEST_CASE(metrics_are_prometheus_text_version_0_0_4, fixture) {
  auto res = get(routes, "/metrics");
  BOOST_TEST(res.status == 200);
  BOOST_TEST(res.content_type.starts_with("text/plain; version=0.0.4"));
  BOOST_TEST(res.body == "# HELP x X.\n# TYPE x gauge\nx 1\n");
}

BOOST_FIXTURE_TEST_CASE(the_routes_cannot_be_added_twice, fixture) {
  BOOST_TEST(!add_sn_routes(routes, provider));
}

BOOST_AUTO_TEST_CASE(utc_timestamps_have_milliseconds_and_a_z) {
  BOOST_TEST(format_utc_ms(0) == "1970-01-01T00:00:00.000Z");
  BOOST_TEST(format_utc_ms(951782400007) == "2000-02-29T00:00:00.007Z");
}
