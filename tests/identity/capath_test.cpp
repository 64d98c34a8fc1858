#define BOOST_TEST_MODULE identity.capath
#include <boost/test/unit_test.hpp>

#include <map>
#include <set>

#include "pki_fixture.hpp"
#include "swarm/identity/capath.hpp"

using namespace fixture;
using namespace swarm::identity;

namespace {

// name -> target of every symbolic link in `dir`.
std::map<std::string, std::string> links_in(const fs::path& dir) {
  std::map<std::string, std::string> result;
  for (const auto& entry : fs::directory_iterator{dir})
    if (entry.is_symlink())
      result[entry.path().filename().string()] = fs::read_symlink(entry.path()).string();
  return result;
}

bool is_hash_name(const std::string& name, const std::string& suffix) {
  return name.size() == 8 + suffix.size() && name.ends_with(suffix)
         && name.find_first_not_of("0123456789abcdef") == 8;
}

} // namespace

BOOST_AUTO_TEST_CASE(rehash_links_each_distinct_certificate_once) {
  temp_dir tmp;
  auto ca1 = make_ca("CA-1");
  auto ca2 = make_ca("CA-2");
  write_text(tmp.path / "ca-1-cert.pem", ca1.cert_pem);
  write_text(tmp.path / "ca-2-cert.pem", ca2.cert_pem);
  write_text(tmp.path / "copy-of-ca-1.crt", ca1.cert_pem);
  auto n = rehash_capath(tmp.path);
  BOOST_REQUIRE_MESSAGE(n, why(n));
  BOOST_TEST(*n == 2u);
  auto links = links_in(tmp.path);
  BOOST_REQUIRE(links.size() == 2u);
  std::set<std::string> targets;
  for (const auto& [name, target] : links) {
    BOOST_TEST(is_hash_name(name, ".0"), name);
    targets.insert(target);
  }
  // Sorted by name, so the first of two identical files wins.
  BOOST_TEST(targets == (std::set<std::string>{"ca-1-cert.pem", "ca-2-cert.pem"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(rehash_numbers_certificates_whose_subjects_hash_alike) {
  temp_dir tmp;
  // Same subject, different keys: a CA that was regenerated.
  write_text(tmp.path / "a.pem", make_ca("CA-1").cert_pem);
  write_text(tmp.path / "b.pem", make_ca("CA-1").cert_pem);
  BOOST_REQUIRE(rehash_capath(tmp.path));
  auto links = links_in(tmp.path);
  BOOST_REQUIRE(links.size() == 2u);
  auto first = links.begin();
  auto second = std::next(first);
  BOOST_TEST(is_hash_name(first->first, ".0"));
  BOOST_TEST(second->first == first->first.substr(0, 8) + ".1");
}

BOOST_AUTO_TEST_CASE(rehash_removes_links_to_certificates_that_are_gone) {
  temp_dir tmp;
  write_text(tmp.path / "ca-1-cert.pem", make_ca("CA-1").cert_pem);
  write_text(tmp.path / "ca-2-cert.pem", make_ca("CA-2").cert_pem);
  BOOST_REQUIRE(rehash_capath(tmp.path));
  fs::remove(tmp.path / "ca-2-cert.pem");
  fs::create_symlink("nowhere.pem", tmp.path / "0badbeef.0");
  auto n = rehash_capath(tmp.path);
  BOOST_REQUIRE(n);
  BOOST_TEST(*n == 1u);
  auto links = links_in(tmp.path);
  BOOST_REQUIRE(links.size() == 1u);
  BOOST_TEST(links.begin()->second == "ca-1-cert.pem");
}

BOOST_AUTO_TEST_CASE(rehash_is_idempotent_and_keeps_correct_links) {
  temp_dir tmp;
  write_text(tmp.path / "ca-1-cert.pem", make_ca("CA-1").cert_pem);
  BOOST_REQUIRE(rehash_capath(tmp.path));
  auto before = links_in(tmp.path);
  auto n = rehash_capath(tmp.path);
  BOOST_REQUIRE(n);
  BOOST_TEST(*n == 1u);
  BOOST_TEST(links_in(tmp.path) == before);
  // No temporary link is left behind.
  size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator{tmp.path})
    ++entries;
  BOOST_TEST(entries == 2u);
}

BOOST_AUTO_TEST_CASE(rehash_skips_files_without_exactly_one_certificate) {
  temp_dir tmp;
  auto ca1 = make_ca("CA-1");
  write_text(tmp.path / "bundle.pem", ca1.cert_pem + make_ca("CA-2").cert_pem);
  write_text(tmp.path / "garbage.pem", "not a certificate\n");
  write_text(tmp.path / "README", ca1.cert_pem);
  auto n = rehash_capath(tmp.path);
  BOOST_REQUIRE(n);
  BOOST_TEST(*n == 0u);
  BOOST_TEST(links_in(tmp.path).empty());
}

BOOST_AUTO_TEST_CASE(rehash_leaves_regular_files_with_hash_names_alone) {
  temp_dir tmp;
  auto ca = make_ca("CA-1");
  write_text(tmp.path / "ca-1-cert.pem", ca.cert_pem);
  BOOST_REQUIRE(rehash_capath(tmp.path));
  auto name = links_in(tmp.path).begin()->first;
  // A user copied the certificate under its hash name, as older guides say.
  fs::remove(tmp.path / name);
  write_text(tmp.path / name, ca.cert_pem);
  write_text(tmp.path / "ca-2-cert.pem", make_ca("CA-1").cert_pem);
  BOOST_REQUIRE(rehash_capath(tmp.path));
  BOOST_TEST(fs::is_regular_file(fs::symlink_status(tmp.path / name)));
  BOOST_TEST(read_text(tmp.path / name) == ca.cert_pem);
}

BOOST_AUTO_TEST_CASE(rehash_of_a_missing_directory_names_it) {
  temp_dir tmp;
  auto n = rehash_capath(tmp.path / "nope");
  BOOST_REQUIRE(!n);
  BOOST_TEST(failure_in(n.error()) == failure::file_missing);
  BOOST_TEST(n.error().message.find("nope") != std::string::npos);
}
