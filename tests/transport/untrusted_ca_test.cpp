#define BOOST_TEST_MODULE transport.untrusted_ca
#include <boost/test/unit_test.hpp>

// A node whose certificate comes from a CA the listener does not trust
// cannot connect (CAF's TLS refuses it before any application byte), and
// the listener keeps serving a good peer afterwards.

#include "fixture.hpp"

using namespace fixture;
using swarm::transport::tls_node;

namespace {

struct started {
  std::shared_ptr<recorder> rec = std::make_shared<recorder>();
  std::shared_ptr<capture_sink> log;
  std::unique_ptr<tls_node> node;

  started(const swarm::identity::identity_files& files, const std::string& host,
          const std::string& name) {
    auto [logger, sink] = make_logger(name);
    log = sink;
    auto result = tls_node::start(config(files, host, logger), rec);
    BOOST_REQUIRE_MESSAGE(result, why(result));
    node = std::move(result).value();
  }
};

} // namespace

BOOST_AUTO_TEST_CASE(a_node_of_an_unknown_ca_cannot_connect_and_the_listener_keeps_serving) {
  pki certs;
  started listener{pki::files(certs.host1), "127.0.1.1", "SN-1"};
  // Host 3 trusts CA-1 (so its own checks pass and it would accept the
  // listener), but host 1 does not trust CA-3.
  started rogue{pki::files(certs.host3), "127.0.3.1", "SN-3"};
  auto listener_address = listener.node->address();
  rogue.node->post([listener_address](node_context& ctx) {
    ctx.send_to_address(listener_address, ping(1, "SN-1"));
  });
  BOOST_REQUIRE(rogue.rec->wait_for([](const recorder& r) { return !r.dial_failures.empty(); }));
  auto failure = rogue.rec->with([](recorder& r) { return r.dial_failures[0]; });
  BOOST_TEST(failure.first == listener_address);
  BOOST_TEST(failure.second.find("TLS handshake failed") != std::string::npos, failure.second);
  BOOST_TEST(rogue.rec->with([](recorder& r) { return r.verified.empty(); }));

  // The other direction fails too: the listener does not trust the rogue's
  // server certificate.
  auto rogue_address = rogue.node->address();
  listener.node->post([rogue_address](node_context& ctx) { ctx.dial(rogue_address); });
  BOOST_REQUIRE(
    listener.rec->wait_for([](const recorder& r) { return !r.dial_failures.empty(); }));
  // CAF 0.17 reports the rejected handshake as a handshake failure or, when
  // the rogue hangs up first, as a failed connect (seen under load): either
  // way the dial fails and nobody is verified.
  BOOST_TEST((listener.log->contains({"dial " + rogue_address + " failed", "TLS handshake"})
              || listener.log->contains({"dial " + rogue_address + " failed", "TCP connect"})));
  BOOST_TEST(listener.rec->with([](recorder& r) { return r.verified.empty(); }));

  // A good peer still gets through, both ways.
  listener.rec->on_message_hook = nullptr;
  started good{pki::files(certs.host2), "127.0.2.1", "SN-2"};
  good.node->post([listener_address](node_context& ctx) {
    ctx.send_to_address(listener_address, ping(2, "SN-1"));
  });
  BOOST_REQUIRE(listener.rec->wait_for([](const recorder& r) {
    return r.count_swim("SN-2", [](const auto& x) { return x.has_ping(); }) == 1;
  }));
  listener.node->post([](node_context& ctx) { ctx.send_to_name("SN-2", ack(2)); });
  BOOST_REQUIRE(good.rec->wait_for([](const recorder& r) {
    return r.count_swim("SN-1", [](const auto& x) { return x.has_ack(); }) == 1;
  }));
  // Nothing from the rogue ever reached the listener's delegate.
  BOOST_TEST(listener.rec->with([](recorder& r) { return r.verified.size(); }) == 1u);
  BOOST_TEST(listener.rec->with([](recorder& r) { return r.messages.size(); }) == 1u);
}
