#define BOOST_TEST_MODULE identity.gen_cert_cli
#include <boost/test/unit_test.hpp>

// Runs the real `swarm gen-cert` binary, as a user would, and checks the
// result with the openssl command line (a second, independent opinion).

#include "pki_fixture.hpp"
#include "process.hpp"
#include "swarm/identity/capath.hpp"
#include "swarm/identity/gen_cert.hpp"
#include "swarm/identity/preflight.hpp"
#include "swarm/identity/proof.hpp"

using namespace swarm::identity;
using fixture::mode_of;
using fixture::read_text;
using fixture::why;
using fixture::write_text;
namespace fs = std::filesystem;
namespace st = swarm::test;

namespace {

st::process_result swarm_cli(const fs::path& cwd, std::vector<std::string> args) {
  args.insert(args.begin(), (st::bin_dir() / "swarm").string());
  return st::run_process({std::move(args), {}, cwd, std::chrono::seconds{60}});
}

st::process_result openssl(const fs::path& cwd, std::vector<std::string> args) {
  args.insert(args.begin(), "openssl");
  return st::run_process({std::move(args), {}, cwd, std::chrono::seconds{60}});
}

std::vector<std::string> leaf_certs(const cert_tree& tree) {
  std::vector<std::string> result;
  for (auto comp : gen_cert_components)
    result.push_back(tree.cert(comp).string());
  return result;
}

st::process_result verify_with_capath(const fs::path& capath, const cert_tree& tree) {
  std::vector<std::string> args{"verify", "-CApath", capath.string()};
  auto certs = leaf_certs(tree);
  args.insert(args.end(), certs.begin(), certs.end());
  return openssl(capath, args);
}

} // namespace

BOOST_AUTO_TEST_CASE(gen_cert_for_two_hosts_yields_trees_that_openssl_accepts) {
  st::temp_dir tmp;
  auto one_run = swarm_cli(tmp.path(), {"gen-cert", "-e", "mnist", "-i", "1", "--san",
                                        "IP:127.0.1.1"});
  BOOST_TEST_REQUIRE(one_run.exit_code == 0, one_run.output);
  auto two_run = swarm_cli(tmp.path(), {"gen-cert", "-e", "mnist", "-i", "2", "--dir",
                                        (tmp.path() / "host2").string(), "--days", "30"});
  BOOST_TEST_REQUIRE(two_run.exit_code == 0, two_run.output);
  // Host 1 used the default ./workspace, like HPE's script.
  auto one = cert_tree::of(tmp.path() / "workspace", "mnist", 1);
  auto two = cert_tree::of(tmp.path() / "host2", "mnist", 2);
  for (const auto* tree : {&one, &two}) {
    BOOST_TEST(mode_of(tree->ca_key) == 0600u);
    BOOST_TEST(mode_of(tree->ca_cert) == 0644u);
    for (auto comp : gen_cert_components) {
      BOOST_TEST(mode_of(tree->key(comp)) == 0600u);
      BOOST_TEST(mode_of(tree->cert(comp)) == 0644u);
    }
    auto own = verify_with_capath(tree->capath, *tree);
    BOOST_TEST(own.exit_code == 0, own.output);
  }
  auto text = openssl(tmp.path(), {"x509", "-in", one.cert("sn").string(), "-noout",
                                   "-subject", "-ext", "subjectAltName"});
  BOOST_TEST(text.output.find("subject=OU = Swarm-Learning, CN = SN-1") != std::string::npos,
             text.output);
  BOOST_TEST(text.output.find("DNS:SN-1, IP Address:127.0.1.1") != std::string::npos,
             text.output);
  // Before the exchange each host refuses the other's certificates.
  auto before = verify_with_capath(one.capath, two);
  BOOST_TEST(before.exit_code != 0, before.output);
  // The exchange the MNIST README describes, then openssl's own lookup.
  fs::copy_file(two.ca_cert, one.capath / two.ca_cert.filename());
  fs::copy_file(one.ca_cert, two.capath / one.ca_cert.filename());
  BOOST_REQUIRE(rehash_capath(one.capath));
  BOOST_REQUIRE(rehash_capath(two.capath));
  auto after_one = verify_with_capath(one.capath, two);
  BOOST_TEST(after_one.exit_code == 0, after_one.output);
  auto after_two = verify_with_capath(two.capath, one);
  BOOST_TEST(after_two.exit_code == 0, after_two.output);
}

