#define BOOST_TEST_MODULE sl.delivery_flow
#include <boost/test/unit_test.hpp>

// The SL's way back to its ML: which models the ML loads, and when its sync
// ends, for every order in which tentative values, commits and the ML's
// answers can arrive.

#include <vector>

#include "swarm/sl/delivery_flow.hpp"

using namespace swarm;
using namespace swarm::sl;
using kind = delivery_action::kind;

namespace {

merge::round_event event(merge::round_event::kind_t k, uint64_t round, uint8_t digest,
                         bool final = false) {
  merge::round_event ev;
  ev.kind = k;
  ev.round = round;
  ev.digest.fill(digest);
  ev.final = final;
  return ev;
}

merge::round_event committed(uint64_t round, uint8_t digest, bool final = false) {
  return event(merge::round_event::committed, round, digest, final);
}

merge::round_event tentative(uint64_t round, uint8_t digest) {
  return event(merge::round_event::tentative, round, digest);
}

// Requires exactly one action and returns it.
delivery_action only(const std::vector<delivery_action>& actions) {
  BOOST_REQUIRE_EQUAL(actions.size(), 1u);
  return actions.front();
}

// A flow whose ML is syncing for round 1.
delivery_flow syncing() {
  delivery_flow f;
  f.open();
  BOOST_TEST(f.begin_sync(false).empty());
  BOOST_TEST((f.phase() == session_phase::syncing));
  return f;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_commit_is_loaded_and_then_ends_the_sync) {
  auto f = syncing();
  auto load = only(f.on_round(committed(1, 7), 1));
  BOOST_TEST((load.what == kind::load));
  BOOST_TEST(load.event.round == 1u);
  BOOST_TEST((f.phase() == session_phase::loss_pending));
  auto end = only(f.on_loaded());
  BOOST_TEST((end.what == kind::end_sync));
  BOOST_TEST(!end.final);
  BOOST_TEST((f.phase() == session_phase::training));
}

BOOST_AUTO_TEST_CASE(a_tentative_value_that_commits_ends_the_sync_without_a_second_load) {
  auto f = syncing();
  BOOST_TEST((only(f.on_round(tentative(1, 7), 1)).what == kind::load));
  BOOST_TEST(f.on_loaded().empty());
  BOOST_TEST((f.phase() == session_phase::awaiting_commit));
  auto end = only(f.on_round(committed(1, 7), 1));
  BOOST_TEST((end.what == kind::end_sync));
  BOOST_TEST((f.phase() == session_phase::training));
}

BOOST_AUTO_TEST_CASE(when_another_value_commits_the_ml_loads_it_before_the_sync_ends) {
  // The leader that proposed 7 died; a new leader's voters did not hold 7.
  auto f = syncing();
  only(f.on_round(tentative(1, 7), 1));
  BOOST_TEST(f.on_loaded().empty());
  auto load = only(f.on_round(committed(1, 9), 1));
  BOOST_TEST((load.what == kind::load));
  BOOST_TEST(load.event.digest[0] == 9);
  BOOST_TEST((f.phase() == session_phase::loss_pending));
  BOOST_TEST((only(f.on_loaded()).what == kind::end_sync));
}

BOOST_AUTO_TEST_CASE(a_commit_during_the_tentative_load_is_settled_once_the_ml_answers) {
  for (uint8_t digest : {uint8_t{7}, uint8_t{9}}) {
    auto f = syncing();
    only(f.on_round(tentative(1, 7), 1));
    BOOST_TEST(f.on_round(committed(1, digest), 1).empty(), "queued while loading");
    auto next = only(f.on_loaded());
    if (digest == 7) {
      BOOST_TEST((next.what == kind::end_sync));
    } else {
      BOOST_TEST((next.what == kind::load));
      BOOST_TEST((only(f.on_loaded()).what == kind::end_sync));
    }
    BOOST_TEST((f.phase() == session_phase::training));
  }
}

BOOST_AUTO_TEST_CASE(tentative_values_of_other_rounds_or_outside_a_sync_are_ignored) {
  delivery_flow f;
  f.open();
  BOOST_TEST(f.on_round(tentative(1, 7), 1).empty(), "while training");
  BOOST_TEST(f.begin_sync(false).empty());
  BOOST_TEST(f.on_round(tentative(3, 7), 2).empty(), "not the open round");
  BOOST_TEST((f.phase() == session_phase::syncing));
}

BOOST_AUTO_TEST_CASE(the_final_commit_ends_the_sync_with_training_over) {
  auto f = syncing();
  only(f.on_round(committed(4, 7, true), 4));
  auto end = only(f.on_loaded());
  BOOST_TEST((end.what == kind::end_sync));
  BOOST_TEST(end.final);
  BOOST_TEST((f.phase() == session_phase::ended));
}

BOOST_AUTO_TEST_CASE(a_closing_ml_loads_every_commit_until_the_final_one_ends_the_session) {
  delivery_flow f;
  f.open();
  BOOST_TEST(f.begin_sync(true).empty());
  BOOST_TEST((f.phase() == session_phase::closing));
  BOOST_TEST(f.on_round(tentative(2, 5), 2).empty(), "no tentative loads when closing");
  only(f.on_round(committed(2, 5), 2));
  // Two commits while the ML loads: only the newer one is loaded next.
  BOOST_TEST(f.on_round(committed(3, 6), 3).empty());
  BOOST_TEST(f.on_round(committed(4, 8, true), 4).empty());
  auto next = only(f.on_loaded());
  BOOST_TEST((next.what == kind::load));
  BOOST_TEST(next.event.round == 4u);
  auto end = only(f.on_loaded());
  BOOST_TEST((end.what == kind::end_session));
  BOOST_TEST(end.event.round == 4u);
  BOOST_TEST((f.phase() == session_phase::ended));
}

BOOST_AUTO_TEST_CASE(a_final_round_that_committed_without_the_ml_is_handed_over_at_its_sync) {
  delivery_flow f;
  f.open();
  BOOST_TEST(f.on_round(committed(5, 3, true), 5).empty());
  auto load = only(f.begin_sync(false));
  BOOST_TEST((load.what == kind::load));
  BOOST_TEST(load.event.round == 5u);
  auto end = only(f.on_loaded());
  BOOST_TEST((end.what == kind::end_sync));
  BOOST_TEST(end.final);
}

BOOST_AUTO_TEST_CASE(a_late_joiner_loads_the_latest_committed_model_first) {
  auto f = syncing();
  auto load = only(f.load(committed(6, 2)));
  BOOST_TEST(load.event.round == 6u);
  BOOST_TEST((only(f.on_loaded()).what == kind::end_sync));
  BOOST_TEST((f.phase() == session_phase::training));
}

BOOST_AUTO_TEST_CASE(an_ended_session_loads_nothing_more) {
  auto f = syncing();
  only(f.on_round(tentative(1, 7), 1));
  f.end();
  BOOST_TEST((f.phase() == session_phase::ended));
  BOOST_TEST(f.on_round(committed(1, 7), 1).empty());
  BOOST_TEST(f.on_round(tentative(2, 7), 2).empty());
}
