// Two sn_delegates wired through a fake node_context, without CAF: the
// second joins through the first and both end up with both node records,
// and round records gossiped into one reach both APIs, and a change queued
// by the API runs on the node's tick and reaches the other SN. Also the
// round snapshot on its own (sn_rounds).

#define BOOST_TEST_MODULE sn_delegate
#include <boost/test/unit_test.hpp>

#include <regex>

#include <deque>

#include "process.hpp"
#include "fake_context.hpp"
#include "swarm/membership/state_contract_record.hpp"
#include "swarm/membership/state_round_record.hpp"
#include "swarm/membership/state_sync.hpp"
#include "swarm/sn/sn_delegate.hpp"
#include "swarm/sn/sn_rounds.hpp"

namespace {

using namespace swarm;

using sn_test::fake_context;
using sn_test::letter;

sn::sn_options options(bool sentinel, const std::filesystem::path& dir) {
  return sn_test::overlay_options(sentinel, dir);
}

membership::node_uuid sl_uuid() {
  std::array<std::byte, 16> bytes{};
  bytes[0] = std::byte{0x51};
  return membership::make_uuid_v4(bytes);
}

// Round `n` of `contract`, linked to `prev` (null for a chain start).
membership::round_record round_of(const std::string& contract, uint64_t n,
                                  const membership::round_record* prev) {
  membership::round_record x;
  x.contract = contract;
  x.round = n;
  x.term = 1;
  x.leader = "SL-1";
  x.merge_method = "mean";
  x.participants = {{"SL-1", 0.5, 100, 0.5f, 0.75f, 1, 2, false},
                    {"SL-2", 0.5, 120, 0.25f, 0.5f, 1, 2, false}};
  x.merged_digest.fill(static_cast<uint8_t>(n));
  if (prev)
    x.prev_hash = membership::record_hash(*prev);
  x.committed_ms = 1'764'150'000'000 + n;
  return x;
}

// What an SL leader's commit looks like on the wire: a StateSync push.
wire::Envelope round_push(const std::vector<membership::round_record>& xs) {
  membership::swarm_state scratch;
  std::vector<membership::state_update> updates;
  for (const auto& x : xs) {
    auto entry = scratch.map_of<membership::round_record>().put(x, sl_uuid());
    BOOST_REQUIRE(entry);
    updates.push_back({std::string{membership::round_record::map_name}, *entry});
  }
  membership::byte_writer out;
  membership::encode_updates(out, updates);
  wire::Envelope env;
  env.mutable_state()->set_updates_bytes(
    std::string{reinterpret_cast<const char*>(out.bytes().data()), out.bytes().size()});
  return env;
}

// Two SNs without a network: SN-1 (the sentinel) at "a:1" and SN-2 at
// "b:1", started, on a clock the test advances.
struct two_sns {
  swarm::test::temp_dir dir;
  std::deque<letter> queue;
  int64_t clock = 1000;
  sn::sn_delegate d1{options(true, dir.path() / "1")};
  sn::sn_delegate d2{options(false, dir.path() / "2")};
  fake_context c1{"SN-1", "a:1", queue, clock};
  fake_context c2{"SN-2", "b:1", queue, clock};

  two_sns() {
    d1.on_start(c1);
    d2.on_start(c2);
  }

  // Delivers the letters in flight (and those they cause) without a tick,
  // so no anti-entropy runs.
  void drain() {
    while (!queue.empty()) {
      auto x = std::move(queue.front());
      queue.pop_front();
      if (x.to_address == "a:1")
        d1.on_message(c1, x.from, x.env);
      else
        d2.on_message(c2, x.from, x.env);
    }
  }

  // Runs both for `steps` ticks of 100 ms, delivering every letter.
  void run(int steps) {
    for (int step = 0; step < steps; ++step) {
      clock += 100;
      d1.on_tick(c1, clock);
      d2.on_tick(c2, clock);
      drain();
    }
  }
};

} // namespace

