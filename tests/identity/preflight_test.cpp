#define BOOST_TEST_MODULE identity.preflight
#include <boost/test/unit_test.hpp>

#include "pki_fixture.hpp"
#include "swarm/identity/capath.hpp"
#include "swarm/identity/certificate.hpp"
#include "swarm/identity/preflight.hpp"

using namespace fixture;
using namespace swarm::identity;

namespace {

// A node's files: CA-1 in capath/, SN-1's key and certificate beside it.
struct node_files {
  temp_dir tmp;
  key_and_cert ca = make_ca("CA-1");
  key_and_cert leaf = make_leaf(ca, "SN-1", -day, 30 * day, {"DNS:node1.example"});
  identity_files files;

  node_files() {
    files.key = tmp.path / "sn-1-key.pem";
    files.cert = tmp.path / "sn-1-cert.pem";
    files.capath = tmp.path / "capath";
    write_text(files.key, leaf.key_pem, 0600);
    write_text(files.cert, leaf.cert_pem);
    write_text(files.capath / "ca-1-cert.pem", ca.cert_pem);
    BOOST_REQUIRE(rehash_capath(files.capath));
  }
};

// Checks that `files` fail with `want` and that the message mentions
// `mention` (the file at fault, or the date).
void expect_failure(const identity_files& files, failure want, const std::string& mention,
                    clock::time_point now = clock::now()) {
  auto result = check_identity(files, now);
  BOOST_REQUIRE_MESSAGE(!result, "expected " << want << ", but the check passed");
  BOOST_TEST(failure_in(result.error()) == want, result.error().message);
  BOOST_TEST(result.error().message.find(mention) != std::string::npos,
             "\"" << result.error().message << "\" should mention \"" << mention << "\"");
}

std::string year_of(clock::time_point t) {
  return format_time(t).substr(0, 4);
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(preflight, node_files)

BOOST_AUTO_TEST_CASE(a_good_identity_passes_and_yields_its_names) {
  auto id = check_identity(files, clock::now());
  BOOST_REQUIRE_MESSAGE(id, why(id));
  BOOST_TEST(id->names == (std::vector<std::string>{"SN-1", "node1.example"}),
             boost::test_tools::per_element());
  BOOST_TEST(id->cert.common_name() == "SN-1");
  BOOST_TEST(id->trust.size() == 1u);
  BOOST_TEST(id->warnings.empty());
  BOOST_TEST(id->key.matches(id->cert));
}

BOOST_AUTO_TEST_CASE(a_missing_key_or_certificate_is_named) {
  auto f = files;
  f.key = tmp.path / "absent-key.pem";
  expect_failure(f, failure::file_missing, "absent-key.pem");
  f = files;
  f.cert = tmp.path / "absent-cert.pem";
  expect_failure(f, failure::file_missing, "absent-cert.pem");
  f = files;
  f.key.clear();
  expect_failure(f, failure::file_missing, "--key");
}

BOOST_AUTO_TEST_CASE(an_unreadable_key_is_named) {
  auto f = files;
  // Root reads any file regardless of mode, so a directory stands in.
  f.key = tmp.path / "a-directory";
  fs::create_directory(f.key);
  expect_failure(f, failure::file_unreadable, "a-directory");
  if (::geteuid() != 0) {
    ::chmod(files.key.c_str(), 0);
    expect_failure(files, failure::file_unreadable, files.key.string());
  }
}

BOOST_AUTO_TEST_CASE(files_that_are_not_pem_are_named) {
  write_text(files.key, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 not a PEM key\n", 0600);
  expect_failure(files, failure::not_pem, files.key.string());
  write_text(files.key, leaf.key_pem, 0600);
  write_text(files.cert, "hello\n");
  expect_failure(files, failure::not_pem, files.cert.string());
}

BOOST_AUTO_TEST_CASE(pem_files_with_corrupt_content_are_named) {
  auto cert = leaf.cert_pem;
  cert[40] = cert[40] == 'A' ? 'B' : 'A';
  cert.insert(60, "!!");
  write_text(files.cert, cert);
  expect_failure(files, failure::malformed, files.cert.string());
  write_text(files.cert, leaf.cert_pem);
  write_text(files.key, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", 0600);
  expect_failure(files, failure::malformed, files.key.string());
}

BOOST_AUTO_TEST_CASE(an_encrypted_key_needs_the_right_passphrase) {
  auto encrypted = encrypt_key(leaf.key_pem, "s3cret");
  BOOST_REQUIRE(encrypted);
  write_text(files.key, *encrypted, 0600);
  expect_failure(files, failure::passphrase_required, files.key.string());
  auto f = files;
  f.passphrase = "wrong";
  expect_failure(f, failure::wrong_passphrase, files.key.string());
  f.passphrase = "s3cret";
  auto id = check_identity(f, clock::now());
  BOOST_TEST(static_cast<bool>(id), why(id));
}

BOOST_AUTO_TEST_CASE(a_key_of_another_certificate_is_refused) {
  auto other = make_leaf(ca, "SN-1");
  write_text(files.key, other.key_pem, 0600);
  expect_failure(files, failure::key_mismatch, files.key.string());
}

BOOST_AUTO_TEST_CASE(an_expired_certificate_is_refused_saying_when) {
  auto old = make_leaf(ca, "SN-1", -60 * day, -30 * day);
  write_text(files.key, old.key_pem, 0600);
  write_text(files.cert, old.cert_pem);
  expect_failure(files, failure::expired, year_of(clock::now() - 30 * day));
  expect_failure(files, failure::expired, files.cert.string());
}

BOOST_AUTO_TEST_CASE(a_certificate_is_judged_at_the_given_time) {
  expect_failure(files, failure::expired, "expired", clock::now() + 31 * day);
  expect_failure(files, failure::not_yet_valid, "valid from", clock::now() - 2 * day);
}

BOOST_AUTO_TEST_CASE(a_not_yet_valid_certificate_is_refused_saying_when) {
  auto future = make_leaf(ca, "SN-1", 400 * day, 800 * day);
  write_text(files.key, future.key_pem, 0600);
  write_text(files.cert, future.cert_pem);
  expect_failure(files, failure::not_yet_valid, year_of(clock::now() + 400 * day));
}

BOOST_AUTO_TEST_CASE(a_certificate_from_an_unknown_ca_is_untrusted) {
  auto rogue = make_leaf(make_ca("CA-1"), "SN-1");
  write_text(files.key, rogue.key_pem, 0600);
  write_text(files.cert, rogue.cert_pem);
  expect_failure(files, failure::untrusted, files.cert.string());
}

BOOST_AUTO_TEST_CASE(an_expired_ca_makes_its_leaves_untrusted) {
  auto old_ca = *swarm::identity::make_ca(spec("CA-1", -90 * day, -day, {"DNS:CA-1"}));
  auto leaf_of_old = make_leaf(old_ca, "SN-1");
  write_text(files.key, leaf_of_old.key_pem, 0600);
  write_text(files.cert, leaf_of_old.cert_pem);
  write_text(files.capath / "ca-1-cert.pem", old_ca.cert_pem);
  BOOST_REQUIRE(rehash_capath(files.capath));
  expect_failure(files, failure::untrusted, "expired");
}

BOOST_AUTO_TEST_CASE(a_missing_or_empty_trust_store_is_refused) {
  auto f = files;
  f.capath = tmp.path / "no-such-capath";
  expect_failure(f, failure::file_missing, "no-such-capath");
  f.capath = tmp.path / "empty-capath";
  fs::create_directory(f.capath);
  expect_failure(f, failure::empty_trust_store, "empty-capath");
  // A capath holding only leaf certificates has no CA either.
  write_text(f.capath / "sn-1-cert.pem", leaf.cert_pem);
  expect_failure(f, failure::empty_trust_store, "empty-capath");
  f.capath.clear();
  expect_failure(f, failure::no_trust_store, "--capath");
  f.cacert = tmp.path / "no-such-ca.pem";
  expect_failure(f, failure::file_missing, "no-such-ca.pem");
}

BOOST_AUTO_TEST_CASE(a_corrupt_file_in_the_capath_is_named) {
  write_text(files.capath / "ca-2-cert.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n"
                                             "-----END CERTIFICATE-----\n");
  expect_failure(files, failure::malformed, "ca-2-cert.pem");
}

BOOST_AUTO_TEST_CASE(a_cacert_file_works_instead_of_a_capath) {
  auto f = files;
  f.capath.clear();
  f.cacert = tmp.path / "ca-bundle.pem";
  write_text(f.cacert, make_ca("CA-9").cert_pem + ca.cert_pem);
  auto id = check_identity(f, clock::now());
  BOOST_REQUIRE_MESSAGE(id, why(id));
  BOOST_TEST(id->trust.size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_capath_without_hash_links_works_with_a_warning) {
  for (const auto& entry : fs::directory_iterator{files.capath})
    if (entry.is_symlink())
      fs::remove(entry.path());
  auto id = check_identity(files, clock::now());
  BOOST_REQUIRE_MESSAGE(id, why(id));
  BOOST_REQUIRE(id->warnings.size() == 1u);
  BOOST_TEST(id->warnings[0].find("ca-1-cert.pem") != std::string::npos);
  BOOST_TEST(id->warnings[0].find("hash link") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_key_readable_by_others_is_a_warning_not_an_error) {
  ::chmod(files.key.c_str(), 0644);
  auto id = check_identity(files, clock::now());
  BOOST_REQUIRE_MESSAGE(id, why(id));
  BOOST_REQUIRE(id->warnings.size() == 1u);
  BOOST_TEST(id->warnings[0].find("chmod 600 " + files.key.string()) != std::string::npos);
  BOOST_TEST(id->warnings[0].find("0644") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(certificates_after_the_leaf_are_read_as_intermediates) {
  // A chain file (leaf, then its issuers) is common with a corporate PKI.
  write_text(files.cert, leaf.cert_pem + ca.cert_pem);
  auto id = check_identity(files, clock::now());
  BOOST_REQUIRE_MESSAGE(id, why(id));
  BOOST_TEST(id->cert.common_name() == "SN-1");
  BOOST_TEST(id->intermediates.size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
