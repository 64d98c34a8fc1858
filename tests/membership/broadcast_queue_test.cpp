#define BOOST_TEST_MODULE membership.broadcast_queue
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "swarm/membership/broadcast_queue.hpp"

using namespace swarm::membership;

namespace {

update alive(const std::string& node, uint64_t incarnation) {
  return update{update_kind::alive, node, incarnation, node, node + ":30303", {}};
}

std::vector<std::string> take_names(broadcast_queue& q, size_t budget, uint32_t limit) {
  std::vector<update> out;
  q.take(budget, limit, out);
  std::vector<std::string> names;
  for (const auto& u : out)
    names.push_back(u.node);
  return names;
}

} // namespace

BOOST_AUTO_TEST_CASE(the_newest_update_goes_first_among_equally_sent_ones) {
  broadcast_queue q;
  q.push(alive("a", 1));
  q.push(alive("b", 1));
  q.push(alive("c", 1));
  auto names = take_names(q, 1400, 10);
  BOOST_TEST(names == (std::vector<std::string>{"c", "b", "a"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(least_sent_updates_go_before_often_sent_ones) {
  broadcast_queue q;
  q.push(alive("old", 1));
  take_names(q, 1400, 10); // "old" was sent once
  q.push(alive("new", 1));
  auto names = take_names(q, 1400, 10);
  BOOST_TEST(names == (std::vector<std::string>{"new", "old"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_newer_claim_about_a_member_replaces_the_queued_one) {
  broadcast_queue q;
  q.push(update{update_kind::suspect, "a", 3, "b", {}, {}});
  q.push(alive("a", 4));
  BOOST_TEST(q.size() == 1u);
  std::vector<update> out;
  q.take(1400, 10, out);
  BOOST_TEST_REQUIRE(out.size() == 1u);
  BOOST_TEST(out[0].kind == update_kind::alive);
  BOOST_TEST(out[0].incarnation == 4u);
}

BOOST_AUTO_TEST_CASE(updates_are_dropped_after_the_transmit_limit) {
  broadcast_queue q;
  q.push(alive("a", 1));
  q.push(alive("b", 1), 2); // a refutation: twice as many copies
  for (int i = 0; i < 3; ++i)
    BOOST_TEST(take_names(q, 1400, 3).size() == 2u);
  BOOST_TEST(q.size() == 1u);
  for (int i = 0; i < 3; ++i)
    BOOST_TEST(take_names(q, 1400, 3) == (std::vector<std::string>{"b"}),
               boost::test_tools::per_element());
  BOOST_TEST(q.empty());
}

BOOST_AUTO_TEST_CASE(taken_updates_fit_the_byte_budget) {
  broadcast_queue q;
  for (int i = 0; i < 100; ++i)
    q.push(alive("member-" + std::to_string(i), 7));
  std::vector<update> out;
  auto used = q.take(300, 10, out);
  size_t total = 0;
  for (const auto& u : out)
    total += embedded_size(encoded_size(u));
  BOOST_TEST(used == total);
  BOOST_TEST(used <= 300u);
  BOOST_TEST(out.size() >= 5u);
  BOOST_TEST(q.size() == 100u);
}

BOOST_AUTO_TEST_CASE(an_update_too_big_for_the_rest_of_the_budget_is_skipped_not_lost) {
  broadcast_queue q;
  q.push(update{update_kind::alive, "big", 1, "big", "addr", std::string(200, 'm')});
  q.push(alive("small", 1));
  auto names = take_names(q, 60, 10);
  BOOST_TEST(names == (std::vector<std::string>{"small"}), boost::test_tools::per_element());
  BOOST_TEST(q.find("big") != nullptr);
}

BOOST_AUTO_TEST_CASE(the_news_that_a_member_is_alive_is_not_spent_on_that_member) {
  broadcast_queue q;
  q.push(alive("new", 1));
  std::vector<update> out;
  // Every member acks and pings a newcomer at once: those messages carry
  // none of its own news and use none of its transmissions.
  for (int i = 0; i < 5; ++i)
    q.take(1400, 2, out, "new");
  BOOST_TEST(out.empty());
  q.take(1400, 2, out, "old");
  BOOST_TEST_REQUIRE(out.size() == 1u);
  BOOST_TEST(out[0].node == "new");
  // Other news about it (a suspicion it must refute) still goes to it.
  q.push(update{update_kind::suspect, "new", 1, "old", {}, {}});
  out.clear();
  q.take(1400, 2, out, "new");
  BOOST_TEST(out.size() == 1u);
}