BOOST_AUTO_TEST_CASE(two_delegates_share_the_registry) {
  two_sns net;
  auto& [dir, queue, clock, d1, d2, c1, c2] = net;
  BOOST_REQUIRE(!d1.start_error() && !d2.start_error());
  net.run(300);
  BOOST_CHECK(d2.joined());
  for (auto* d : {&d1, &d2}) {
    auto nodes = d->provider()->nodes();
    BOOST_REQUIRE_EQUAL(nodes.size(), 2u);
    for (const auto& row : nodes)
      BOOST_CHECK_EQUAL(row.status, "ACTIVE");
    BOOST_CHECK(d->provider()->health().ready);
  }
  BOOST_CHECK(d1.provider()->metrics_text().find("swarm_members{state=\"alive\"} 2")
              != std::string::npos);
  // Answered probes reach the round-trip histogram.
  std::smatch count;
  auto text = d1.provider()->metrics_text();
  BOOST_REQUIRE(std::regex_search(text, count,
                                  std::regex{R"(swarm_probe_rtt_seconds_count (\d+))"}));
  BOOST_CHECK_GT(std::stoul(count[1]), 0u);
}

BOOST_AUTO_TEST_CASE(round_records_gossiped_into_one_sn_reach_both_apis_and_metrics) {
  two_sns net;
  auto& [dir, queue, clock, d1, d2, c1, c2] = net;
  net.run(100);
  BOOST_REQUIRE(d2.joined());
  BOOST_TEST(d1.provider()->rounds()->empty());
  auto r1 = round_of("mnist", 1, nullptr);
  auto r2 = round_of("mnist", 2, &r1);
  auto r3 = round_of("mnist", 3, &r2);
  auto r5 = round_of("mnist", 5, &r3); // round 4 has not arrived
  // Out of order on purpose: the snapshot orders by round.
  d1.on_message(c1, "SL-1", round_push({r3, r1, r5, r2}));
  net.run(100); // anti-entropy every 2 s
  for (auto* d : {&d1, &d2}) {
    auto table = d->provider()->rounds();
    BOOST_REQUIRE(table->contains("mnist"));
    const auto& rounds = table->at("mnist");
    BOOST_REQUIRE_EQUAL(rounds.size(), 4u);
    std::vector<uint64_t> numbers;
    std::vector<bool> linked;
    for (const auto& x : rounds) {
      numbers.push_back(x.round);
      linked.push_back(x.chain_ok);
    }
    BOOST_TEST((numbers == std::vector<uint64_t>{1, 2, 3, 5}));
    BOOST_TEST((linked == std::vector<bool>{true, true, true, false}));
    BOOST_TEST(rounds[1].record_hash == swarm::to_hex(membership::record_hash(r2)));
    BOOST_TEST(rounds[2].prev_hash == rounds[1].record_hash);
    BOOST_TEST(rounds[0].participants.size() == 2u);
    auto text = d->provider()->metrics_text();
    for (const char* line : {"swarm_rounds_committed{contract=\"mnist\"} 4\n",
                             "swarm_round_last{contract=\"mnist\"} 5\n",
                             "swarm_round_participants{contract=\"mnist\"} 2\n"})
      BOOST_TEST(text.find(line) != std::string::npos, "missing: " << line);
  }
}

BOOST_AUTO_TEST_CASE(news_is_passed_on_at_once_and_anti_entropy_deltas_are_not) {
  two_sns net;
  auto& [dir, queue, clock, d1, d2, c1, c2] = net;
  net.run(100);
  BOOST_REQUIRE(d2.joined());
  auto rounds_of = [](sn::sn_delegate& d) {
    size_t count = 0;
    d.state().map_of<membership::round_record>().for_each(
      [&](const membership::round_record&) { ++count; });
    return count;
  };
  // An SL leader's commit reaches SN-1 as news: SN-2 has it before any tick.
  auto r1 = round_of("mnist", 1, nullptr);
  auto news = round_push({r1});
  news.mutable_state()->set_rumor(true);
  d1.on_message(c1, "SL-1", news);
  net.drain();
  BOOST_TEST(rounds_of(d2) == 1u);
  // Sent again, it is no news to anyone: nothing goes out.
  d1.on_message(c1, "SL-1", news);
  BOOST_TEST(queue.empty());
  // A delta that is not news stays where it landed until anti-entropy.
  auto r2 = round_of("mnist", 2, &r1);
  d1.on_message(c1, "SL-1", round_push({r2}));
  net.drain();
  BOOST_TEST(rounds_of(d1) == 2u);
  BOOST_TEST(rounds_of(d2) == 1u);
  net.run(50);
  BOOST_TEST(rounds_of(d2) == 2u);
}

