#define BOOST_TEST_MODULE transport.preflight
#include <boost/test/unit_test.hpp>

// The pre-flight refuses bad identity files with a clear error and a
// non-zero result before CAF exists (CAF would terminate or hang on them,
// caf-0.17-notes.md section 2, quirk 3).

#include <fstream>

#include "fixture.hpp"
#include "swarm/identity/failure.hpp"
#include "swarm/identity/pki.hpp"

using namespace fixture;
using swarm::identity::failure;
using swarm::transport::tls_node;

namespace {

failure failure_of(const swarm::error& err) {
  return swarm::identity::failure_of(err).value_or(failure::internal);
}

// Starts a node with `files`; requires it to fail, returns the error.
swarm::error start_fails(const swarm::identity::identity_files& files,
                         const std::string& name = "") {
  auto rec = std::make_shared<recorder>();
  auto [logger, log] = make_logger("SN-1");
  auto cfg = config(files, "127.0.1.1", logger);
  cfg.node_name = name;
  auto started = std::chrono::steady_clock::now();
  auto node = tls_node::start(cfg, rec);
  BOOST_REQUIRE_MESSAGE(!node, "the node started");
  // Nothing ran: no delegate call, no log line, and no time spent on CAF.
  BOOST_TEST(!rec->with([](recorder& r) { return r.started; }));
  BOOST_TEST(!log->contains({"listening"}));
  BOOST_TEST((std::chrono::steady_clock::now() - started < 5s));
  BOOST_TEST(swarm::identity::failure_of(node.error()).has_value(), node.error().message);
  return node.error();
}

std::string peer_binary() {
  return (swarm::test::bin_dir().parent_path() / "tests" / "transport_peer").string();
}

} // namespace

BOOST_AUTO_TEST_CASE(a_missing_key_is_refused) {
  pki certs;
  auto files = pki::files(certs.host1);
  files.key = certs.dir.path() / "nowhere" / "sn-1-key.pem";
  auto err = start_fails(files);
  BOOST_TEST(failure_of(err) == failure::file_missing, err.message);
  BOOST_TEST(err.message.find("nowhere/sn-1-key.pem") != std::string::npos, err.message);
}

BOOST_AUTO_TEST_CASE(a_key_of_another_certificate_is_refused) {
  pki certs;
  auto files = pki::files(certs.host1);
  files.key = certs.host2.key("sn");
  auto err = start_fails(files);
  BOOST_TEST(failure_of(err) == failure::key_mismatch, err.message);
}

BOOST_AUTO_TEST_CASE(a_wrong_passphrase_is_refused) {
  pki certs;
  auto files = pki::files(certs.host1);
  std::ifstream in{files.key};
  std::string pem{std::istreambuf_iterator<char>{in}, {}};
  auto encrypted = swarm::identity::encrypt_key(pem, "right");
  BOOST_REQUIRE(encrypted);
  auto path = certs.dir.path() / "encrypted-key.pem";
  std::ofstream{path} << *encrypted;
  files.key = path;
  files.passphrase = "wrong";
  BOOST_TEST(failure_of(start_fails(files)) == failure::wrong_passphrase);
  files.passphrase.reset();
  BOOST_TEST(failure_of(start_fails(files)) == failure::passphrase_required);
}

BOOST_AUTO_TEST_CASE(a_name_the_certificate_lacks_is_refused) {
  pki certs;
  auto err = start_fails(pki::files(certs.host1), "SN-9");
  BOOST_TEST(failure_of(err) == failure::name_mismatch, err.message);
}

BOOST_AUTO_TEST_CASE(an_unlinked_capath_is_rehashed) {
  pki certs;
  // Drop the hash links: TLS would not trust anyone from this capath.
  for (const auto& entry : fs::directory_iterator{certs.host1.capath})
    if (entry.is_symlink())
      fs::remove(entry.path());
  auto rec = std::make_shared<recorder>();
  auto [logger, log] = make_logger("SN-1");
  auto node = tls_node::start(config(pki::files(certs.host1), "127.0.1.1", logger), rec);
  BOOST_REQUIRE_MESSAGE(node, why(node));
  BOOST_TEST(log->contains({"rehashed capath"}));
  size_t links = 0;
  for (const auto& entry : fs::directory_iterator{certs.host1.capath})
    links += entry.is_symlink() ? 1 : 0;
  BOOST_TEST(links == 2u); // CA-1 and the exchanged CA-2
  BOOST_TEST(static_cast<bool>((*node)->stop()));
}

BOOST_AUTO_TEST_CASE(the_command_exits_non_zero_with_the_reason) {
  pki certs;
  swarm::test::process_options opts;
  opts.deadline = std::chrono::seconds{30};
  opts.argv = {peer_binary(),
               "--key",
               (certs.dir.path() / "missing-key.pem").string(),
               "--cert",
               certs.host1.cert("sn").string(),
               "--capath",
               certs.host1.capath.string(),
               "--host",
               "127.0.1.1",
               "--dial",
               "127.0.2.1:1",
               "--port",
               "0"};
  auto missing = swarm::test::run_process(opts);
  BOOST_TEST(missing.exit_code == 2, missing.output);
  BOOST_TEST(missing.output.find("cannot start: file not found: key")
               != std::string::npos,
             missing.output);
  opts.argv[2] = certs.host2.key("sn").string();
  auto mismatched = swarm::test::run_process(opts);
  BOOST_TEST(mismatched.exit_code == 2, mismatched.output);
  BOOST_TEST(mismatched.output.find("private key does not match certificate")
               != std::string::npos,
             mismatched.output);
}
