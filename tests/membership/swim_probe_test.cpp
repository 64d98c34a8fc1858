#define BOOST_TEST_MODULE membership.swim_probe
#include <boost/test/unit_test.hpp>

// Failure detection, step by step: probes, relays, nacks, suspicion
// timeouts, local health and piggybacking.

#include <algorithm>
#include <set>

#include "swim_fixture.hpp"

using namespace swim_test;

namespace {

const std::vector<std::string> five = {"b", "c", "d", "e", "f"};

// Ticks until `m` starts a probe; returns the target and sequence number.
std::pair<std::string, uint32_t> next_probe(swim& m, recorder& rec) {
  rec.clear();
  tick_until(m, rec, m.now_ms() + 10000, [&] { return !of_type<ping>(rec.messages).empty(); });
  auto pings = of_type<ping>(rec.messages);
  BOOST_REQUIRE(!pings.empty());
  return {pings.front().second.target, pings.front().second.seq_no};
}

} // namespace

BOOST_AUTO_TEST_CASE(a_ping_is_answered_with_an_ack_carrying_its_sequence_number) {
  auto m = make_machine("a", five);
  m.step(p("b"), msg(ping{42, "a"}));
  auto acks = of_type<ack>(m.take_ready().messages);
  BOOST_TEST_REQUIRE(acks.size() == 1u);
  BOOST_TEST(acks[0].first.name == "b");
  BOOST_TEST(acks[0].first.address == "b:30303");
  BOOST_TEST(acks[0].second.seq_no == 42u);
}

BOOST_AUTO_TEST_CASE(a_ping_meant_for_another_member_is_not_answered) {
  auto m = make_machine("a", five);
  m.step(p("b"), msg(ping{42, "someone-else"}));
  BOOST_TEST(of_type<ack>(m.take_ready().messages).empty());
}

BOOST_AUTO_TEST_CASE(a_missed_ack_leads_to_ping_req_through_k_other_members) {
  auto m = make_machine("a", five);
  recorder rec;
  auto [target, seq] = next_probe(m, rec);
  auto start = m.now_ms();
  rec.clear();
  tick_until(m, rec, start + 500);
  auto reqs = of_type<ping_req>(rec.messages);
  BOOST_TEST_REQUIRE(reqs.size() == 3u);
  std::set<std::string> relays;
  for (const auto& [to, r] : reqs) {
    BOOST_TEST(r.seq_no == seq);
    BOOST_TEST(r.target == target);
    BOOST_TEST(r.target_address == target + ":30303");
    BOOST_TEST(to.name != target);
    relays.insert(to.name);
  }
  BOOST_TEST(relays.size() == 3u);
  BOOST_TEST(m.stats().indirect_probes == 1u);
}

BOOST_AUTO_TEST_CASE(an_ack_relayed_by_another_member_prevents_suspicion) {
  auto m = make_machine("a", five);
  recorder rec;
  auto [target, seq] = next_probe(m, rec);
  tick_until(m, rec, m.now_ms() + 500);
  auto relay = of_type<ping_req>(rec.messages).front().first;
  m.step(relay, msg(ack{seq}));
  rec.clear();
  tick_until(m, rec, m.now_ms() + 1000);
  BOOST_TEST(count_events(rec.events, event_kind::suspect, target) == 0u);
  BOOST_TEST(m.stats().probes_failed == 0u);
}

BOOST_AUTO_TEST_CASE(a_relay_forwards_the_target_ack_to_the_requester) {
  auto m = make_machine("a", five);
  m.step(p("b"), msg(ping_req{7, "c", "c:30303"}));
  auto pings = of_type<ping>(m.take_ready().messages);
  BOOST_TEST_REQUIRE(pings.size() == 1u);
  BOOST_TEST(pings[0].first.name == "c");
  BOOST_TEST(pings[0].second.target == "c");
  m.step(p("c"), msg(ack{pings[0].second.seq_no}));
  auto acks = of_type<ack>(m.take_ready().messages);
  BOOST_TEST_REQUIRE(acks.size() == 1u);
  BOOST_TEST(acks[0].first.name == "b");
  BOOST_TEST(acks[0].second.seq_no == 7u);
}

