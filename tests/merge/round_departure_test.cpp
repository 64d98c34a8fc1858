#define BOOST_TEST_MODULE merge.round_departure
#include <boost/test/unit_test.hpp>

// final_loaded and peers_have_final: a node may stop without lingering only
// once every peer said its ML has the final round's model.

#include "round_fixture.hpp"

using namespace round_test;

namespace {

// Every node finishes (snapshot): the next round is the final one.
void finish_all(bench& b) {
  for (auto& [name, node] : b.nodes)
    node->finish(train_end_mode::snapshot, info(), model_of(1.0f), b.now);
  b.pump();
}

size_t final_loaded_sent(const bench& b, const std::string& from) {
  return b.sent<final_loaded_msg>(from).size();
}

} // namespace

BOOST_AUTO_TEST_CASE(each_node_is_free_once_every_peer_loaded_the_final_model) {
  bench b{{"a", "b"}, 2};
  finish_all(b);
  BOOST_TEST_REQUIRE(b["a"].training_over());
  BOOST_TEST_REQUIRE(b["b"].training_over());
  BOOST_TEST(!b["a"].peers_have_final());
  BOOST_TEST(!b["b"].peers_have_final());
  b["a"].final_loaded();
  b.pump();
  BOOST_TEST(final_loaded_sent(b, "a") == 1u);
  // b heard from its only peer; a has not heard from b yet.
  BOOST_TEST(b["b"].peers_have_final());
  BOOST_TEST(!b["a"].peers_have_final());
  b["b"].final_loaded();
  b.pump();
  BOOST_TEST(b["a"].peers_have_final());
}

BOOST_AUTO_TEST_CASE(before_the_final_round_nothing_is_announced) {
  bench b{{"a", "b"}, 2};
  for (auto& [name, node] : b.nodes)
    node->check_in(info(), model_of(2.0f), b.now);
  b.pump();
  BOOST_TEST_REQUIRE(b.commits("a").size() == 1u);
  BOOST_TEST(!b["a"].training_over());
  b["a"].final_loaded();
  b.pump();
  BOOST_TEST(final_loaded_sent(b, "a") == 0u);
  BOOST_TEST(!b["b"].peers_have_final());
}

BOOST_AUTO_TEST_CASE(a_silent_participant_keeps_the_others_lingering) {
  bench b{{"a", "b", "c"}, 2};
  finish_all(b);
  BOOST_TEST_REQUIRE(b["a"].training_over());
  // c took part in the final round but never says it loaded the model
  // (it may have missed the commit): a and b must still answer it.
  b["a"].final_loaded();
  b["b"].final_loaded();
  b.pump();
  BOOST_TEST(!b["a"].peers_have_final());
  BOOST_TEST(!b["b"].peers_have_final());
  BOOST_TEST(b["c"].peers_have_final());
}