BOOST_AUTO_TEST_CASE(gen_cert_exit_codes_tell_runtime_errors_from_usage_errors) {
  st::temp_dir tmp;
  auto first = swarm_cli(tmp.path(), {"gen-cert", "-e", "mnist", "-i", "1"});
  BOOST_TEST_REQUIRE(first.exit_code == 0, first.output);
  auto key = tmp.path() / "workspace/mnist/cert/ca/ca-1-key.pem";
  auto key_before = read_text(key);
  auto again = swarm_cli(tmp.path(), {"gen-cert", "-e", "mnist", "-i", "1"});
  BOOST_TEST(again.exit_code == 1);
  BOOST_TEST(again.output.find("ca-1-key.pem") != std::string::npos, again.output);
  BOOST_TEST(again.output.find("--force") != std::string::npos, again.output);
  BOOST_TEST(read_text(key) == key_before);
  auto forced = swarm_cli(tmp.path(), {"gen-cert", "-e", "mnist", "-i", "1", "--force"});
  BOOST_TEST(forced.exit_code == 0, forced.output);
  BOOST_TEST(read_text(key) != key_before);
  for (const auto& args : std::vector<std::vector<std::string>>{
         {"gen-cert", "-e", "mnist", "-i", "0"},
         {"gen-cert", "-e", "mnist", "-i", "one"},
         {"gen-cert", "-i", "1"},
         {"gen-cert", "-e", "mnist"},
         {"gen-cert", "-e", "mnist", "-i", "3", "--days", "0"},
         {"gen-cert", "-e", "mnist", "-i", "3", "--san", "URI:x"},
         {"gen-cert", "-e", "../up", "-i", "3"},
         {"gen-cert", "-e", "mnist", "-i", "3", "--bogus"}}) {
    auto run = swarm_cli(tmp.path(), args);
    BOOST_TEST(run.exit_code == 2, args.back() << ": " << run.output);
  }
  BOOST_TEST(!fs::exists(tmp.path() / "workspace/mnist/cert/sn-3-key.pem"));
  auto help = swarm_cli(tmp.path(), {"gen-cert", "--help"});
  BOOST_TEST(help.exit_code == 0);
  BOOST_TEST(help.output.find("--san") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_hpe_style_rsa_tree_made_by_openssl_passes_checks_and_proofs) {
  // What HPE's gen-cert does (RSA-2048, 30 days, keyCertSign on leaves),
  // reproduced with the openssl command line: such trees must keep working.
  st::temp_dir tmp;
  auto dir = tmp.path();
  fs::create_directories(dir / "ca/capath");
  write_text(dir / "leaf.ext", "basicConstraints=CA:FALSE\n"
                               "keyUsage=critical,digitalSignature,keyCertSign\n"
                               "subjectKeyIdentifier=hash\n"
                               "authorityKeyIdentifier=keyid\n"
                               "subjectAltName=DNS:SN-9\n");
  std::vector<std::vector<std::string>> steps{
    {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca/ca-9-key.pem", "-out",
     "ca/capath/ca-9-cert.pem", "-subj", "/OU=Swarm-Learning/CN=CA-9", "-addext",
     "keyUsage=critical,digitalSignature,keyCertSign"},
    {"req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "sn-9-key.pem", "-out",
     "sn-9.csr", "-subj", "/OU=Swarm-Learning/CN=SN-9"},
    {"x509", "-req", "-in", "sn-9.csr", "-CA", "ca/capath/ca-9-cert.pem", "-CAkey",
     "ca/ca-9-key.pem", "-CAcreateserial", "-out", "sn-9-cert.pem", "-extfile", "leaf.ext"},
  };
  for (const auto& step : steps) {
    auto run = openssl(dir, step);
    BOOST_TEST_REQUIRE(run.exit_code == 0, step[0] << ": " << run.output);
  }
  identity_files files{dir / "sn-9-key.pem", dir / "sn-9-cert.pem", std::nullopt,
                       dir / "ca/capath", {}};
  auto now = clock::now();
  auto id = check_identity(files, now);
  BOOST_REQUIRE_MESSAGE(id, why(id));
  BOOST_TEST(id->names == (std::vector<std::string>{"SN-9"}), boost::test_tools::per_element());
  auto nonce = make_nonce();
  auto proof = make_proof(nonce, id->cert.pem(), id->key, "SN-9", handshake_role::acceptor);
  BOOST_REQUIRE_MESSAGE(proof, why(proof));
  auto peer = verify_proof(*proof, nonce, "SN-9", handshake_role::acceptor, id->trust, now);
  BOOST_REQUIRE_MESSAGE(peer, why(peer));
  BOOST_TEST(peer->name == "SN-9");
}
