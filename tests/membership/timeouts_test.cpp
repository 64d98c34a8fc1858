#define BOOST_TEST_MODULE membership.timeouts
#include <boost/test/unit_test.hpp>

#include "swarm/membership/awareness.hpp"
#include "swarm/membership/timeouts.hpp"

using namespace swarm::membership;

BOOST_AUTO_TEST_CASE(suspicion_timeout_grows_with_the_log_of_the_cluster_size) {
  struct row {
    uint32_t mult;
    size_t n;
    int64_t interval_ms;
    int64_t expected_ms;
  };
  // memberlist's TestSuspicionTimeout table plus our sizes.
  const row rows[] = {
    {3, 0, 1000, 3000},   {4, 1, 1000, 4000},    {4, 10, 1000, 4000},
    {4, 100, 1000, 8000}, {4, 1000, 1000, 12000}, {4, 10000, 1000, 16000},
    {3, 5, 200, 600},     {4, 50, 1000, 6792},
  };
  for (const auto& r : rows)
    BOOST_TEST(suspicion_timeout_ms(r.mult, r.n, r.interval_ms) == r.expected_ms,
               "mult=" << r.mult << " n=" << r.n);
}

BOOST_AUTO_TEST_CASE(remaining_suspicion_time_decays_logarithmically_with_confirmations) {
  struct row {
    size_t confirmations;
    size_t k;
    int64_t elapsed_ms;
    int64_t expected_ms;
  };
  // memberlist's TestSuspicion_remainingSuspicionTime: min 2 s, max 30 s.
  const row rows[] = {
    {0, 3, 0, 30000},  {1, 3, 2000, 14000}, {2, 3, 3000, 4810},
    {3, 3, 4000, -2000}, {4, 3, 5000, -3000}, {5, 3, 10000, -8000},
    {0, 0, 0, 2000},   // nobody can confirm: the minimum applies at once
  };
  for (const auto& r : rows)
    BOOST_TEST(remaining_suspicion_ms(r.confirmations, r.k, r.elapsed_ms, 2000, 30000)
                 == r.expected_ms,
               "confirmations=" << r.confirmations << " k=" << r.k);
}

BOOST_AUTO_TEST_CASE(retransmit_limit_is_mult_times_ceil_log10_of_n_plus_one) {
  BOOST_TEST(retransmit_limit(4, 1, 1) == 4u);
  BOOST_TEST(retransmit_limit(4, 1, 9) == 4u);
  BOOST_TEST(retransmit_limit(4, 1, 10) == 8u);
  BOOST_TEST(retransmit_limit(4, 1, 99) == 8u);
  BOOST_TEST(retransmit_limit(4, 1, 100) == 12u);
  BOOST_TEST(retransmit_limit(4, 1, 1000) == 16u);
  BOOST_TEST(retransmit_limit(2, 1, 10000) == 10u);
}

BOOST_AUTO_TEST_CASE(retransmit_limit_never_falls_below_its_floor) {
  BOOST_TEST(retransmit_limit(4, 12, 1) == 12u);
  BOOST_TEST(retransmit_limit(4, 12, 99) == 12u);
  BOOST_TEST(retransmit_limit(4, 12, 999) == 12u);
  BOOST_TEST(retransmit_limit(4, 12, 1000) == 16u);
}

BOOST_AUTO_TEST_CASE(push_pull_period_scales_above_32_members) {
  // memberlist's TestPushPullScale table.
  BOOST_TEST(push_pull_scaled_ms(1000, 1) == 1000);
  BOOST_TEST(push_pull_scaled_ms(1000, 32) == 1000);
  BOOST_TEST(push_pull_scaled_ms(1000, 33) == 2000);
  BOOST_TEST(push_pull_scaled_ms(1000, 64) == 2000);
  BOOST_TEST(push_pull_scaled_ms(1000, 65) == 3000);
  BOOST_TEST(push_pull_scaled_ms(1000, 128) == 3000);
  BOOST_TEST(push_pull_scaled_ms(1000, 129) == 4000);
  BOOST_TEST(push_pull_scaled_ms(1000, 1000) == 6000);
}

BOOST_AUTO_TEST_CASE(confirmations_needed_are_mult_minus_two_when_enough_members_exist) {
  BOOST_TEST(expected_confirmations(4, 1000) == 2u);
  BOOST_TEST(expected_confirmations(4, 4) == 2u);
  BOOST_TEST(expected_confirmations(4, 3) == 0u);
  BOOST_TEST(expected_confirmations(2, 1000) == 0u);
}

BOOST_AUTO_TEST_CASE(awareness_scales_timeouts_and_stays_within_its_bounds) {
  awareness a{8};
  BOOST_TEST(a.scale(500) == 500);
  a.apply_delta(-3);
  BOOST_TEST(a.score() == 0);
  a.apply_delta(2);
  BOOST_TEST(a.scale(500) == 1500);
  a.apply_delta(100);
  BOOST_TEST(a.score() == 7);
  BOOST_TEST(a.scale(1000) == 8000);
}

BOOST_AUTO_TEST_CASE(detection_bound_adds_probing_maximum_suspicion_and_dissemination) {
  auto cfg = lan_defaults();
  // 11 periods of 1 s + 6 * 12 s maximum suspicion + (16 + 1) * 200 ms.
  BOOST_TEST(detection_bound_ms(cfg, 1000, 10) == 11000 + 72000 + 3400);
  // 100 members: 6 * 8 s suspicion and (16 + 1) gossip rounds: the floor
  // of min_retransmits copies, above memberlist's 12.
  BOOST_TEST(detection_bound_ms(cfg, 100, 10) == 11000 + 48000 + 3400);
}