BOOST_AUTO_TEST_CASE(a_relay_asked_to_probe_itself_answers_at_once) {
  auto m = make_machine("a", five);
  m.step(p("b"), msg(ping_req{9, "a", "a:30303"}));
  auto acks = of_type<ack>(m.take_ready().messages);
  BOOST_TEST_REQUIRE(acks.size() == 1u);
  BOOST_TEST(acks[0].first.name == "b");
  BOOST_TEST(acks[0].second.seq_no == 9u);
}

BOOST_AUTO_TEST_CASE(a_relay_nacks_before_the_requester_gives_up) {
  auto m = make_machine("a", five);
  m.tick(1000);
  m.take_ready();
  m.step(p("b"), msg(ping_req{7, "c", "c:30303"}));
  recorder rec;
  tick_until(m, rec, 1000 + 500, [&] { return !of_type<nack>(rec.messages).empty(); });
  auto nacks = of_type<nack>(rec.messages);
  BOOST_TEST_REQUIRE(nacks.size() == 1u);
  BOOST_TEST(nacks[0].first.name == "b");
  BOOST_TEST(nacks[0].second.seq_no == 7u);
  // Lifeguard: 80% of the probe timeout.
  BOOST_TEST(m.now_ms() == 1400);
}

BOOST_AUTO_TEST_CASE(a_probe_without_acks_or_nacks_raises_suspicion_and_awareness) {
  auto m = make_machine("a", five);
  recorder rec;
  auto [target, seq] = next_probe(m, rec);
  auto start = m.now_ms();
  rec.clear();
  tick_until(m, rec, start + 1000);
  BOOST_TEST(count_events(rec.events, event_kind::suspect, target) == 1u);
  BOOST_TEST(m.find(target)->state == member_state::suspect);
  BOOST_TEST(m.stats().probes_failed == 1u);
  // Three relays should have nacked; none did, so we doubt ourselves.
  BOOST_TEST(m.awareness_score() == 3);
}

BOOST_AUTO_TEST_CASE(nacks_from_every_relay_leave_our_awareness_unchanged) {
  auto m = make_machine("a", five);
  recorder rec;
  auto [target, seq] = next_probe(m, rec);
  auto start = m.now_ms();
  tick_until(m, rec, start + 500);
  for (const auto& [relay, _] : of_type<ping_req>(rec.messages))
    m.step(relay, msg(nack{seq}));
  rec.clear();
  tick_until(m, rec, start + 1000);
  BOOST_TEST(count_events(rec.events, event_kind::suspect, target) == 1u);
  BOOST_TEST(m.awareness_score() == 0);
}

BOOST_AUTO_TEST_CASE(an_unhealthy_member_probes_less_often) {
  auto m = make_machine("a", five);
  recorder rec;
  next_probe(m, rec);
  auto first = m.now_ms();
  next_probe(m, rec); // the first probe failed: awareness 3
  auto second = m.now_ms();
  next_probe(m, rec);
  auto third = m.now_ms();
  BOOST_TEST(second - first == 1000);
  BOOST_TEST(third - second == 4000);
}

BOOST_AUTO_TEST_CASE(an_unconfirmed_suspicion_turns_into_death_after_the_maximum_timeout) {
  auto m = make_machine("a", five);
  // Everybody but c answers; only our own probes suspect c, and repeating a
  // suspicion is no confirmation.
  recorder rec;
  int64_t suspected_at = -1;
  int64_t dead_at = -1;
  while (dead_at < 0 && m.now_ms() < 120000) {
    m.tick(m.next_deadline_ms());
    auto r = m.take_ready();
    for (const auto& [to, x] : of_type<ping>(r.messages))
      if (to.name != "c")
        m.step(to, msg(ack{x.seq_no}));
    m.take_ready();
    if (suspected_at < 0 && count_events(r.events, event_kind::suspect, "c") > 0)
      suspected_at = m.now_ms();
    if (count_events(r.events, event_kind::dead, "c") > 0)
      dead_at = m.now_ms();
  }
  BOOST_TEST_REQUIRE(suspected_at >= 0);
  // n = 6: minimum 4 * max(1, log10 6) = 4 s, maximum 6 * 4 s = 24 s.
  BOOST_TEST(dead_at - suspected_at == 24000);
  BOOST_TEST(m.find("c")->state == member_state::dead);
  BOOST_TEST(m.stats().deaths_declared == 1u);
}

