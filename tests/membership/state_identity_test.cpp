#define BOOST_TEST_MODULE membership.state_identity
#include <boost/test/unit_test.hpp>

#include <array>
#include <filesystem>
#include <fstream>

#include <stdlib.h>

#include "swarm/membership/state_identity.hpp"

using namespace swarm::membership;
namespace fs = std::filesystem;

namespace {

struct temp_dir {
  fs::path path;
  temp_dir() {
    char tmpl[] = "/tmp/swarm-identity-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~temp_dir() {
    fs::remove_all(path);
  }
};

std::array<std::byte, 16> random_bytes(uint8_t fill) {
  std::array<std::byte, 16> result;
  for (size_t i = 0; i < result.size(); ++i)
    result[i] = std::byte{static_cast<uint8_t>(fill + 17 * i)};
  return result;
}

void write_text(const fs::path& p, const std::string& text) {
  std::ofstream out{p, std::ios::binary | std::ios::trunc};
  out << text;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_node_restarted_on_its_data_directory_keeps_its_uuid) {
  temp_dir dir;
  auto data = dir.path / "sn1-data";
  auto first = load_or_create_identity(data, "sn-1", random_bytes(1));
  BOOST_REQUIRE(first);
  BOOST_TEST(first->name == "sn-1");
  BOOST_TEST(first->uuid == make_uuid_v4(random_bytes(1)));
  BOOST_TEST(fs::exists(data / identity_file_name));
  // A restart draws different random bytes; the stored uuid must win.
  auto second = load_or_create_identity(data, "sn-1", random_bytes(99));
  BOOST_REQUIRE(second);
  BOOST_TEST((*second == *first));
  auto adopted = load_or_create_identity(data, "", random_bytes(5));
  BOOST_REQUIRE(adopted);
  BOOST_TEST((*adopted == *first));
}

BOOST_AUTO_TEST_CASE(different_directories_give_different_uuids) {
  temp_dir dir;
  auto a = load_or_create_identity(dir.path / "a", "sn-1", random_bytes(1));
  auto b = load_or_create_identity(dir.path / "b", "sn-2", random_bytes(2));
  BOOST_REQUIRE(a);
  BOOST_REQUIRE(b);
  BOOST_TEST(a->uuid != b->uuid);
}

BOOST_AUTO_TEST_CASE(another_node_name_on_the_same_directory_is_refused) {
  temp_dir dir;
  BOOST_REQUIRE(load_or_create_identity(dir.path, "sn-1", random_bytes(1)));
  auto other = load_or_create_identity(dir.path, "sn-2", random_bytes(1));
  BOOST_REQUIRE(!other);
  BOOST_TEST(other.error().message.find("belongs to node 'sn-1'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_corrupt_identity_file_is_an_error_naming_the_file) {
  temp_dir dir;
  auto file = dir.path / identity_file_name;
  for (std::string text : {"", "uuid=not-a-uuid\nname=x\n",
                           "uuid=00000000-0000-0000-0000-000000000000\nname=x\n",
                           "name=x\n", "uuid=0f8fad5b-d9cb-469f-a165-70867728950e\n",
                           "uuid=0f8fad5b-d9cb-469f-a165-70867728950e\nname=x\nname=y\n",
                           "uuid=0f8fad5b-d9cb-469f-a165-70867728950e\nname=x\nport=1\n",
                           "uuid=0f8fad5b-d9cb-469f-a165-70867728950e\nname=\n"}) {
    write_text(file, text);
    auto id = load_or_create_identity(dir.path, "x", random_bytes(1));
    BOOST_TEST_CONTEXT("text '" << text << "'") {
      BOOST_REQUIRE(!id);
      BOOST_TEST(id.error().message.find(file.string()) != std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(the_identity_text_round_trips_and_tolerates_comments) {
  node_identity x{make_uuid_v4(random_bytes(3)), "sl-host-7"};
  auto back = parse_identity(format_identity(x), "node.id");
  BOOST_REQUIRE(back);
  BOOST_TEST((*back == x));
  auto crlf = parse_identity("uuid=" + x.uuid.to_string() + "\r\nname=a\r\n", "f");
  BOOST_TEST(!crlf);
}

BOOST_AUTO_TEST_CASE(names_that_could_forge_lines_are_refused) {
  temp_dir dir;
  BOOST_TEST(!load_or_create_identity(dir.path, "a\nuuid=x", random_bytes(1)));
  BOOST_TEST(!load_or_create_identity(dir.path, "", random_bytes(1)));
  BOOST_TEST(!load_or_create_identity(dir.path, std::string(256, 'n'), random_bytes(1)));
  BOOST_TEST(!fs::exists(dir.path / identity_file_name));
}
