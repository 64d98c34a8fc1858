#define BOOST_TEST_MODULE membership.swim_young_member_sim
#include <boost/test/unit_test.hpp>

// A member that crashes within a second of joining (a SWOP killed right
// after it took a run) must be declared dead like any other, whatever its
// age. Seeded whole-cluster simulations; every failure names its seed.

#include <functional>

#include "sim_support.hpp"

using namespace sim_test;

namespace {

std::vector<uint64_t> default_seeds() {
  std::vector<uint64_t> result;
  for (uint64_t s = 1; s <= 40; ++s)
    result.push_back(s);
  return result;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_member_crashed_right_after_joining_is_declared_dead_by_the_others) {
  for (auto seed : seeds_or_env(default_seeds())) {
    BOOST_TEST_CONTEXT(replay(seed)) {
      auto opts = options(seed, 3, false);
      opts.config = local_defaults();
      opts.join_spacing_ms = 3000;
      swim_cluster c{opts};
      // The SN (0), a SWOP (1) that joins at 3 s and its SL (2) that joins
      // at 6 s; the SWOP is killed soon after and the SL, its child, leaves
      // gracefully at once.
      c.run_until(6000 + static_cast<int64_t>(seed * 37 % 1000));
      c.crash(1);
      auto crashed_at = c.now_ms();
      c.run_for(130);
      c.leave(2, 500);
      auto bound_ms = detection_bound_ms(opts.config, 3, 10);
      bool ok = c.run_until([&] { return nobody_sees_live(c, 1); }, crashed_at + bound_ms, 50);
      BOOST_TEST(ok, "member 1 not declared dead within " << seconds(bound_ms) << " s, "
                                                          << replay(seed));
    }
  }
}
