// Two SLs on 127.21.1.1 and 127.21.2.1, each running the real mnist-ml on
// its own 6,000-sample IID shard for one epoch, through a sentinel SN: both
// end with the swarm's final model, and the SN's API shows the round
// history (linked, the last one final) and both SLs under their SN. The
// models travel on the SLs' model lanes, or through CAF when one SL has
// none.

#define BOOST_TEST_MODULE sl_two_node
#include <boost/test/unit_test.hpp>

#include "process.hpp"
#include "sl_cluster.hpp"

namespace {

using namespace sl_test;

constexpr auto contract_rounds_path = "/v1/contracts/defaultbb.cqdb.sml.hpe/rounds";

sl_spec mnist_spec(int i) {
  sl_spec spec;
  spec.ml_program = swarm::test::bin_dir() / "mnist-ml";
  spec.ml_env = {{"DATA_SPLIT", "iid"},       {"NODE_COUNT", "10"},
                 {"NODE_INDEX", std::to_string(i - 1)},
                 {"NODE_NAME", "ml-" + std::to_string(i)},
                 {"MAX_EPOCHS", "1"},         {"MIN_PEERS", "2"},
                 // 47 batches: syncs after 16 and 32, so four rounds in all.
                 {"SYNC_FREQUENCY", "16"},
                 {"SCRATCH_DIR", "scratch"}};
  spec.sl_env = {{"SL_LEADER_FAILURE_BASE_TIMEOUT", "1"},
                 {"SL_WAIT_FOR_FULL_QUORUM_SECONDS", "2"}};
  return spec;
}

// Returns the rows of the contract's rounds once the final one is listed.
nlohmann::json final_rounds(const swarm_cluster& c) {
  nlohmann::json rows;
  wait_until(
    [&] {
      auto body = c.api(contract_rounds_path);
      if (!body.is_object() || !body.contains("rounds") || body["rounds"].empty())
        return false;
      rows = body["rounds"];
      return rows.back().value("final", false);
    },
    60s);
  return rows;
}

// The leader's round records reached the SN by gossip: every round, each
// linked to the previous one, the last one final with the final model.
void check_round_history(const swarm_cluster& c, const std::string& final_digest) {
  auto rows = final_rounds(c);
  BOOST_REQUIRE_MESSAGE(!rows.empty() && rows.back().value("final", false),
                        "no final round at the SN: " << rows.dump() << '\n' << c.dump());
  auto commits = c.commits(1);
  BOOST_REQUIRE(!commits.empty());
  BOOST_TEST(rows.size() == commits.back().round);
  for (size_t k = 0; k < rows.size(); ++k) {
    BOOST_TEST_MESSAGE("round " << k + 1 << ": " << rows[k].dump());
    BOOST_TEST(rows[k].value("round", 0u) == k + 1);
    BOOST_TEST(rows[k].value("chain_ok", false), "round " << k + 1 << " is not linked");
    BOOST_TEST(rows[k].value("final", false) == (k + 1 == rows.size()));
  }
  BOOST_TEST(rows.back().value("merged_digest", "").substr(0, 16) == commits.back().digest);
  BOOST_TEST(rows.back().value("merged_digest", "") == final_digest);
}

// Both SLs are listed as SLs under the SN they joined through.
void check_node_parents(const swarm_cluster& c) {
  std::string sn_uuid;
  std::map<std::string, std::string> parents;
  wait_until(
    [&] {
      auto body = c.api("/v1/nodes");
      if (!body.is_object() || !body.contains("nodes"))
        return false;
      for (const auto& row : body["nodes"]) {
        if (row.value("name", "") == "SN-1")
          sn_uuid = row.value("uuid", "");
        if (row.value("type", "") == "SL" && row["parent_uuid"].is_string())
          parents[row.value("name", "")] = row["parent_uuid"];
      }
      return !sn_uuid.empty() && parents.size() == 2;
    },
    30s);
  BOOST_REQUIRE(!sn_uuid.empty());
  BOOST_TEST(parents.size() == 2u);
  BOOST_TEST(parents["SL-1"] == sn_uuid);
  BOOST_TEST(parents["SL-2"] == sn_uuid);
}

} // namespace

BOOST_AUTO_TEST_CASE(two_mnist_nodes_end_with_one_model_and_a_linked_round_history) {
  swarm::test::temp_dir dir;
  swarm_cluster c{swarm::test::bin_dir(), dir.path(), 21, 2};
  c.start_sn();
  for (int i : {1, 2})
    c.start_sl(i, mnist_spec(i));
  for (int i : {1, 2})
    BOOST_REQUIRE_MESSAGE(c.sl(i).wait_exit(240s) == 0, c.failure(i));
  std::vector<std::string> digests;
  for (int i : {1, 2}) {
    digests.push_back(final_digest(c.log(i)));
    BOOST_CHECK_MESSAGE(!digests.back().empty(),
                        "SL-" << i << " has no final model\n" << tail(c.log(i)));
  }
  BOOST_TEST(digests[0].size() == 64u);
  BOOST_TEST(digests[0] == digests[1]);
  // The models travelled on the model lanes, not through CAF, and no lane
  // failed (a failure sends them through CAF with a WARNING; a peer that
  // closed at the end is news, at INFO).
  for (int i : {1, 2}) {
    auto peer = "SL-" + std::to_string(3 - i);
    BOOST_TEST(c.log(i).find("model lane: connected to " + peer) != std::string::npos,
               "SL-" << i << " never used its lane to " << peer);
    BOOST_TEST(c.log(i).find(" : WARNING : model lane to") == std::string::npos, c.log(i));
  }
  check_round_history(c, digests[0]);
  check_node_parents(c);
}

BOOST_AUTO_TEST_CASE(an_sl_without_a_model_lane_trains_with_one_that_has_one) {
  swarm::test::temp_dir dir;
  // Its own addresses: the first case's processes and sockets may linger.
  swarm_cluster c{swarm::test::bin_dir(), dir.path(), 33, 2};
  c.start_sn();
  auto no_lane = mnist_spec(2);
  no_lane.sl_flags = {"--no-model-lane"};
  c.start_sl(1, mnist_spec(1));
  c.start_sl(2, no_lane);
  for (int i : {1, 2})
    BOOST_REQUIRE_MESSAGE(c.sl(i).wait_exit(240s) == 0, c.failure(i));
  auto first = final_digest(c.log(1));
  BOOST_TEST(first.size() == 64u);
  BOOST_TEST(first == final_digest(c.log(2)));
  // SL-2 announced no lane, so SL-1 sent through CAF without trying one.
  for (int i : {1, 2}) {
    BOOST_TEST(c.log(i).find("model lane: connected") == std::string::npos, c.log(i));
    BOOST_TEST(c.log(i).find("model lane to") == std::string::npos, c.log(i));
  }
  BOOST_TEST(c.log(1).find("model lane on") != std::string::npos);
  BOOST_TEST(c.log(2).find("model lane on") == std::string::npos);
}
