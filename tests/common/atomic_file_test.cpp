#define BOOST_TEST_MODULE common.atomic_file
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <sys/stat.h>

#include "swarm/common/atomic_file.hpp"
#include "swarm/common/sha256.hpp"

namespace fs = std::filesystem;

namespace {

struct temp_dir {
  fs::path path;
  temp_dir() {
    char tmpl[] = "/tmp/swarm-atomic-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~temp_dir() {
    fs::remove_all(path);
  }
};

std::string read_all(const fs::path& p) {
  std::ifstream in{p, std::ios::binary};
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::span<const std::byte> bytes_of(const std::string& s) {
  return std::as_bytes(std::span{s.data(), s.size()});
}

size_t entries_in(const fs::path& dir) {
  return static_cast<size_t>(std::distance(fs::directory_iterator{dir}, fs::directory_iterator{}));
}

} // namespace

BOOST_AUTO_TEST_CASE(a_written_file_has_the_content_and_the_requested_mode) {
  temp_dir dir;
  auto file = dir.path / "key.pem";
  BOOST_REQUIRE(swarm::write_file_atomically(file, bytes_of("secret"), 0600));
  BOOST_TEST(read_all(file) == "secret");
  struct stat st{};
  BOOST_REQUIRE(::stat(file.c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0600u);
  BOOST_TEST(entries_in(dir.path) == 1u);
}

BOOST_AUTO_TEST_CASE(an_aborted_write_leaves_the_old_file_and_no_temporary) {
  temp_dir dir;
  auto file = dir.path / "model.safetensors";
  BOOST_REQUIRE(swarm::write_file_atomically(file, bytes_of("old")));
  auto st = swarm::write_file_atomically(file, [](const swarm::byte_sink& sink) {
    sink("new-but-partial", 15);
    return false; // the producer fails midway
  });
  BOOST_REQUIRE(!st);
  BOOST_TEST(st.error().message.find("model.safetensors") != std::string::npos);
  BOOST_TEST(read_all(file) == "old");
  BOOST_TEST(entries_in(dir.path) == 1u);
}

BOOST_AUTO_TEST_CASE(writing_into_a_missing_directory_is_an_error_naming_the_path) {
  temp_dir dir;
  auto st = swarm::write_file_atomically(dir.path / "no" / "such" / "f", bytes_of("x"));
  BOOST_REQUIRE(!st);
  BOOST_TEST(st.error().code == swarm::errc::io_error);
  BOOST_TEST(st.error().message.find("no/such/f") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(sha256_matches_the_fips_test_vector) {
  std::string abc = "abc";
  BOOST_TEST(swarm::to_hex(swarm::sha256_of(abc.data(), abc.size()))
             == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  swarm::sha256 incremental;
  incremental.update("a", 1);
  incremental.update("bc", 2);
  BOOST_TEST(swarm::to_hex(incremental.finish())
             == swarm::to_hex(swarm::sha256_of(abc.data(), abc.size())));
}
