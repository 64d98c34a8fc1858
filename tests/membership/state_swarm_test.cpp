#define BOOST_TEST_MODULE membership.state_swarm
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include <string>
#include <vector>

#include "swarm/membership/state_swarm.hpp"
#include "swarm/membership/state_sync.hpp"

using namespace swarm::membership;

namespace {

node_uuid uuid_n(uint8_t n) {
  std::array<std::byte, 16> bytes{};
  bytes[15] = std::byte{n};
  return make_uuid_v4(bytes);
}

node_record sn_record(uint8_t n) {
  node_record x;
  x.type = n == 1 ? node_type::sentinel : node_type::sn;
  x.host = "10.0.0." + std::to_string(n);
  x.p2p_port = 30303;
  x.api_port = 30304;
  x.name = "sn-" + std::to_string(n);
  x.uuid = uuid_n(n);
  x.last_seen_ms = 1000 * n;
  return x;
}

state_update update_for(const node_record& x, uint64_t version, uint8_t writer) {
  byte_writer out;
  x.encode(out);
  crdt_entry e;
  e.key = x.key();
  e.value = out.take();
  e.version = version;
  e.writer = uuid_n(writer);
  return {std::string{node_record::map_name}, std::move(e)};
}

} // namespace

BOOST_AUTO_TEST_CASE(a_fresh_state_has_the_registered_maps_and_nothing_in_them) {
  swarm_state s;
  auto names = s.map_names();
  BOOST_REQUIRE(names.size() == registered_maps().size());
  BOOST_TEST(std::ranges::is_sorted(names));
  BOOST_TEST(std::ranges::count(names, std::string_view{"nodes"}) == 1);
  BOOST_TEST(s.entry_count() == 0u);
  BOOST_TEST(s.find_map("no-such-map") == nullptr);
  BOOST_TEST((s.digest() == swarm_state{}.digest()));
}

BOOST_AUTO_TEST_CASE(the_node_registry_stores_records_under_their_uuid) {
  swarm_state s;
  auto me = uuid_n(1);
  auto written = s.nodes().put(sn_record(1), me);
  BOOST_REQUIRE(written);
  BOOST_TEST(written->key == sn_record(1).key());
  BOOST_TEST(written->writer == me);
  auto back = s.nodes().get(sn_record(1).key());
  BOOST_REQUIRE(back);
  BOOST_TEST((*back == sn_record(1)));
  BOOST_REQUIRE(s.nodes().erase(sn_record(1).key(), me));
  BOOST_TEST(!s.nodes().contains(sn_record(1).key()));
  const swarm_state& view = s;
  size_t live = 0;
  view.nodes().for_each([&](const node_record&) { ++live; });
  BOOST_TEST(live == 0u);
}

BOOST_AUTO_TEST_CASE(merge_accepts_valid_news_once) {
  swarm_state s;
  auto x = update_for(sn_record(2), 5, 2);
  auto first = s.merge(x);
  BOOST_REQUIRE(first);
  BOOST_TEST(*first);
  auto second = s.merge(x);
  BOOST_REQUIRE(second);
  BOOST_TEST(!*second);
  BOOST_TEST(s.find_map("nodes")->clock() == 5u);
}

BOOST_AUTO_TEST_CASE(merge_rejects_bad_updates_and_changes_nothing) {
  swarm_state s;
  auto before = s.digest();
  auto unknown_map = update_for(sn_record(2), 5, 2);
  unknown_map.map = "tasks-from-the-future";
  auto garbage_value = update_for(sn_record(2), 5, 2);
  garbage_value.entry.value = {std::byte{1}, std::byte{2}};
  auto wrong_key = update_for(sn_record(2), 5, 2);
  wrong_key.entry.key = sn_record(3).key();
  auto zero_version = update_for(sn_record(2), 0, 2);
  auto nil_writer = update_for(sn_record(2), 5, 2);
  nil_writer.entry.writer = node_uuid{};
  for (const auto& bad : {unknown_map, garbage_value, wrong_key, zero_version, nil_writer}) {
    auto result = s.merge(bad);
    BOOST_TEST(!result);
    if (!result)
      BOOST_TEST_MESSAGE("rejected: " << result.error().to_string());
  }
  std::vector<state_update> batch{update_for(sn_record(4), 7, 4), garbage_value};
  BOOST_TEST(!s.merge_all(batch));
  BOOST_TEST((s.digest() == before));
  BOOST_TEST(s.find_map("nodes")->clock() == 0u);
}