BOOST_AUTO_TEST_CASE(the_round_snapshot_is_rebuilt_only_when_the_rounds_map_changes) {
  sn::sn_provider provider;
  sn::round_publisher publisher;
  membership::swarm_state state;
  BOOST_TEST(publisher.refresh(state, provider)); // the first call publishes
  BOOST_TEST(!publisher.refresh(state, provider));
  membership::node_record node;
  node.name = "SN-9";
  node.host = "h";
  node.uuid = sl_uuid();
  BOOST_REQUIRE(state.nodes().put(node, sl_uuid()));
  BOOST_TEST(!publisher.refresh(state, provider)); // another map changed
  auto r1 = round_of("a", 1, nullptr);
  auto r2 = round_of("a", 2, &r1);
  auto rounds = state.map_of<membership::round_record>();
  BOOST_REQUIRE(rounds.put(r1, sl_uuid()));
  BOOST_REQUIRE(rounds.put(r2, sl_uuid()));
  BOOST_REQUIRE(rounds.put(round_of("b", 1, nullptr), sl_uuid()));
  BOOST_TEST(publisher.refresh(state, provider));
  auto before = provider.rounds();
  BOOST_TEST(before->size() == 2u);
  BOOST_TEST(before->at("a")[1].chain_ok);
  // A rewritten round 1 (a tampered history) unlinks round 2.
  r1.participants[0].loss = 0.0f;
  BOOST_REQUIRE(rounds.put(r1, sl_uuid()));
  BOOST_TEST(publisher.refresh(state, provider));
  BOOST_TEST(!provider.rounds()->at("a")[1].chain_ok);
  BOOST_TEST(before->at("a")[1].chain_ok, "an old snapshot stays as it was");
  // Deleting a contract's only round drops it from the API and /metrics.
  BOOST_REQUIRE(rounds.erase(round_of("b", 1, nullptr).key(), sl_uuid()));
  BOOST_TEST(publisher.refresh(state, provider));
  BOOST_TEST(!provider.rounds()->contains("b"));
  BOOST_TEST(provider.metrics_text().find("contract=\"b\"") == std::string::npos);
  BOOST_TEST(provider.metrics_text().find("swarm_round_last{contract=\"a\"} 2\n")
             != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_api_change_runs_on_the_next_tick_and_reaches_the_other_sn) {
  two_sns net;
  auto& [dir, queue, clock, d1, d2, c1, c2] = net;
  net.run(100);
  BOOST_REQUIRE(d2.joined());
  auto reply = d1.provider()->apply([](api::write_context& ctx) {
    membership::contract_record x{"c1", ctx.now_ms, 0, 0};
    BOOST_REQUIRE(ctx.put(x));
    return api::response::json({{"name", "c1"}}, 201);
  });
  BOOST_TEST((reply.wait_for(std::chrono::seconds{0}) == std::future_status::timeout));
  net.run(1);
  BOOST_REQUIRE((reply.wait_for(std::chrono::seconds{0}) == std::future_status::ready));
  BOOST_TEST(reply.get().status == 201);
  // The writer's snapshot has it before the reply; the other SN gets it by gossip.
  BOOST_TEST(d1.provider()->state_snapshot()->map_of<membership::contract_record>().contains("c1"));
  net.run(50);
  auto there = d2.provider()->state_snapshot()->map_of<membership::contract_record>().get("c1");
  BOOST_REQUIRE(there);
  BOOST_TEST(there->name == "c1");
  BOOST_TEST(d1.provider()->metrics_text().find("swarm_tasks 0\n") != std::string::npos);
  // A stopping SN refuses changes at once.
  d1.on_stop(c1);
  auto late = d1.provider()->apply([](api::write_context&) { return api::response{}; });
  BOOST_REQUIRE((late.wait_for(std::chrono::seconds{0}) == std::future_status::ready));
  BOOST_TEST(late.get().status == 503);
}
