#define BOOST_TEST_MODULE identity.trust_store
#include <boost/test/unit_test.hpp>

#include "pki_fixture.hpp"
#include "swarm/identity/capath.hpp"
#include "swarm/identity/gen_cert.hpp"
#include "swarm/identity/preflight.hpp"
#include "swarm/identity/trust_store.hpp"

using namespace fixture;
using namespace swarm::identity;

namespace {

cert_tree make_host(const fs::path& root, int host) {
  gen_cert_options opts;
  opts.root = root;
  opts.example = "mnist";
  opts.host_index = host;
  auto tree = gen_cert(opts);
  BOOST_REQUIRE_MESSAGE(tree, why(tree));
  return *tree;
}

// What the MNIST README has the user do (and our launcher automates).
void give_ca(const cert_tree& from, const cert_tree& to) {
  fs::copy_file(from.ca_cert, to.capath / from.ca_cert.filename());
  BOOST_REQUIRE(rehash_capath(to.capath));
}

identity_files files_of(const cert_tree& tree, std::string_view comp) {
  identity_files result;
  result.key = tree.key(comp);
  result.cert = tree.cert(comp);
  result.capath = tree.capath;
  return result;
}

certificate cert_of(const fs::path& path) {
  auto cert = certificate::load(path);
  BOOST_REQUIRE_MESSAGE(cert, why(cert));
  return *cert;
}

} // namespace

BOOST_AUTO_TEST_CASE(two_hosts_with_exchanged_ca_certificates_trust_each_other) {
  temp_dir tmp;
  auto one = make_host(tmp.path / "host1", 1);
  auto two = make_host(tmp.path / "host2", 2);
  give_ca(one, two);
  give_ca(two, one);
  auto now = clock::now();
  for (const auto* tree : {&one, &two}) {
    auto id = check_identity(files_of(*tree, "sn"), now);
    BOOST_REQUIRE_MESSAGE(id, why(id));
    BOOST_TEST(id->trust.size() == 2u);
    BOOST_TEST(id->warnings.empty());
  }
  auto trust_one = trust_store::load_capath(one.capath);
  auto trust_two = trust_store::load_capath(two.capath);
  BOOST_REQUIRE(trust_one);
  BOOST_REQUIRE(trust_two);
  for (auto comp : gen_cert_components) {
    BOOST_TEST(static_cast<bool>(trust_one->verify(cert_of(two.cert(comp)), now)));
    BOOST_TEST(static_cast<bool>(trust_two->verify(cert_of(one.cert(comp)), now)));
  }
}

BOOST_AUTO_TEST_CASE(a_host_whose_ca_was_not_exchanged_is_untrusted) {
  temp_dir tmp;
  auto one = make_host(tmp.path / "host1", 1);
  auto three = make_host(tmp.path / "host3", 3);
  auto trust = trust_store::load_capath(one.capath);
  BOOST_REQUIRE(trust);
  auto st = trust->verify(cert_of(three.cert("sl")), clock::now());
  BOOST_REQUIRE(!st);
  BOOST_TEST(failure_in(st.error()) == failure::untrusted);
  BOOST_TEST(st.error().message.find("SL-3") != std::string::npos);
  BOOST_TEST(st.error().message.find(one.capath.string()) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_capath_is_loaded_without_hash_links_and_reports_them_missing) {
  temp_dir tmp;
  auto ca1 = make_ca("CA-1");
  auto ca2 = make_ca("CA-2");
  write_text(tmp.path / "ca-1-cert.pem", ca1.cert_pem);
  write_text(tmp.path / "ca-2-cert.crt", ca2.cert_pem);
  write_text(tmp.path / "notes.txt", "ignored");
  auto trust = trust_store::load_capath(tmp.path);
  BOOST_REQUIRE_MESSAGE(trust, why(trust));
  BOOST_TEST(trust->size() == 2u);
  BOOST_TEST(trust->unlinked().size() == 2u);
  auto leaf = make_leaf(ca2, "SWOP-2");
  BOOST_TEST(static_cast<bool>(trust->verify(*certificate::from_pem(leaf.cert_pem), clock::now())));
  BOOST_REQUIRE(rehash_capath(tmp.path));
  auto rehashed = trust_store::load_capath(tmp.path);
  BOOST_REQUIRE(rehashed);
  BOOST_TEST(rehashed->size() == 2u);
  BOOST_TEST(rehashed->unlinked().empty());
}

BOOST_AUTO_TEST_CASE(leaf_certificates_in_a_trust_store_are_not_anchors) {
  auto ca = make_ca("CA-1");
  auto leaf = make_leaf(ca, "SN-1");
  auto trust = trust_store::from_pem(leaf.cert_pem + ca.cert_pem, "test bundle");
  BOOST_REQUIRE(trust);
  BOOST_TEST(trust->size() == 1u);
  auto only_leaf = trust_store::from_pem(leaf.cert_pem, "leaf only");
  BOOST_REQUIRE(!only_leaf);
  BOOST_TEST(failure_in(only_leaf.error()) == failure::empty_trust_store);
}

BOOST_AUTO_TEST_CASE(a_capath_and_a_cacert_together_trust_both) {
  temp_dir tmp;
  auto ca1 = make_ca("CA-1");
  auto ca2 = make_ca("CA-2");
  write_text(tmp.path / "capath" / "ca-1-cert.pem", ca1.cert_pem);
  write_text(tmp.path / "ca-2.pem", ca2.cert_pem);
  auto trust = trust_store::load(tmp.path / "capath", tmp.path / "ca-2.pem");
  BOOST_REQUIRE_MESSAGE(trust, why(trust));
  BOOST_TEST(trust->size() == 2u);
  auto now = clock::now();
  BOOST_TEST(static_cast<bool>(trust->verify(*certificate::from_pem(make_leaf(ca1, "SN-1").cert_pem), now)));
  BOOST_TEST(static_cast<bool>(trust->verify(*certificate::from_pem(make_leaf(ca2, "SN-2").cert_pem), now)));
}
