#define BOOST_TEST_MODULE membership.state_round_record
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "swarm/membership/state_round_record.hpp"
#include "swarm/membership/state_swarm.hpp"
#include "swarm/membership/state_sync.hpp"

using namespace swarm::membership;

namespace {

node_uuid uuid_n(uint8_t n) {
  std::array<std::byte, 16> bytes{};
  bytes[15] = std::byte{n};
  return make_uuid_v4(bytes);
}

round_participant participant(std::string name, uint64_t samples) {
  return {std::move(name), 0.5, samples, 0.25f, 0.875f, 2, 5, false};
}

round_record sample_round(uint64_t round = 1) {
  round_record x;
  x.contract = "defaultbb.cqdb.sml.hpe";
  x.round = round;
  x.term = 3;
  x.leader = "sl-1";
  x.merge_method = "mean";
  x.participants = {participant("sl-1", 30000), participant("sl-2", 29000)};
  x.merged_digest.fill(static_cast<uint8_t>(0xa0 + round));
  x.committed_ms = 1'764'150'000'000 + round;
  return x;
}

byte_buffer encoded(const round_record& x) {
  byte_writer out;
  x.encode(out);
  return out.take();
}

// Returns rounds 1..n of one contract, correctly chained.
std::vector<round_record> chain(uint64_t n) {
  std::vector<round_record> result;
  for (uint64_t r = 1; r <= n; ++r) {
    auto x = sample_round(r);
    if (r > 1)
      x.prev_hash = record_hash(result.back());
    result.push_back(x);
  }
  return result;
}

// Expects `x` to encode fine but fail to decode with `what` in the message.
void expect_rejected(const round_record& x, const std::string& what) {
  BOOST_TEST_CONTEXT(what) {
    BOOST_TEST(!x.check());
    auto back = round_record::decode(encoded(x));
    BOOST_REQUIRE(!back);
    BOOST_TEST(back.error().code == swarm::errc::corrupt_data);
    BOOST_TEST(back.error().message.find(what) != std::string::npos, back.error().message);
  }
}

} // namespace

BOOST_AUTO_TEST_CASE(a_round_record_round_trips_with_every_field) {
  auto x = sample_round(7);
  x.term = ~uint64_t{0};
  x.final = true;
  x.prev_hash.fill(0x11);
  x.participants[1].done = true;
  x.participants[1].weight = 1e-300;
  x.participants[1].loss = std::numeric_limits<float>::infinity();
  x.participants[1].epochs_done = 0xffffffffu;
  auto back = round_record::decode(encoded(x));
  BOOST_REQUIRE(back);
  BOOST_TEST((*back == x));
  BOOST_TEST(static_cast<bool>(x.check()));
}

BOOST_AUTO_TEST_CASE(floats_travel_as_raw_bits_so_a_nan_loss_survives) {
  auto x = sample_round();
  x.participants[0].metric = std::numeric_limits<float>::quiet_NaN();
  auto back = round_record::decode(encoded(x));
  BOOST_REQUIRE(back);
  BOOST_TEST(std::isnan(back->participants[0].metric));
  BOOST_TEST((encoded(*back) == encoded(x)));
}

BOOST_AUTO_TEST_CASE(keys_pad_the_round_to_twenty_digits_and_sort_by_round) {
  BOOST_TEST(sample_round(7).key() == "defaultbb.cqdb.sml.hpe/00000000000000000007");
  BOOST_TEST(sample_round(9).key() < sample_round(10).key());
  auto last = sample_round(~uint64_t{0});
  BOOST_TEST(last.key() == "defaultbb.cqdb.sml.hpe/18446744073709551615");
}

BOOST_AUTO_TEST_CASE(every_truncation_and_trailing_bytes_are_rejected) {
  auto bytes = encoded(sample_round(3));
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto back = round_record::decode(std::span{bytes}.first(n));
    BOOST_TEST_CONTEXT("length " << n) {
      BOOST_REQUIRE(!back);
      BOOST_TEST(back.error().message.find("round record") != std::string::npos);
    }
  }
  bytes.push_back(std::byte{0});
  BOOST_TEST(!round_record::decode(bytes));
}

BOOST_AUTO_TEST_CASE(a_newer_format_with_extra_trailing_fields_is_accepted) {
  auto bytes = encoded(sample_round(2));
  bytes[0] = std::byte{2};
  bytes.push_back(std::byte{0x2a});
  auto back = round_record::decode(bytes);
  BOOST_REQUIRE(back);
  BOOST_TEST((*back == sample_round(2)));
  bytes[0] = std::byte{0};
  BOOST_TEST(!round_record::decode(bytes));
}

