#define BOOST_TEST_MODULE api round routes
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "swarm/api/round_routes.hpp"
#include "swarm/api/sn_routes.hpp"

using namespace swarm::api;

namespace {

struct fake_rounds : round_provider {
  std::shared_ptr<round_table> table = std::make_shared<round_table>();

  std::shared_ptr<const round_table> rounds() override {
    return table;
  }
};

round_view round_of(uint64_t n, size_t participants) {
  round_view x;
  x.round = n;
  x.term = 2;
  x.leader = "sl-1";
  x.merge_method = "mean";
  x.committed_ms = 1735689600000 + n;
  x.merged_digest = std::string(64, 'a');
  x.prev_hash = std::string(64, n == 1 ? '0' : 'b');
  x.record_hash = std::string(64, 'c');
  x.chain_ok = true;
  for (size_t i = 1; i <= participants; ++i)
    x.participants.push_back(
      {"sl-" + std::to_string(i), 0.5, 1000 * i, 0.3f, 0.9f, 1, 5, false});
  return x;
}

response get(const router& r, std::string path) {
  request req;
  req.method = "GET";
  req.path = std::move(path);
  return r.dispatch(req);
}

struct fixture {
  std::shared_ptr<fake_rounds> provider = std::make_shared<fake_rounds>();
  router routes;

