#define BOOST_TEST_MODULE identity.gen_cert
#include <boost/test/unit_test.hpp>

#include <set>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "pki_fixture.hpp"
#include "swarm/identity/gen_cert.hpp"

using namespace fixture;
using namespace swarm::identity;

namespace {

// Inspection goes straight through OpenSSL, independent of the code under
// test.
struct x509_file {
  X509* x = nullptr;

  explicit x509_file(const fs::path& path) {
    auto text = read_text(path);
    BIO* bio = BIO_new_mem_buf(text.data(), static_cast<int>(text.size()));
    x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    BOOST_REQUIRE_MESSAGE(x != nullptr, path << " does not parse");
  }

  ~x509_file() {
    X509_free(x);
  }

  std::string subject() const {
    char* s = X509_NAME_oneline(X509_get_subject_name(x), nullptr, 0);
    std::string result{s};
    OPENSSL_free(s);
    return result;
  }

  std::string extension(int nid) const {
    int idx = X509_get_ext_by_NID(x, nid, -1);
    if (idx < 0)
      return "<absent>";
    auto* ext = X509_get_ext(x, idx);
    BIO* bio = BIO_new(BIO_s_mem());
    X509V3_EXT_print(bio, ext, 0, 0);
    char* data = nullptr;
    auto len = BIO_get_mem_data(bio, &data);
    std::string result{data, static_cast<size_t>(len)};
    BIO_free(bio);
    return (X509_EXTENSION_get_critical(ext) ? "critical," : "") + result;
  }

  // Seconds from `t` to notBefore/notAfter.
  long seconds_to(const ASN1_TIME* when, clock::time_point t) const {
    ASN1_TIME* ref = ASN1_TIME_set(nullptr, clock::to_time_t(t));
    int days = 0;
    int secs = 0;
    ASN1_TIME_diff(&days, &secs, ref, when);
    ASN1_TIME_free(ref);
    return days * 86400L + secs;
  }
};

gen_cert_options options_for(const fs::path& root, int host) {
  gen_cert_options opts;
  opts.root = root;
  opts.example = "mnist";
  opts.host_index = host;
  return opts;
}

std::set<std::string> files_under(const fs::path& dir) {
  std::set<std::string> result;
  for (const auto& entry : fs::recursive_directory_iterator{dir})
    if (!entry.is_directory())
      result.insert(entry.path().lexically_relative(dir).string());
  return result;
}

} // namespace