BOOST_AUTO_TEST_CASE(a_tombstone_needs_no_record_value) {
  swarm_state s;
  auto x = update_for(sn_record(2), 5, 2);
  x.entry.value.clear();
  x.entry.tombstone = true;
  auto result = s.merge(x);
  BOOST_REQUIRE(result);
  BOOST_TEST(*result);
}

BOOST_AUTO_TEST_CASE(merge_all_returns_only_the_news) {
  swarm_state s;
  BOOST_REQUIRE(s.merge(update_for(sn_record(2), 9, 2)));
  std::vector<state_update> batch{update_for(sn_record(2), 3, 3), // older: no news
                                  update_for(sn_record(3), 4, 3),
                                  update_for(sn_record(3), 4, 3)}; // duplicate
  auto news = s.merge_all(batch);
  BOOST_REQUIRE(news);
  BOOST_REQUIRE(news->size() == 1u);
  BOOST_TEST(news->front().entry.key == sn_record(3).key());
}

BOOST_AUTO_TEST_CASE(updates_and_summaries_survive_the_wire) {
  std::vector<state_update> batch{update_for(sn_record(2), 3, 3),
                                  update_for(sn_record(3), 4, 3)};
  batch[1].entry.tombstone = true;
  batch[1].entry.value.clear();
  byte_writer out;
  encode_updates(out, batch);
  auto back = decode_updates(out.bytes());
  BOOST_REQUIRE(back);
  BOOST_TEST((*back == batch));
  for (size_t n = 0; n < out.bytes().size(); ++n)
    BOOST_TEST(!decode_updates(std::span{out.bytes()}.first(n)));
  swarm_state s;
  BOOST_REQUIRE(s.merge_all(batch));
  byte_writer sum;
  encode_state_summary(sum, summarize(s));
  auto summary = decode_state_summary(sum.bytes());
  BOOST_REQUIRE(summary);
  BOOST_TEST((*summary == summarize(s)));
  BOOST_TEST(!decode_state_summary(std::span{sum.bytes()}.first(sum.bytes().size() - 1)));
  // Names must ascend: one encoding per summary, no repeats.
  byte_writer unordered;
  unordered.varint(2);
  for (auto name : {"tasks", "nodes"}) {
    unordered.string(name);
    encode_summary(unordered, crdt_summary{});
  }
  BOOST_TEST(!decode_state_summary(unordered.bytes()));
}

BOOST_AUTO_TEST_CASE(push_pull_between_two_states_converges_through_encoded_messages) {
  swarm_state a;
  swarm_state b;
  for (uint8_t n = 1; n <= 40; ++n)
    BOOST_REQUIRE((n % 2 == 0 ? a : b).merge(update_for(sn_record(n), n, n)));
  BOOST_REQUIRE(a.nodes().put(sn_record(7), uuid_n(1)));  // concurrent with b's
  BOOST_REQUIRE(b.nodes().erase(sn_record(7).key(), uuid_n(2)));
  auto wire = [](const std::vector<state_update>& xs) {
    byte_writer out;
    encode_updates(out, xs);
    auto back = decode_updates(out.bytes());
    BOOST_REQUIRE(back);
    return *back;
  };
  // 1. a -> b: summary; 2. b -> a: delta and summary; 3. a -> b: delta.
  auto summary_a = summarize(a);
  auto delta_b = wire(delta_for(b, summary_a));
  auto summary_b = summarize(b);
  BOOST_REQUIRE(a.merge_all(delta_b));
  auto delta_a = wire(delta_for(a, summary_b));
  BOOST_REQUIRE(b.merge_all(delta_a));
  BOOST_TEST(same_contents(a, b));
  BOOST_TEST(a.nodes().contains(sn_record(7).key())
             == b.nodes().contains(sn_record(7).key()));
  BOOST_TEST(delta_for(a, summarize(b)).empty());
  BOOST_TEST(all_updates(a).size() == a.entry_count());
}
