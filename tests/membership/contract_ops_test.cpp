#define BOOST_TEST_MODULE membership.contract_ops
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "object_ops_fixture.hpp"
#include "swarm/membership/contract_ops.hpp"
#include "swarm/membership/state_node_record.hpp"

using namespace swarm::membership;
using namespace ops_fixture;

namespace {

const std::string dc{default_contract};

round_record round_of(std::string contract, uint64_t round, uint64_t committed_ms,
                      bool final = false) {
  round_record x;
  x.contract = std::move(contract);
  x.round = round;
  x.term = 1;
  x.leader = round % 2 ? "sl-1" : "sl-2";
  x.merge_method = "mean";
  x.participants = {{"sl-1", 0.5, 100, 0.5f, 0.8f, static_cast<uint32_t>(round), 5, final},
                    {"sl-2", 0.5, 100, 0.4f, 0.9f, static_cast<uint32_t>(round), 5, final}};
  x.merged_digest.fill(static_cast<uint8_t>(round));
  x.final = final;
  x.committed_ms = committed_ms;
  return x;
}

} // namespace

BOOST_AUTO_TEST_CASE(the_default_contract_exists_uninitialized_from_the_start) {
  swarm_state s;
  auto x = ok(find_contract(s, dc));
  BOOST_TEST(to_string(x.state) == "UNINITIALIZED");
  BOOST_TEST(x.rounds_committed == 0u);
  auto all = list_contracts(s);
  BOOST_REQUIRE(all.size() == 1u);
  BOOST_TEST(all[0].record.name == dc);
  refused(create_contract(s, dc, 1), op_errc::conflict, "contracts are permanent");
  refused(find_contract(s, "c2"), op_errc::not_found, "contract 'c2' does not exist");
  refused(find_contract(s, "c 2"), op_errc::invalid, "invalid contract name");
}

BOOST_AUTO_TEST_CASE(a_created_contract_is_listed_and_cannot_be_created_twice) {
  swarm_state s;
  auto x = ok(create_contract(s, "c2", 7));
  BOOST_TEST(x.created_ms == 7u);
  put(s, x);
  refused(create_contract(s, "c2", 8), op_errc::conflict, "contract 'c2' already exists");
  BOOST_TEST(list_contracts(s).size() == 2u);
}

BOOST_AUTO_TEST_CASE(status_follows_the_round_records_to_the_final_round) {
  swarm_state s;
  put(s, round_of(dc, 1, 100));
  put(s, round_of(dc, 2, 200));
  auto x = ok(find_contract(s, dc));
  BOOST_TEST(to_string(x.state) == "ACTIVE");
  BOOST_TEST(x.rounds_committed == 2u);
  BOOST_TEST(x.last_round == 2u);
  BOOST_TEST(x.last_leader == "sl-2");
  BOOST_TEST(x.participants == (std::vector<std::string>{"sl-1", "sl-2"}));
  BOOST_TEST(!x.final_digest);
  put(s, round_of(dc, 3, 300, true));
  x = ok(find_contract(s, dc));
  BOOST_TEST(to_string(x.state) == "FINISHED");
  BOOST_REQUIRE(x.final_digest);
  BOOST_TEST((*x.final_digest)[0] == 3u);
}

BOOST_AUTO_TEST_CASE(a_reset_makes_earlier_rounds_stop_counting) {
  swarm_state s;
  put(s, round_of(dc, 1, 100));
  put(s, round_of(dc, 2, 200, true));
  auto r = ok(reset_contract(s, dc, 250));
  BOOST_TEST(r.resets == 1u);
  BOOST_TEST(r.reset_ms == 250u);
  put(s, r);
  auto x = ok(find_contract(s, dc));
  BOOST_TEST(to_string(x.state) == "UNINITIALIZED");
  BOOST_TEST(x.record.resets == 1u);
  BOOST_TEST(ok(contract_perfdata(s, dc)).empty());
  put(s, round_of(dc, 1, 300));
  x = ok(find_contract(s, dc));
  BOOST_TEST(to_string(x.state) == "ACTIVE");
  BOOST_TEST(x.rounds_committed == 1u);
  // A second reset in the same millisecond still moves the cut.
  BOOST_TEST(ok(reset_contract(s, dc, 250)).reset_ms == 251u);
  refused(reset_contract(s, "c9", 1), op_errc::not_found, "does not exist");
}

BOOST_AUTO_TEST_CASE(contracts_known_only_from_round_records_are_listed) {
  swarm_state s;
  put(s, round_of("trainB", 1, 100));
  auto all = list_contracts(s);
  BOOST_REQUIRE(all.size() == 2u);
  BOOST_TEST(all[1].record.name == "trainB");
  BOOST_TEST(all[1].record.created_ms == 100u);
  BOOST_TEST(ok(find_contract(s, "trainB")).rounds_committed == 1u);
  refused(create_contract(s, "trainB", 1), op_errc::conflict, "already exists");
}

BOOST_AUTO_TEST_CASE(perfdata_gives_each_sl_its_latest_figures_and_uuid) {
  swarm_state s;
  put(s, round_of(dc, 1, 100));
  auto last = round_of(dc, 2, 200);
  last.participants.pop_back();
  last.participants[0].loss = NAN;
  put(s, last);
  node_record sl;
  sl.type = node_type::sl;
  sl.name = "sl-2";
  sl.uuid = writer(9);
  put(s, sl);
  auto rows = ok(contract_perfdata(s, dc));
  BOOST_REQUIRE(rows.size() == 2u);
  BOOST_TEST(rows[0].node == "sl-1");
  BOOST_TEST(rows[0].uid == "sl-1");
  BOOST_TEST(rows[0].round == 2u);
  BOOST_TEST(!rows[0].admin);
  BOOST_TEST(std::isnan(rows[0].loss));
  BOOST_TEST(rows[1].node == "sl-2");
  BOOST_TEST(rows[1].uid == writer(9).to_string());
  BOOST_TEST(rows[1].round == 1u);
  BOOST_TEST(rows[1].completed_epochs == 1u);
  refused(contract_perfdata(s, "c9"), op_errc::not_found, "does not exist");
}