BOOST_AUTO_TEST_CASE(gen_cert_writes_the_tree_that_hpe_gen_cert_writes) {
  temp_dir tmp;
  auto tree = gen_cert(options_for(tmp.path / "workspace", 1));
  BOOST_REQUIRE_MESSAGE(tree, why(tree));
  BOOST_TEST(tree->dir == tmp.path / "workspace" / "mnist" / "cert");
  x509_file ca{tree->ca_cert};
  auto link = "ca/capath/" + std::string{[&] {
                char buf[16];
                std::snprintf(buf, sizeof(buf), "%08lx.0", X509_subject_name_hash(ca.x));
                return std::string{buf};
              }()};
  std::set<std::string> expected{"ca/capath/ca-1-cert.pem", link, "ca/ca-1-key.pem",
                                 "sn-1-key.pem",  "sn-1-cert.pem",  "sl-1-key.pem",
                                 "sl-1-cert.pem", "swop-1-key.pem", "swop-1-cert.pem",
                                 "swci-1-key.pem", "swci-1-cert.pem"};
  BOOST_TEST(files_under(tree->dir) == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(subjects_name_the_component_and_host_under_ou_swarm_learning) {
  temp_dir tmp;
  auto tree = gen_cert(options_for(tmp.path, 7));
  BOOST_REQUIRE(tree);
  BOOST_TEST(x509_file{tree->ca_cert}.subject() == "/OU=Swarm-Learning/CN=CA-7");
  BOOST_TEST(x509_file{tree->cert("sn")}.subject() == "/OU=Swarm-Learning/CN=SN-7");
  BOOST_TEST(x509_file{tree->cert("sl")}.subject() == "/OU=Swarm-Learning/CN=SL-7");
  BOOST_TEST(x509_file{tree->cert("swop")}.subject() == "/OU=Swarm-Learning/CN=SWOP-7");
  BOOST_TEST(x509_file{tree->cert("swci")}.subject() == "/OU=Swarm-Learning/CN=SWCI-7");
}

BOOST_AUTO_TEST_CASE(the_ca_is_a_critical_ca_that_signs_certificates_and_crls) {
  temp_dir tmp;
  auto tree = gen_cert(options_for(tmp.path, 1));
  BOOST_REQUIRE(tree);
  x509_file ca{tree->ca_cert};
  BOOST_TEST(ca.extension(NID_basic_constraints) == "critical,CA:TRUE");
  BOOST_TEST(ca.extension(NID_key_usage)
             == "critical,Digital Signature, Certificate Sign, CRL Sign");
  BOOST_TEST(X509_get0_subject_key_id(ca.x) != nullptr);
  BOOST_TEST(X509_check_issued(ca.x, ca.x) == X509_V_OK);
  BOOST_TEST(X509_verify(ca.x, X509_get0_pubkey(ca.x)) == 1);
  BOOST_TEST(EVP_PKEY_get_base_id(X509_get0_pubkey(ca.x)) == EVP_PKEY_EC);
}

BOOST_AUTO_TEST_CASE(component_certificates_are_tls_client_and_server_leaves_of_the_ca) {
  temp_dir tmp;
  auto tree = gen_cert(options_for(tmp.path, 1));
  BOOST_REQUIRE(tree);
  x509_file ca{tree->ca_cert};
  for (auto comp : gen_cert_components) {
    BOOST_TEST_CONTEXT("component " << comp) {
      x509_file leaf{tree->cert(comp)};
      BOOST_TEST(leaf.extension(NID_basic_constraints) == "critical,CA:FALSE");
      BOOST_TEST(leaf.extension(NID_key_usage)
                 == "critical,Digital Signature, Key Encipherment");
      BOOST_TEST(X509_get_extended_key_usage(leaf.x) == (XKU_SSL_SERVER | XKU_SSL_CLIENT));
      BOOST_TEST(X509_check_issued(ca.x, leaf.x) == X509_V_OK);
      BOOST_TEST(X509_verify(leaf.x, X509_get0_pubkey(ca.x)) == 1);
      const auto* aki = X509_get0_authority_key_id(leaf.x);
      const auto* ski = X509_get0_subject_key_id(ca.x);
      BOOST_REQUIRE(aki != nullptr);
      BOOST_TEST(ASN1_OCTET_STRING_cmp(aki, ski) == 0);
      BOOST_TEST(X509_get0_subject_key_id(leaf.x) != nullptr);
    }
  }
}

BOOST_AUTO_TEST_CASE(component_certificates_carry_their_name_and_the_extra_sans) {
  temp_dir tmp;
  auto opts = options_for(tmp.path, 2);
  opts.extra_sans = {"IP:127.0.2.1", "host2.example", "::1"};
  auto tree = gen_cert(opts);
  BOOST_REQUIRE_MESSAGE(tree, why(tree));
  BOOST_TEST(x509_file{tree->cert("sn")}.extension(NID_subject_alt_name)
             == "DNS:SN-2, IP Address:127.0.2.1, DNS:host2.example, IP Address:0:0:0:0:0:0:0:1");
  BOOST_TEST(x509_file{tree->cert("swci")}.extension(NID_subject_alt_name)
             == "DNS:SWCI-2, IP Address:127.0.2.1, DNS:host2.example, IP Address:0:0:0:0:0:0:0:1");
  BOOST_TEST(x509_file{tree->ca_cert}.extension(NID_subject_alt_name) == "DNS:CA-2");
}

BOOST_AUTO_TEST_CASE(validity_is_365_days_by_default_and_days_overrides_it) {
  auto now = clock::now();
  for (int days : {0, 1, 730}) {
    BOOST_TEST_CONTEXT("--days " << days) {
      temp_dir tmp;
      auto opts = options_for(tmp.path, 1);
      opts.now = now;
      if (days > 0)
        opts.days = days;
      auto tree = gen_cert(opts);
      BOOST_REQUIRE(tree);
      long expected_secs = (days > 0 ? days : 365) * 86400L;
      for (const auto& path : {tree->ca_cert, tree->cert("sn"), tree->cert("swop")}) {
        x509_file cert{path};
        BOOST_TEST(std::abs(cert.seconds_to(X509_get0_notAfter(cert.x), now) - expected_secs)
                   <= 1);
        // notBefore is backdated a little for clock skew between hosts.
        auto before = cert.seconds_to(X509_get0_notBefore(cert.x), now);
        BOOST_TEST(before <= 0);
        BOOST_TEST(before >= -600);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(private_keys_are_written_0600_and_certificates_0644) {
  temp_dir tmp;
  // Even a permissive umask must not leak a key.
  auto old_mask = ::umask(0);
  auto tree = gen_cert(options_for(tmp.path, 1));
  ::umask(old_mask);
  BOOST_REQUIRE(tree);
  BOOST_TEST(mode_of(tree->ca_key) == 0600u);
  BOOST_TEST(mode_of(tree->ca_cert) == 0644u);
  for (auto comp : gen_cert_components) {
    BOOST_TEST(mode_of(tree->key(comp)) == 0600u);
    BOOST_TEST(mode_of(tree->cert(comp)) == 0644u);
  }
  BOOST_TEST(read_text(tree->key("sn")).starts_with("-----BEGIN PRIVATE KEY-----"));
}

BOOST_AUTO_TEST_CASE(existing_keys_are_not_overwritten_without_force) {
  temp_dir tmp;
  auto opts = options_for(tmp.path, 1);
  auto first = gen_cert(opts);
  BOOST_REQUIRE(first);
  auto ca_key = read_text(first->ca_key);
  auto sn_cert = read_text(first->cert("sn"));
  auto again = gen_cert(opts);
  BOOST_REQUIRE(!again);
  BOOST_TEST(failure_in(again.error()) == failure::would_overwrite);
  BOOST_TEST(again.error().message.find(first->ca_key.string()) != std::string::npos);
  BOOST_TEST(again.error().message.find("--force") != std::string::npos);
  BOOST_TEST(read_text(first->ca_key) == ca_key);
  BOOST_TEST(read_text(first->cert("sn")) == sn_cert);
  // One leftover key is enough to refuse, and it is the one named.
  fs::remove(first->ca_key);
  auto partial = gen_cert(opts);
  BOOST_REQUIRE(!partial);
  BOOST_TEST(partial.error().message.find(first->key("sn").string()) != std::string::npos);
  opts.force = true;
  auto forced = gen_cert(opts);
  BOOST_REQUIRE(forced);
  BOOST_TEST(read_text(first->cert("sn")) != sn_cert);
  BOOST_TEST(mode_of(first->key("sn")) == 0600u);
}

BOOST_AUTO_TEST_CASE(serials_are_distinct_positive_random_128_bit_numbers) {
  temp_dir tmp;
  std::set<std::string> serials;
  for (int host : {1, 2}) {
    auto tree = gen_cert(options_for(tmp.path, host));
    BOOST_REQUIRE(tree);
    for (const auto& path : {tree->ca_cert, tree->cert("sn"), tree->cert("sl"),
                             tree->cert("swop"), tree->cert("swci")}) {
      x509_file cert{path};
      BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert.x), nullptr);
      BOOST_TEST(!BN_is_negative(bn));
      // 127 random bits: fewer than 96 significant bits is a 1 in 2^31 event.
      BOOST_TEST(BN_num_bits(bn) <= 127);
      BOOST_TEST(BN_num_bits(bn) > 96);
      char* hex = BN_bn2hex(bn);
      serials.insert(hex);
      OPENSSL_free(hex);
      BN_free(bn);
    }
  }
  BOOST_TEST(serials.size() == 10u);
}

BOOST_AUTO_TEST_CASE(invalid_options_are_rejected_before_anything_is_written) {
  temp_dir tmp;
  auto check = [&](gen_cert_options opts, const std::string& what) {
    BOOST_TEST_CONTEXT(what) {
      auto tree = gen_cert(opts);
      BOOST_REQUIRE(!tree);
      BOOST_TEST(failure_in(tree.error()) == failure::invalid_argument);
      BOOST_TEST(fs::is_empty(tmp.path));
    }
  };
  auto opts = options_for(tmp.path, 0);
  check(opts, "host index 0");
  opts.host_index = -3;
  check(opts, "negative host index");
  opts = options_for(tmp.path, 1);
  for (auto ex : {"", ".", "..", "a/b"}) {
    opts.example = ex;
    check(opts, std::string{"example "} + ex);
  }
  opts = options_for(tmp.path, 1);
  opts.days = 0;
  check(opts, "zero days");
  opts.days = 40000;
  check(opts, "a century and more");
  opts = options_for(tmp.path, 1);
  for (auto san : {"DNS:a,DNS:b", "URI:http://x", "IP:300.1.1.1", "DNS:", "DNS:bad name"}) {
    opts.extra_sans = {san};
    check(opts, std::string{"SAN "} + san);
  }
}

BOOST_AUTO_TEST_CASE(openssl_capath_lookup_finds_the_ca_through_the_hash_link) {
  temp_dir tmp;
  auto tree = gen_cert(options_for(tmp.path, 1));
  BOOST_REQUIRE(tree);
  X509_STORE* store = X509_STORE_new();
  BOOST_REQUIRE(X509_STORE_load_locations(store, nullptr, tree->capath.c_str()) == 1);
  x509_file leaf{tree->cert("sl")};
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, leaf.x, nullptr);
  BOOST_TEST(X509_verify_cert(ctx) == 1);
  BOOST_TEST(X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)) == std::string{"ok"});
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
}

BOOST_AUTO_TEST_CASE(two_hosts_in_one_workspace_share_the_capath_with_a_link_each) {
  temp_dir tmp;
  auto one = gen_cert(options_for(tmp.path, 1));
  auto two = gen_cert(options_for(tmp.path, 2));
  BOOST_REQUIRE(one);
  BOOST_REQUIRE(two);
  BOOST_TEST(one->capath == two->capath);
  size_t links = 0;
  for (const auto& entry : fs::directory_iterator{one->capath})
    links += entry.is_symlink() ? 1 : 0;
  BOOST_TEST(links == 2u);
}