BOOST_AUTO_TEST_CASE(invalid_fields_are_rejected_by_check_and_decode) {
  using mutation = std::function<void(round_record&)>;
  std::vector<std::pair<mutation, std::string>> cases{
    {[](round_record& x) { x.contract.clear(); }, "contract is empty"},
    {[](round_record& x) { x.contract.assign(256, 'c'); }, "contract"},
    {[](round_record& x) { x.round = 0; }, "rounds start at 1"},
    {[](round_record& x) { x.leader.clear(); }, "leader is empty"},
    {[](round_record& x) { x.merge_method.clear(); }, "merge method is empty"},
    {[](round_record& x) { x.merge_method.assign(300, 'm'); }, "merge method"},
    {[](round_record& x) { x.participants.clear(); }, "0 participants"},
    {[](round_record& x) { x.participants[1].name = "sl-1"; }, "'sl-1' appears twice"},
    {[](round_record& x) { x.participants[0].name.clear(); }, "participant name"},
    {[](round_record& x) { x.participants[0].weight = NAN; }, "weight"},
    {[](round_record& x) { x.participants[0].weight = INFINITY; }, "weight"},
    {[](round_record& x) { x.participants[0].weight = -1.0; }, "weight"},
  };
  for (const auto& [mutate, what] : cases) {
    auto x = sample_round(4);
    mutate(x);
    expect_rejected(x, what);
  }
}

BOOST_AUTO_TEST_CASE(too_many_participants_and_bad_bools_are_rejected) {
  auto x = sample_round();
  x.participants.clear();
  for (size_t i = 0; i <= round_record_max_participants; ++i)
    x.participants.push_back(participant("sl-" + std::to_string(i), i));
  expect_rejected(x, "1025 participants");
  x.participants.pop_back();
  BOOST_TEST(static_cast<bool>(round_record::decode(encoded(x))));
  auto bytes = encoded(sample_round());
  // `final` is the byte just before the committed_ms varint, which ends it.
  byte_writer committed;
  committed.varint(sample_round().committed_ms);
  bytes[bytes.size() - committed.bytes().size() - 1] = std::byte{2};
  auto back = round_record::decode(bytes);
  BOOST_REQUIRE(!back);
  BOOST_TEST(back.error().message.find("final is 2") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_huge_participant_count_fails_before_allocating) {
  byte_writer out;
  out.u8(1);
  out.string("c");
  out.varint(1);
  out.varint(1);
  out.string("l");
  out.string("mean");
  out.varint(uint64_t{1} << 40);
  auto back = round_record::decode(out.bytes());
  BOOST_REQUIRE(!back);
  BOOST_TEST(back.error().message.find("participant count") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_hash_chain_holds_and_detects_a_tampered_record) {
  auto rounds = chain(4);
  BOOST_TEST(static_cast<bool>(check_chain(rounds)));
  // Gaps are not errors: round 3 may not have arrived yet.
  std::vector<round_record> gap{rounds[0], rounds[1], rounds[3]};
  BOOST_TEST(static_cast<bool>(check_chain(gap)));
  // Tampering with round 2 (a participant's loss) breaks round 3's link.
  auto tampered = rounds;
  tampered[1].participants[0].loss = 0.01f;
  auto st = check_chain(tampered);
  BOOST_REQUIRE(!st);
  BOOST_TEST(st.error().code == swarm::errc::checksum_mismatch);
  BOOST_TEST(st.error().message.find("contract 'defaultbb.cqdb.sml.hpe' round 3")
               != std::string::npos, st.error().message);
  auto bad_first = rounds;
  bad_first[0].prev_hash[0] = 1;
  BOOST_TEST(!check_chain(std::span{bad_first}.first(1)));
  std::vector<round_record> unordered{rounds[1], rounds[0]};
  BOOST_TEST(check_chain(unordered).error().code == swarm::errc::invalid_argument);
  // Another contract starts its own chain.
  auto other = chain(2);
  for (auto& x : other)
    x.contract = "other";
  other[1].prev_hash = record_hash(other[0]);
  std::vector<round_record> both{rounds[0], rounds[1], other[0], other[1]};
  BOOST_TEST(static_cast<bool>(check_chain(both)));
  BOOST_TEST(record_hash(rounds[0]) != record_hash(rounds[1]));
}

BOOST_AUTO_TEST_CASE(round_records_merge_through_the_swarm_state_like_any_map) {
  swarm_state a;
  swarm_state b;
  auto rounds = chain(3);
  std::vector<state_update> from_a;
  for (const auto& x : rounds) {
    auto entry = a.map_of<round_record>().put(x, uuid_n(1));
    BOOST_REQUIRE(entry);
    from_a.push_back({std::string{round_record::map_name}, *entry});
  }
  auto news = b.merge_all(from_a);
  BOOST_REQUIRE(news);
  BOOST_TEST(news->size() == 3u);
  BOOST_TEST(same_contents(a, b));
  std::vector<round_record> seen;
  b.map_of<round_record>().for_each([&](const round_record& x) { seen.push_back(x); });
  BOOST_TEST((seen == rounds));
  BOOST_TEST(static_cast<bool>(check_chain(seen)));
  // A value that is no round record, or sits under the wrong key, is refused.
  auto wrong_key = from_a[0];
  wrong_key.entry.key = sample_round(2).key();
  BOOST_TEST(!b.merge(wrong_key));
  auto garbage = from_a[0];
  garbage.entry.value = byte_buffer(5, std::byte{0xff});
  BOOST_TEST(!b.merge(garbage));
  // Anti-entropy: a fresh state catches up from a summary exchange.
  swarm_state c;
  auto delta = delta_for(b, summarize(c));
  BOOST_REQUIRE(c.merge_all(delta));
  BOOST_TEST(same_contents(b, c));
}
