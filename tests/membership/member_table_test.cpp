#define BOOST_TEST_MODULE membership.member_table
#include <boost/test/unit_test.hpp>

#include <set>
#include <string>
#include <vector>

#include "swarm/membership/member_table.hpp"
#include "swarm/membership/probe_order.hpp"

using namespace swarm::membership;

namespace {

member make(const std::string& name, member_state state = member_state::alive) {
  return member{name, name + ":30303", {}, 0, state, 0};
}

std::shared_ptr<const member_snapshot> snapshot_of(size_t n) {
  std::vector<member> all;
  for (size_t i = 0; i < n; ++i) {
    std::string name = "m";
    name += std::to_string(i);
    all.push_back(make(name));
  }
  return member_snapshot::make(std::move(all));
}

} // namespace

BOOST_AUTO_TEST_CASE(members_are_found_by_name_and_counted_by_state) {
  member_table t;
  auto a = t.insert(make("a"));
  t.insert(make("b", member_state::suspect));
  t.insert(make("c", member_state::dead));
  BOOST_TEST(t.find("a")->address == "a:30303");
  BOOST_TEST(t.find("zz") == nullptr);
  BOOST_TEST(t.live_count() == 2u);
  BOOST_TEST(t.count(member_state::dead) == 1u);
  auto m = t.at(a);
  m.state = member_state::left;
  t.assign(a, m);
  BOOST_TEST(t.live_count() == 1u);
  BOOST_TEST(t.count(member_state::left) == 1u);
}

BOOST_AUTO_TEST_CASE(an_erased_slot_is_reused_and_the_name_forgotten) {
  member_table t;
  auto a = t.insert(make("a"));
  t.insert(make("b"));
  t.erase(a);
  BOOST_TEST(t.find("a") == nullptr);
  BOOST_TEST(t.size() == 1u);
  auto c = t.insert(make("c"));
  BOOST_TEST(c == a);
  BOOST_TEST(t.slot_count() == 2u);
}

BOOST_AUTO_TEST_CASE(tables_sharing_a_snapshot_change_independently) {
  auto base = snapshot_of(50);
  member_table one{base};
  member_table two{base};
  auto slot = *one.find_slot("m7");
  auto m = one.at(slot);
  m.state = member_state::dead;
  m.incarnation = 3;
  one.assign(slot, m);
  one.erase(*one.find_slot("m8"));
  one.insert(make("extra"));
  BOOST_TEST(one.find("m7")->state == member_state::dead);
  BOOST_TEST(two.find("m7")->state == member_state::alive);
  BOOST_TEST(one.find("m8") == nullptr);
  BOOST_TEST(two.find("m8") != nullptr);
  BOOST_TEST(one.live_count() == 49u);
  BOOST_TEST(two.live_count() == 50u);
  BOOST_TEST(two.find("extra") == nullptr);
  // A forgotten base member can come back, in a new slot.
  one.insert(make("m8"));
  BOOST_TEST(one.find("m8") != nullptr);
}

BOOST_AUTO_TEST_CASE(sampling_returns_distinct_members_that_satisfy_the_predicate) {
  member_table t{snapshot_of(20)};
  prng rng{42};
  for (int round = 0; round < 50; ++round) {
    std::vector<member_slot> out;
    t.sample(rng, 3, [](const member& m) { return m.name != "m0"; }, out);
    BOOST_TEST_REQUIRE(out.size() == 3u);
    std::set<member_slot> distinct(out.begin(), out.end());
    BOOST_TEST(distinct.size() == 3u);
    for (auto s : out)
      BOOST_TEST(t.at(s).name != "m0");
  }
}

BOOST_AUTO_TEST_CASE(pick_finds_a_rare_member) {
  member_table t{snapshot_of(1000)};
  auto slot = *t.find_slot("m500");
  auto m = t.at(slot);
  m.state = member_state::dead;
  t.assign(slot, m);
  prng rng{1};
  auto found = t.pick(rng, [](const member& x) { return x.state == member_state::dead; });
  BOOST_TEST_REQUIRE(found.has_value());
  BOOST_TEST(*found == slot);
}

BOOST_AUTO_TEST_CASE(a_probe_round_visits_every_live_member_once) {
  member_table t{snapshot_of(30)};
  auto self = *t.find_slot("m0");
  auto dead = *t.find_slot("m5");
  auto m = t.at(dead);
  m.state = member_state::dead;
  t.assign(dead, m);
  probe_order order;
  prng rng{3};
  std::multiset<member_slot> seen;
  for (int i = 0; i < 28; ++i)
    seen.insert(*order.next(t, self, rng));
  BOOST_TEST(seen.size() == 28u);
  BOOST_TEST(std::set<member_slot>(seen.begin(), seen.end()).size() == 28u);
  BOOST_TEST(seen.count(self) == 0u);
  BOOST_TEST(seen.count(dead) == 0u);
}

BOOST_AUTO_TEST_CASE(a_member_added_mid_round_is_probed_in_that_round) {
  member_table t{snapshot_of(10)};
  auto self = *t.find_slot("m0");
  probe_order order;
  prng rng{9};
  order.next(t, self, rng); // starts a round
  auto fresh = t.insert(make("fresh"));
  order.add(fresh, rng);
  bool probed = false;
  auto left = order.remaining();
  for (size_t i = 0; i < left; ++i)
    probed = probed || *order.next(t, self, rng) == fresh;
  BOOST_TEST(probed);
}

BOOST_AUTO_TEST_CASE(a_lone_member_has_nobody_to_probe) {
  member_table t;
  auto self = t.insert(make("alone"));
  probe_order order;
  prng rng{1};
  BOOST_TEST(!order.next(t, self, rng).has_value());
}