  fixture() {
    (*provider->table)["mnist"] = {round_of(1, 2), round_of(2, 2), round_of(3, 3)};
    auto last = round_of(1, 1);
    last.final = true;
    (*provider->table)["cifar-10.v2"] = {last};
    BOOST_REQUIRE(add_round_routes(routes, provider));
  }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(contracts_lists_names_with_round_counts_and_the_last_round, fixture) {
  auto res = get(routes, "/v1/contracts");
  BOOST_TEST(res.status == 200);
  BOOST_TEST(res.content_type == "application/json");
  BOOST_TEST(nlohmann::json::parse(res.body) == nlohmann::json::parse(R"({"contracts": [
    {"name": "cifar-10.v2", "rounds": 1, "last_round": 1, "final": true,
     "last_committed_ms": 1735689600001},
    {"name": "mnist", "rounds": 3, "last_round": 3, "final": false,
     "last_committed_ms": 1735689600003}]})"));
}

BOOST_FIXTURE_TEST_CASE(rounds_come_in_the_documented_shape_ordered_by_round, fixture) {
  auto res = get(routes, "/v1/contracts/mnist/rounds");
  BOOST_TEST(res.status == 200);
  auto body = nlohmann::json::parse(res.body);
  BOOST_TEST(body["contract"] == "mnist");
  BOOST_REQUIRE(body["rounds"].size() == 3u);
  for (size_t i = 0; i < 3; ++i)
    BOOST_TEST(body["rounds"][i]["round"] == i + 1);
  auto first = body["rounds"][0];
  first.erase("participants");
  BOOST_TEST(first == nlohmann::json::parse(R"({
    "round": 1, "term": 2, "leader": "sl-1", "merge_method": "mean", "final": false,
    "committed_ms": 1735689600001, "committed": "2025-01-01T00:00:00.001Z",
    "merged_digest": ")" + std::string(64, 'a') + R"(",
    "prev_hash": ")" + std::string(64, '0') + R"(",
    "record_hash": ")" + std::string(64, 'c') + R"(",
    "chain_ok": true})"));
  // Floats print as written (0.3, not 0.30000001192092896).
  BOOST_TEST(body["rounds"][2]["participants"][2] == nlohmann::json::parse(R"({
    "name": "sl-3", "weight": 0.5, "samples": 3000, "loss": 0.3, "metric": 0.9,
    "epochs_done": 1, "total_epochs": 5, "done": false})"));
  BOOST_TEST(res.body.find("0.30000001") == std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(a_loss_that_is_not_a_number_is_null, fixture) {
  auto& p = (*provider->table)["mnist"][0].participants[0];
  p.loss = std::numeric_limits<float>::quiet_NaN();
  p.metric = std::numeric_limits<float>::infinity();
  auto body = nlohmann::json::parse(get(routes, "/v1/contracts/mnist/rounds").body);
  BOOST_TEST(body["rounds"][0]["participants"][0]["loss"].is_null());
  BOOST_TEST(body["rounds"][0]["participants"][0]["metric"].is_null());
}

BOOST_FIXTURE_TEST_CASE(an_unknown_contract_is_a_404_json_error, fixture) {
  auto res = get(routes, "/v1/contracts/unknown/rounds");
  BOOST_TEST(res.status == 404);
  auto body = nlohmann::json::parse(res.body);
  BOOST_TEST(body["error"] == "Not Found");
  BOOST_TEST(body["message"] == "no rounds are known for contract 'unknown'");
}

BOOST_FIXTURE_TEST_CASE(an_invalid_contract_name_is_a_400_that_says_why, fixture) {
  std::vector<std::string> names{"a b", "x/../y", "caf\xc3\xa9", "semi;colon",
                                 std::string(256, 'n')};
  for (const auto& name : names) {
    BOOST_TEST_CONTEXT(name.substr(0, 20)) {
      auto res = get(routes, "/v1/contracts/" + name + "/rounds");
      if (name.find('/') != std::string::npos) {
        // More segments: no such route at all.
        BOOST_TEST(res.status == 404);
        continue;
      }
      BOOST_TEST(res.status == 400);
      auto body = nlohmann::json::parse(res.body);
      BOOST_TEST(body["error"] == "Bad Request");
      BOOST_TEST(body["message"].get<std::string>().find("invalid contract name")
                 != std::string::npos);
      BOOST_TEST(body["message"].get<std::string>().find("A-Z, a-z, 0-9") != std::string::npos);
    }
  }
  BOOST_TEST(get(routes, "/v1/contracts/" + std::string(255, 'n') + "/rounds").status == 404);
}

BOOST_AUTO_TEST_CASE(contract_names_are_checked_for_length_and_charset) {
  BOOST_TEST(is_valid_contract_name("defaultbb.cqdb.sml.hpe"));
  BOOST_TEST(is_valid_contract_name("A_b-9"));
  BOOST_TEST(!is_valid_contract_name(""));
  BOOST_TEST(!is_valid_contract_name("a+b"));
  BOOST_TEST(!is_valid_contract_name(std::string(256, 'a')));
}

BOOST_AUTO_TEST_CASE(no_contracts_is_an_empty_list) {
  auto provider = std::make_shared<fake_rounds>();
  router routes;
  BOOST_REQUIRE(add_round_routes(routes, provider));
  auto body = nlohmann::json::parse(get(routes, "/v1/contracts").body);
  BOOST_TEST(body == (nlohmann::json{{"contracts", nlohmann::json::array()}}));
  BOOST_TEST(!add_round_routes(routes, provider));
}

namespace {

// Answers both interfaces, as the SN's provider does.
struct fake_sn : api_provider, round_provider {
  health_info health() override {
    return {};
  }
  std::vector<node_view> nodes() override {
    return {};
  }
  std::string metrics_text() override {
    return {};
  }
  std::shared_ptr<const round_table> rounds() override {
    auto table = std::make_shared<round_table>();
    (*table)["mnist"] = {round_of(1, 1)};
    return table;
  }
};

struct nodes_only : api_provider {
  health_info health() override {
    return {};
  }
  std::vector<node_view> nodes() override {
    return {};
  }
  std::string metrics_text() override {
    return {};
  }
};

} // namespace

BOOST_AUTO_TEST_CASE(sn_routes_include_the_round_routes_when_the_provider_has_rounds) {
  router with;
  BOOST_REQUIRE(add_sn_routes(with, std::make_shared<fake_sn>()));
  BOOST_TEST(get(with, "/v1/contracts/mnist/rounds").status == 200);
  BOOST_TEST(get(with, "/v1/contracts").status == 200);
  router without;
  BOOST_REQUIRE(add_sn_routes(without, std::make_shared<nodes_only>()));
  BOOST_TEST(get(without, "/v1/contracts").status == 404);
}
