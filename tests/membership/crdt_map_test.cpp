#define BOOST_TEST_MODULE membership.crdt_map
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "swarm/membership/crdt_map.hpp"

using namespace swarm::membership;

namespace {

node_uuid writer(uint8_t n) {
  node_uuid result;
  result.bytes[15] = n;
  return result;
}

byte_buffer bytes(std::string_view text) {
  auto span = as_byte_span(text);
  return {span.begin(), span.end()};
}

std::string text(const byte_buffer* value) {
  return value == nullptr ? "<none>"
                          : std::string{reinterpret_cast<const char*>(value->data()),
                                        value->size()};
}

crdt_entry make_entry(std::string key, std::string value, uint64_t version, uint8_t w,
                      bool tombstone = false) {
  crdt_entry x;
  x.key = std::move(key);
  if (!tombstone)
    x.value = bytes(value);
  x.version = version;
  x.writer = writer(w);
  x.tombstone = tombstone;
  return x;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_put_is_visible_and_is_stamped_above_every_version_seen) {
  crdt_map map;
  auto a = map.put("k", bytes("one"), writer(1));
  BOOST_REQUIRE(a);
  BOOST_TEST(a->version == 1u);
  BOOST_TEST(map.merge(make_entry("other", "x", 41, 2)));
  auto b = map.put("k", bytes("two"), writer(1));
  BOOST_REQUIRE(b);
  BOOST_TEST(b->version == 42u);
  BOOST_TEST(text(map.get("k")) == "two");
  BOOST_TEST(map.size() == 2u);
  BOOST_TEST(map.clock() == 42u);
}

BOOST_AUTO_TEST_CASE(a_floor_lifts_the_version_of_a_local_write) {
  crdt_map map;
  auto a = map.put("k", bytes("v"), writer(1), hlc_floor(1000));
  BOOST_REQUIRE(a);
  BOOST_TEST(a->version == hlc_floor(1000));
  auto b = map.put("k", bytes("w"), writer(1), hlc_floor(1000));
  BOOST_REQUIRE(b);
  BOOST_TEST(b->version == hlc_floor(1000) + 1);
}

BOOST_AUTO_TEST_CASE(a_tombstone_wins_over_an_older_put_and_loses_to_a_newer_one) {
  crdt_map map;
  BOOST_TEST(map.merge(make_entry("k", "v1", 5, 1)));
  BOOST_TEST(map.merge(make_entry("k", "", 6, 2, true)));
  BOOST_TEST(map.get("k") == nullptr);
  BOOST_REQUIRE(map.find("k") != nullptr);
  BOOST_TEST(map.find("k")->tombstone);
  BOOST_TEST(map.size() == 0u);
  // An older put arriving late must not resurrect the key.
  BOOST_TEST(!map.merge(make_entry("k", "v0", 4, 3)));
  BOOST_TEST(map.get("k") == nullptr);
  // A newer put does.
  BOOST_TEST(map.merge(make_entry("k", "v2", 7, 1)));
  BOOST_TEST(text(map.get("k")) == "v2");
  BOOST_TEST(map.size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_delete_can_overtake_the_put_it_cancels) {
  crdt_map map;
  BOOST_TEST(map.merge(make_entry("k", "", 9, 1, true)));
  BOOST_TEST(!map.merge(make_entry("k", "v", 8, 1)));
  BOOST_TEST(map.get("k") == nullptr);
  auto erased = map.erase("never-seen", writer(1));
  BOOST_REQUIRE(erased);
  BOOST_TEST(erased->tombstone);
  BOOST_TEST(erased->version == 10u);
}

BOOST_AUTO_TEST_CASE(concurrent_writes_from_different_writers_resolve_identically_everywhere) {
  std::vector<crdt_entry> writes{make_entry("k", "from-1", 3, 1),
                                 make_entry("k", "from-7", 3, 7),
                                 make_entry("k", "from-4", 3, 4),
                                 make_entry("k", "", 3, 2, true)};
  std::sort(writes.begin(), writes.end(), [](const auto& a, const auto& b) {
    return a.writer < b.writer;
  });
  std::vector<swarm::sha256_digest> digests;
  do {
    crdt_map map;
    for (const auto& x : writes)
      map.merge(x);
    BOOST_TEST(text(map.get("k")) == "from-7");
    digests.push_back(map.digest());
  } while (std::next_permutation(writes.begin(), writes.end(), [](const auto& a, const auto& b) {
    return a.writer < b.writer;
  }));
  BOOST_TEST(digests.size() == 24u);
  BOOST_TEST(std::all_of(digests.begin(), digests.end(),
                         [&](const auto& d) { return d == digests.front(); }));
}

BOOST_AUTO_TEST_CASE(one_writer_reusing_a_version_still_resolves_deterministically) {
  // A node that crashed before saving may reuse a version for another value.
  auto a = make_entry("k", "apple", 5, 1);
  auto b = make_entry("k", "banana", 5, 1);
  auto t = make_entry("k", "", 5, 1, true);
  crdt_map x;
  x.merge(a);
  x.merge(b);
  x.merge(t);
  crdt_map y;
  y.merge(t);
  y.merge(b);
  y.merge(a);
  BOOST_TEST(x.digest() == y.digest());
  BOOST_TEST(x.find("k")->tombstone);
  BOOST_TEST(supersedes(b, a));
  BOOST_TEST(!supersedes(a, b));
  BOOST_TEST(!supersedes(a, a));
}

BOOST_AUTO_TEST_CASE(merging_an_entry_again_reports_no_change) {
  crdt_map map;
  auto x = make_entry("k", "v", 3, 1);
  BOOST_TEST(map.merge(x));
  auto digest = map.digest();
  auto summary = map.summary();
  BOOST_TEST(!map.merge(x));
  BOOST_TEST(!map.merge(make_entry("k", "old", 2, 9)));
  BOOST_TEST(map.digest() == digest);
  BOOST_TEST((map.summary() == summary));
}

BOOST_AUTO_TEST_CASE(a_losing_entry_still_advances_the_clock) {
  crdt_map map;
  BOOST_TEST(map.merge(make_entry("k", "", 50, 2, true)));
  BOOST_TEST(!map.merge(make_entry("k", "v", 10, 1)));
  map.observe(70);
  auto next = map.put("k", bytes("mine"), writer(1));
  BOOST_REQUIRE(next);
  BOOST_TEST(next->version == 71u);
  BOOST_TEST(text(map.get("k")) == "mine");
}

BOOST_AUTO_TEST_CASE(writes_outside_the_limits_are_rejected_and_change_nothing) {
  crdt_map map;
  BOOST_TEST(!map.put("", bytes("v"), writer(1)));
  BOOST_TEST(!map.put(std::string(crdt_max_key_bytes + 1, 'k'), bytes("v"), writer(1)));
  BOOST_TEST(!map.put("k", byte_buffer(crdt_max_value_bytes + 1), writer(1)));
  BOOST_TEST(!map.put("k", bytes("v"), node_uuid{}));
  BOOST_TEST(!map.put("k", bytes("v"), writer(1), crdt_max_version + 1));
  BOOST_TEST(map.entries().empty());
  BOOST_TEST(bool(map.put(std::string(crdt_max_key_bytes, 'k'), bytes("v"), writer(1))));
}

BOOST_AUTO_TEST_CASE(live_iteration_skips_tombstones_and_follows_key_order) {
  crdt_map map;
  for (auto key : {"d", "a", "c", "b", "e"})
    BOOST_REQUIRE(map.put(key, bytes(key), writer(1)));
  BOOST_REQUIRE(map.erase("c", writer(1)));
  BOOST_REQUIRE(map.erase("a", writer(1)));
  std::string keys;
  for (const auto& x : map.live())
    keys += x.key;
  BOOST_TEST(keys == "bde");
  BOOST_TEST(map.size() == 3u);
  BOOST_TEST(map.entries().size() == 5u);
}

BOOST_AUTO_TEST_CASE(summaries_differ_only_in_the_buckets_of_differing_keys) {
  crdt_map a;
  crdt_map b;
  for (int i = 0; i < 200; ++i) {
    auto x = make_entry("key-" + std::to_string(i), "v", 1 + i, 1);
    a.merge(x);
    b.merge(x);
  }
  BOOST_TEST((a.summary() == b.summary()));
  BOOST_TEST(a.entries_differing_from(b.summary()).empty());
  b.merge(make_entry("key-7", "changed", 1000, 2));
  auto diff = differing_buckets(a.summary(), b.summary());
  BOOST_REQUIRE(diff.size() == 1u);
  BOOST_TEST(diff.front() == crdt_bucket_of("key-7"));
  auto to_send = b.entries_differing_from(a.summary());
  BOOST_TEST(to_send.size() < 20u); // about 200 / 64 keys share the bucket
  BOOST_TEST(std::any_of(to_send.begin(), to_send.end(),
                         [](const auto& x) { return x.key == "key-7"; }));
  for (const auto& x : to_send)
    a.merge(x);
  BOOST_TEST((a.summary() == b.summary()));
  BOOST_TEST(a.digest() == b.digest());
}

BOOST_AUTO_TEST_CASE(the_digest_covers_tombstones_writers_and_versions) {
  crdt_map a;
  crdt_map b;
  a.merge(make_entry("k", "v", 3, 1));
  b.merge(make_entry("k", "v", 3, 2));
  BOOST_TEST(a.digest() != b.digest());
  crdt_map c;
  crdt_map d;
  c.merge(make_entry("k", "", 3, 1, true));
  BOOST_TEST(c.digest() != d.digest());
  BOOST_TEST((c.summary() != d.summary()));
}
