#define BOOST_TEST_MODULE sim.network
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "swarm/sim/event_queue.hpp"
#include "swarm/sim/network.hpp"

using namespace swarm::sim;

namespace {

struct arrival {
  int64_t at_ms;
  node_id from;
  node_id to;
  int payload;
  bool operator==(const arrival&) const = default;
};

std::vector<arrival> drain(network<int>& net) {
  std::vector<arrival> result;
  while (net.has_pending()) {
    auto at = net.next_at_ms();
    if (auto d = net.pop())
      result.push_back({at, d->from, d->to, d->payload});
  }
  return result;
}

std::vector<arrival> run(uint64_t seed, network_options opts) {
  network<int> net{seed, opts, 4};
  for (int i = 0; i < 200; ++i)
    net.send(i, static_cast<node_id>(i % 4), static_cast<node_id>((i + 1) % 4), i);
  return drain(net);
}

} // namespace

BOOST_AUTO_TEST_CASE(equal_times_come_out_in_insertion_order) {
  event_queue<std::string> q;
  q.push(5, "b");
  q.push(1, "a");
  q.push(5, "c");
  q.push(5, "d");
  std::vector<std::string> out;
  while (!q.empty())
    out.push_back(q.pop().second);
  BOOST_TEST(out == (std::vector<std::string>{"a", "b", "c", "d"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(the_same_seed_gives_the_same_deliveries) {
  network_options opts{0.2, 1, 50, 0.1};
  BOOST_TEST((run(11, opts) == run(11, opts)));
  BOOST_TEST(!(run(11, opts) == run(12, opts)));
}

BOOST_AUTO_TEST_CASE(deliveries_respect_the_delay_range_and_arrive_in_time_order) {
  network<int> net{5, network_options{0.0, 10, 20, 0.0}, 2};
  for (int i = 0; i < 100; ++i)
    net.send(i, 0, 1, i);
  int64_t last = 0;
  for (const auto& a : drain(net)) {
    BOOST_TEST(a.at_ms >= a.payload + 10);
    BOOST_TEST(a.at_ms <= a.payload + 20);
    BOOST_TEST(a.at_ms >= last);
    last = a.at_ms;
  }
}

BOOST_AUTO_TEST_CASE(loss_and_duplication_happen_at_about_their_rates) {
  network<int> net{8, network_options{0.1, 1, 1, 0.05}, 2};
  for (int i = 0; i < 20000; ++i)
    net.send(0, 0, 1, i);
  auto n = drain(net).size();
  BOOST_TEST(net.stats().lost > 1800u);
  BOOST_TEST(net.stats().lost < 2200u);
  BOOST_TEST(net.stats().duplicated > 800u);
  BOOST_TEST(net.stats().duplicated < 1100u);
  BOOST_TEST(n == 20000 - net.stats().lost + net.stats().duplicated);
}

BOOST_AUTO_TEST_CASE(a_partition_cuts_both_directions_until_healed) {
  network<int> net{1, network_options{}, 4};
  net.partition({{0, 1}, {2, 3}});
  net.send(0, 0, 2, 1);
  net.send(0, 3, 1, 2);
  net.send(0, 0, 1, 3);
  net.send(0, 2, 3, 4);
  auto cut = drain(net);
  BOOST_TEST(cut.size() == 2u);
  BOOST_TEST(net.stats().cut == 2u);
  net.heal();
  net.send(10, 0, 2, 5);
  BOOST_TEST(drain(net).size() == 1u);
}

BOOST_AUTO_TEST_CASE(messages_in_flight_are_dropped_when_the_receiver_stops_or_is_cut_off) {
  network<int> net{1, network_options{0.0, 5, 5, 0.0}, 3};
  net.send(0, 0, 1, 1);
  net.send(0, 0, 2, 2);
  net.set_up(1, false);
  net.partition({{0}, {2}});
  BOOST_TEST(drain(net).empty());
  BOOST_TEST(net.stats().to_down == 1u);
  BOOST_TEST(net.stats().cut == 1u);
}
