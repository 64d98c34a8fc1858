#define BOOST_TEST_MODULE membership.state_file
#include <boost/test/unit_test.hpp>

#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <stdlib.h>
#include <sys/resource.h>

#include "swarm/common/sha256.hpp"
#include "swarm/membership/state_file.hpp"

using namespace swarm::membership;
namespace fs = std::filesystem;

namespace {

struct temp_dir {
  fs::path path;
  temp_dir() {
    char tmpl[] = "/tmp/swarm-state-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~temp_dir() {
    fs::remove_all(path);
  }
};

byte_buffer read_all(const fs::path& p) {
  std::ifstream in{p, std::ios::binary};
  std::ostringstream out;
  out << in.rdbuf();
  auto text = out.str();
  auto span = as_byte_span(text);
  return {span.begin(), span.end()};
}

void write_all(const fs::path& p, const byte_buffer& bytes) {
  std::ofstream out{p, std::ios::binary | std::ios::trunc};
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

node_uuid uuid_n(uint32_t n) {
  std::array<std::byte, 16> bytes{};
  for (int i = 0; i < 4; ++i)
    bytes[12 + i] = std::byte{static_cast<uint8_t>(n >> (8 * i))};
  return make_uuid_v4(bytes);
}

swarm_state sample_state(uint32_t nodes) {
  swarm_state s;
  for (uint32_t n = 1; n <= nodes; ++n) {
    node_record x;
    x.type = n == 1 ? node_type::sentinel : node_type::sl;
    x.host = "10.0.0." + std::to_string(n % 250);
    x.name = "node-" + std::to_string(n);
    x.uuid = uuid_n(n);
    x.parent = n == 1 ? node_uuid{} : uuid_n(1);
    x.last_seen_ms = 1'000'000 + n;
    BOOST_REQUIRE(s.nodes().put(x, uuid_n(n % 3 + 1)));
  }
  BOOST_REQUIRE(s.nodes().erase(uuid_n(2).to_string(), uuid_n(1)));
  return s;
}

// Rewraps `body` in a valid envelope, so body checks are reached.
byte_buffer with_envelope(const byte_writer& body) {
  byte_writer out;
  out.raw(std::as_bytes(std::span{state_file_magic}));
  out.u32(state_file_version);
  out.u64(body.bytes().size());
  out.raw(body.bytes());
  auto digest = swarm::sha256_of(out.bytes().data(), out.bytes().size());
  out.raw(std::as_bytes(std::span{digest}));
  return out.take();
}

} // namespace

BOOST_AUTO_TEST_CASE(a_saved_state_loads_back_with_the_same_entries_and_clocks) {
  temp_dir dir;
  auto s = sample_state(25);
  BOOST_REQUIRE(save_state(dir.path, s));
  auto back = load_state(dir.path);
  BOOST_REQUIRE(back);
  BOOST_TEST(same_contents(*back, s));
  BOOST_TEST(back->entry_count() == 25u);
  BOOST_TEST(back->find_map("nodes")->clock() == s.find_map("nodes")->clock());
  BOOST_TEST(back->nodes().get(uuid_n(7).to_string())->name == "node-7");
  BOOST_TEST(!back->nodes().contains(uuid_n(2).to_string()));
  BOOST_TEST(((fs::status(dir.path / state_file_name).permissions() & fs::perms::all)
              == (fs::perms::owner_read | fs::perms::owner_write)));
}

BOOST_AUTO_TEST_CASE(a_missing_state_file_means_a_fresh_empty_state) {
  temp_dir dir;
  auto s = load_state(dir.path / "not-yet");
  BOOST_REQUIRE(s);
  BOOST_TEST(s->entry_count() == 0u);
}

BOOST_AUTO_TEST_CASE(a_flipped_byte_anywhere_is_detected_and_names_the_file) {
  temp_dir dir;
  BOOST_REQUIRE(save_state(dir.path, sample_state(5)));
  auto file = dir.path / state_file_name;
  auto good = read_all(file);
  // Every position in memory; a few through the file system.
  for (size_t i = 0; i < good.size(); ++i) {
    auto bad = good;
    bad[i] ^= std::byte{0x20};
    auto s = parse_state(bad, file.string());
    BOOST_TEST_CONTEXT("byte " << i) {
      BOOST_REQUIRE(!s);
      BOOST_TEST(s.error().message.find(file.string()) != std::string::npos);
    }
  }
  for (size_t i : {size_t{0}, size_t{9}, size_t{15}, good.size() / 2, good.size() - 1}) {
    auto bad = good;
    bad[i] ^= std::byte{0x01};
    write_all(file, bad);
    auto s = load_state(dir.path);
    BOOST_TEST_CONTEXT("byte " << i) {
      BOOST_REQUIRE(!s);
      BOOST_TEST(s.error().message.find(file.string()) != std::string::npos);
    }
  }
  write_all(file, good);
  BOOST_TEST(bool(load_state(dir.path)));
}

BOOST_AUTO_TEST_CASE(a_truncated_state_file_is_rejected_with_its_name) {
  temp_dir dir;
  BOOST_REQUIRE(save_state(dir.path, sample_state(5)));
  auto file = dir.path / state_file_name;
  auto good = read_all(file);
  for (size_t n : {size_t{0}, size_t{7}, size_t{30}, good.size() / 2, good.size() - 1}) {
    write_all(file, byte_buffer(good.begin(), good.begin() + static_cast<ptrdiff_t>(n)));
    auto s = load_state(dir.path);
    BOOST_TEST_CONTEXT("length " << n) {
      BOOST_REQUIRE(!s);
      BOOST_TEST(s.error().code == swarm::errc::corrupt_data);
      BOOST_TEST(s.error().message.find(file.string()) != std::string::npos);
      BOOST_TEST_MESSAGE(s.error().message);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_checksum_mismatch_is_reported_as_such) {
  auto image = encode_state(sample_state(3));
  image[image.size() - 40] ^= std::byte{1};
  auto s = parse_state(image, "snap.bin");
  BOOST_REQUIRE(!s);
  BOOST_TEST(s.error().code == swarm::errc::checksum_mismatch);
  BOOST_TEST(s.error().message.rfind("snap.bin: ", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(a_failed_save_leaves_the_old_file_intact) {
  temp_dir dir;
  auto old_state = sample_state(3);
  BOOST_REQUIRE(save_state(dir.path, old_state));
  auto file = dir.path / state_file_name;
  auto old_bytes = read_all(file);
  // Cap the file size so the write fails midway (works as root, unlike
  // read-only permissions); SIGXFSZ would otherwise kill the test.
  auto big = sample_state(2000);
  auto previous_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit old_limit{};
  ::getrlimit(RLIMIT_FSIZE, &old_limit);
  rlimit small = old_limit;
  small.rlim_cur = 4096;
  BOOST_REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
  auto saved = save_state(dir.path, big);
  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  std::signal(SIGXFSZ, previous_handler);
  BOOST_REQUIRE(!saved);
  BOOST_TEST_MESSAGE(saved.error().to_string());
  BOOST_TEST((read_all(file) == old_bytes));
  auto back = load_state(dir.path);
  BOOST_REQUIRE(back);
  BOOST_TEST(same_contents(*back, old_state));
  BOOST_TEST(std::distance(fs::directory_iterator{dir.path}, fs::directory_iterator{}) == 1);
}

BOOST_AUTO_TEST_CASE(bodies_with_valid_checksums_are_still_checked) {
  auto expect_rejected = [](const byte_writer& body, const std::string& why) {
    auto s = parse_state(with_envelope(body), "f");
    BOOST_TEST_CONTEXT(why) {
      BOOST_REQUIRE(!s);
      BOOST_TEST(s.error().message.find(why) != std::string::npos);
    }
  };
  byte_writer unknown;
  unknown.varint(1);
  unknown.string("gossip-from-the-future");
  unknown.varint(0);
  unknown.varint(0);
  expect_rejected(unknown, "unknown map");
  byte_writer twice;
  twice.varint(2);
  for (int i = 0; i < 2; ++i) {
    twice.string("nodes");
    twice.varint(0);
    twice.varint(0);
  }
  expect_rejected(twice, "appears twice");
  auto s = sample_state(3);
  byte_writer unordered;
  unordered.varint(1);
  unordered.string("nodes");
  unordered.varint(10);
  unordered.varint(2);
  std::vector<crdt_entry> entries;
  for (const auto& [key, x] : s.find_map("nodes")->entries())
    entries.push_back(x);
  encode_entry(unordered, entries[1]);
  encode_entry(unordered, entries[0]);
  expect_rejected(unordered, "out of order");
  byte_writer trailing;
  trailing.varint(0);
  trailing.u8(0);
  expect_rejected(trailing, "trailing");
  byte_writer empty;
  empty.varint(0);
  BOOST_TEST(bool(parse_state(with_envelope(empty))));
}

BOOST_AUTO_TEST_CASE(a_file_of_another_format_version_is_refused) {
  auto image = encode_state(sample_state(1));
  image[8] = std::byte{2};
  auto s = parse_state(image, "f");
  BOOST_REQUIRE(!s);
  BOOST_TEST(s.error().message.find("format version 2") != std::string::npos);
  image[0] = std::byte{'X'};
  BOOST_TEST(parse_state(image, "f").error().message.find("bad magic") != std::string::npos);
}
