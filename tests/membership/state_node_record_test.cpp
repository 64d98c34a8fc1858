#define BOOST_TEST_MODULE membership.state_node_record
#include <boost/test/unit_test.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "swarm/membership/state_bytes.hpp"
#include "swarm/membership/state_node_record.hpp"
#include "swarm/membership/state_uuid.hpp"

using namespace swarm::membership;

namespace {

node_uuid uuid_of(const char* text) {
  auto result = parse_uuid(text);
  BOOST_REQUIRE(result);
  return *result;
}

node_record sample_sl() {
  node_record x;
  x.type = node_type::sl;
  x.host = "172.1.1.1";
  x.fs_port = 30305;
  x.name = "sl-1";
  x.uuid = uuid_of("0f8fad5b-d9cb-469f-a165-70867728950e");
  x.parent = uuid_of("7c9e6679-7425-40de-944b-e07fc1f90ae7");
  x.status = node_status::active;
  x.last_seen_ms = 1'764'150'000'123;
  return x;
}

byte_buffer encoded(const node_record& x) {
  byte_writer out;
  x.encode(out);
  return out.take();
}

std::string hex(const byte_buffer& bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string result;
  for (auto b : bytes) {
    auto v = std::to_integer<unsigned>(b);
    result += digits[v >> 4];
    result += digits[v & 15];
  }
  return result;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_node_record_of_every_type_and_status_round_trips) {
  for (auto type : {node_type::sentinel, node_type::sn, node_type::swop, node_type::sl,
                    node_type::swci}) {
    for (auto status : {node_status::active, node_status::left, node_status::dead}) {
      auto x = sample_sl();
      x.type = type;
      x.status = status;
      x.p2p_port = 30303;
      x.api_port = 65535;
      auto back = node_record::decode(encoded(x));
      BOOST_REQUIRE(back);
      BOOST_TEST((*back == x));
    }
  }
}

BOOST_AUTO_TEST_CASE(the_encoding_is_stable_byte_for_byte) {
  // Changing this layout breaks mixed-version swarms and old state files:
  // bump node_record::format_version instead.
  BOOST_TEST(hex(encoded(sample_sl()))
             == "0104093137322e312e312e3100000000617604736c2d310f8fad5bd9cb469fa1657086"
                "7728950e7c9e6679742540de944be07fc1f90ae701fbf3a2fcab33");
}

BOOST_AUTO_TEST_CASE(every_truncation_of_a_valid_record_is_rejected) {
  auto bytes = encoded(sample_sl());
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto back = node_record::decode(std::span{bytes}.first(n));
    BOOST_TEST_CONTEXT("length " << n) {
      BOOST_REQUIRE(!back);
      BOOST_TEST(back.error().code == swarm::errc::corrupt_data);
      BOOST_TEST(back.error().message.find("node record") != std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(trailing_bytes_unknown_codes_and_a_nil_uuid_are_rejected) {
  auto good = encoded(sample_sl());
  auto trailing = good;
  trailing.push_back(std::byte{0});
  BOOST_TEST(!node_record::decode(trailing));
  auto bad_version = good;
  bad_version[0] = std::byte{0};
  BOOST_TEST(!node_record::decode(bad_version));
  auto bad_type = good;
  bad_type[1] = std::byte{9};
  auto err = node_record::decode(bad_type);
  BOOST_REQUIRE(!err);
  BOOST_TEST(err.error().message.find("unknown node type 9") != std::string::npos);
  auto nil = sample_sl();
  nil.uuid = node_uuid{};
  BOOST_TEST(!node_record::decode(encoded(nil)));
  auto bad_status = encoded(sample_sl());
  bad_status[bad_status.size() - 7] = std::byte{4};
  BOOST_TEST(!node_record::decode(bad_status));
}

BOOST_AUTO_TEST_CASE(a_huge_length_prefix_is_rejected_without_allocating) {
  byte_writer out;
  out.u8(1);
  out.u8(static_cast<uint8_t>(node_type::sn));
  out.varint(uint64_t{1} << 62); // host "length"
  auto back = node_record::decode(out.bytes());
  BOOST_REQUIRE(!back);
  BOOST_TEST(back.error().message.find("limit") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_newer_format_with_extra_trailing_fields_is_accepted) {
  auto bytes = encoded(sample_sl());
  bytes[0] = std::byte{2};
  bytes.push_back(std::byte{0x2a});
  auto back = node_record::decode(bytes);
  BOOST_REQUIRE(back);
  BOOST_TEST((*back == sample_sl()));
}

BOOST_AUTO_TEST_CASE(random_garbage_never_decodes_into_a_crash) {
  uint64_t state = 12345;
  auto next = [&] {
    state = state * 6364136223846793005u + 1442695040888963407u;
    return static_cast<uint8_t>(state >> 56);
  };
  auto good = encoded(sample_sl());
  size_t accepted = 0;
  for (int round = 0; round < 20000; ++round) {
    byte_buffer bytes;
    if (round % 2 == 0) {
      bytes.resize(next() % 96);
      for (auto& b : bytes)
        b = std::byte{next()};
    } else {
      // Mutate a valid record: the interesting inputs are near-valid ones.
      bytes = good;
      for (int flips = 1 + next() % 4; flips > 0; --flips)
        bytes[next() % bytes.size()] = std::byte{next()};
    }
    auto back = node_record::decode(bytes);
    if (back) {
      ++accepted;
      // Whatever decodes must re-encode to a record that decodes the same.
      auto again = node_record::decode(encoded(*back));
      BOOST_REQUIRE(again);
      BOOST_TEST((*again == *back));
    }
  }
  BOOST_TEST(accepted < 20000u);
}

BOOST_AUTO_TEST_CASE(node_types_and_statuses_carry_hpe_names) {
  BOOST_TEST(to_string(node_type::sentinel) == "SENTINEL");
  BOOST_TEST(to_string(node_type::sn) == "SN");
  BOOST_TEST(to_string(node_type::swop) == "SWOP");
  BOOST_TEST(to_string(node_type::sl) == "SL");
  BOOST_TEST(to_string(node_status::dead) == "DEAD");
  BOOST_TEST((parse_node_type("SWOP") == node_type::swop));
  BOOST_TEST(!parse_node_type("swop"));
  BOOST_TEST((parse_node_status("LEFT") == node_status::left));
  BOOST_TEST(sample_sl().key() == "0f8fad5b-d9cb-469f-a165-70867728950e");
}

BOOST_AUTO_TEST_CASE(varints_have_exactly_one_encoding) {
  for (uint64_t v : {uint64_t{0}, uint64_t{127}, uint64_t{128}, uint64_t{300},
                     ~uint64_t{0}}) {
    byte_writer out;
    out.varint(v);
    byte_reader in{out.bytes()};
    BOOST_TEST(in.varint() == v);
    in.expect_end();
    BOOST_TEST(in.ok());
  }
  std::array overlong{std::byte{0x80}, std::byte{0x00}};
  byte_reader a{overlong};
  a.varint();
  BOOST_TEST(!a.ok());
  std::array<std::byte, 10> overflow;
  overflow.fill(std::byte{0xff});
  overflow[9] = std::byte{0x02};
  byte_reader b{overflow};
  b.varint();
  BOOST_TEST(!b.ok());
}

BOOST_AUTO_TEST_CASE(a_count_larger_than_the_input_can_hold_fails_before_allocation) {
  byte_writer out;
  out.varint(1'000'000);
  out.u32(0);
  byte_reader in{out.bytes()};
  BOOST_TEST(in.count("thing", 4) == 0u);
  BOOST_TEST(!in.ok());
  BOOST_TEST(in.failure().find("thing count 1000000") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(uuids_print_and_parse_canonically) {
  auto text = "0f8fad5b-d9cb-469f-a165-70867728950e";
  auto x = parse_uuid(text);
  BOOST_REQUIRE(x);
  BOOST_TEST(x->to_string() == text);
  BOOST_TEST(parse_uuid("0F8FAD5B-D9CB-469F-A165-70867728950E")->to_string() == text);
  BOOST_TEST(!parse_uuid("0f8fad5b-d9cb-469f-a165-70867728950"));
  BOOST_TEST(!parse_uuid("0f8fad5bxd9cb-469f-a165-70867728950e"));
  BOOST_TEST(!parse_uuid("0f8fad5b-d9cb-469f-a165-70867728950g"));
  std::array<std::byte, 16> ones;
  ones.fill(std::byte{0xff});
  auto v4 = make_uuid_v4(ones);
  BOOST_TEST(v4.to_string() == "ffffffff-ffff-4fff-bfff-ffffffffffff");
  std::array<std::byte, 16> zeros{};
  BOOST_TEST(!make_uuid_v4(zeros).is_nil());
}