BOOST_AUTO_TEST_CASE(independent_confirmations_shorten_the_suspicion_to_the_minimum) {
  auto m = make_machine("a", five);
  m.tick(100);
  m.step(p("b"), msg(gossip{}, {update{update_kind::suspect, "c", 0, "b", {}, {}}}));
  m.step(p("d"), msg(gossip{}, {update{update_kind::suspect, "c", 0, "d", {}, {}}}));
  m.step(p("e"), msg(gossip{}, {update{update_kind::suspect, "c", 0, "e", {}, {}}}));
  recorder rec;
  rec.take(m);
  tick_until(m, rec, 100 + 4000);
  BOOST_TEST(count_events(rec.events, event_kind::dead, "c") == 1u);
}

BOOST_AUTO_TEST_CASE(a_repeated_suspicion_by_the_same_member_is_no_confirmation) {
  auto m = make_machine("a", five);
  m.tick(100);
  for (int i = 0; i < 3; ++i)
    m.step(p("b"), msg(gossip{}, {update{update_kind::suspect, "c", 0, "b", {}, {}}}));
  recorder rec;
  rec.take(m);
  tick_until(m, rec, 100 + 4000);
  BOOST_TEST(count_events(rec.events, event_kind::dead, "c") == 0u);
}

BOOST_AUTO_TEST_CASE(pinging_a_suspect_carries_its_suspicion_first) {
  auto m = make_machine("a", {"b"});
  m.step(p("c"), msg(gossip{}, {update{update_kind::alive, "c", 1, "c", "c:30303", {}}}));
  m.step(p("c"), msg(gossip{}, {update{update_kind::suspect, "b", 0, "c", {}, {}}}));
  recorder rec;
  rec.take(m);
  for (int i = 0; i < 4; ++i) {
    auto [target, seq] = next_probe(m, rec);
    if (target != "b")
      continue;
    auto it = std::find_if(rec.messages.begin(), rec.messages.end(), [](const outbound& x) {
      return std::holds_alternative<ping>(x.msg.body);
    });
    const auto& o = *it;
    BOOST_TEST_REQUIRE(!o.msg.updates.empty());
    BOOST_TEST(o.msg.updates.front().kind == update_kind::suspect);
    BOOST_TEST(o.msg.updates.front().node == "b");
    return;
  }
  BOOST_FAIL("b was never probed");
}

BOOST_AUTO_TEST_CASE(after_a_tick_the_next_deadline_lies_in_the_future) {
  auto m = make_machine("a", five, lan_defaults());
  for (int i = 0; i < 200; ++i) {
    auto t = m.next_deadline_ms();
    m.tick(t);
    m.take_ready();
    BOOST_TEST_REQUIRE(m.next_deadline_ms() > t);
  }
}

BOOST_AUTO_TEST_CASE(piggybacked_updates_respect_the_packet_budget) {
  auto m = make_machine("a", five);
  for (int i = 0; i < 200; ++i) {
    auto name = "member-with-a-long-name-" + std::to_string(i);
    m.step(p("b"), msg(gossip{}, {update{update_kind::alive, name, 1, name, name + ":30303",
                                          std::string(20, 'm')}}));
  }
  m.take_ready();
  m.step(p("b"), msg(ping{1, "a"}));
  auto out = m.take_ready().messages;
  BOOST_TEST_REQUIRE(out.size() == 1u);
  BOOST_TEST(out[0].msg.updates.size() > 10u);
  BOOST_TEST(encoded_size(out[0].msg) <= lan_defaults().packet_budget_bytes);
}

BOOST_AUTO_TEST_CASE(an_answered_probe_records_its_round_trip_time_once) {
  auto m = make_machine("a", five);
  recorder rec;
  auto [target, seq] = next_probe(m, rec);
  auto sent_ms = m.now_ms();
  m.tick(sent_ms + 7);
  m.step(p(target), msg(ack{seq}));
  m.step(p(target), msg(ack{seq})); // a duplicate ack adds no sample
  auto samples = m.take_rtt_samples_ms();
  BOOST_TEST_REQUIRE(samples.size() == 1u);
  BOOST_TEST(samples[0] == 7);
  BOOST_TEST(m.take_rtt_samples_ms().empty());
}
