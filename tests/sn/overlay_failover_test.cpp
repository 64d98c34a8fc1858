// Failover and refusals against real `swarm sn` processes on loopback:
// a fourth SN joins through SN 2 after the sentinel died, and bad clients
// (no certificate, untrusted CA, expired certificate, plaintext) are refused
// on both the API and the p2p port while the SN keeps serving.

#define BOOST_TEST_MODULE sn_overlay_failover
#include <boost/test/unit_test.hpp>

#include <cerrno>
#include <map>
#include <memory>

#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "sn_cluster.hpp"
#include "tcp_socket.hpp"
#include "swarm/identity/pki.hpp"

namespace {

using namespace sn_test;
using swarm::test::tcp_socket;

std::string read_text(const fs::path& path) {
  std::ifstream in{path, std::ios::binary};
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out{path, std::ios::binary | std::ios::trunc};
  out << text;
}

/// `trusted` SNs' hosts and perhaps a stranger, ports apart from overlay_test's.
struct cluster : sn_cluster {
  explicit cluster(int trusted, bool with_stranger = false)
    : sn_cluster(trusted, 40000, 20000, with_stranger) {}
};

/// What a raw TLS session attempt produced.
struct tls_outcome {
  bool handshake_ok = false;   // SSL_connect returned 1 (TLS 1.3: maybe before the peer's verdict)
  bool closed = false;         // afterwards the peer closed or failed the session
  std::string received;        // application data the peer sent
};

/// Connects with plain OpenSSL to `host:port`, presenting `cert`/`key` if
/// given (not verifying the server: the server's verdict is under test),
/// then waits for anything the server sends.
tls_outcome raw_tls_session(const std::string& host, uint16_t port, const fs::path& cert = {},
                            const fs::path& key = {}) {
  tls_outcome result;
  tcp_socket sock{host, port};
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx{SSL_CTX_new(TLS_client_method()),
                                                        SSL_CTX_free};
  if (!cert.empty()) {
    SSL_CTX_use_certificate_file(ctx.get(), cert.c_str(), SSL_FILETYPE_PEM);
    SSL_CTX_use_PrivateKey_file(ctx.get(), key.c_str(), SSL_FILETYPE_PEM);
  }
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl{SSL_new(ctx.get()), SSL_free};
  SSL_set_fd(ssl.get(), sock.fd());
  result.handshake_ok = SSL_connect(ssl.get()) == 1;
  if (result.handshake_ok) {
    // Some bytes to provoke an answer, should the session be live.
    std::string hello = "hello\n";
    SSL_write(ssl.get(), hello.data(), static_cast<int>(hello.size()));
    char buf[4096];
    for (;;) {
      int n = SSL_read(ssl.get(), buf, sizeof(buf));
      if (n > 0) {
        result.received.append(buf, static_cast<size_t>(n));
        continue;
      }
      int err = SSL_get_error(ssl.get(), n);
      // A timeout (errno EAGAIN under SSL_ERROR_SYSCALL) is not a close.
      result.closed = err == SSL_ERROR_ZERO_RETURN || err == SSL_ERROR_SSL
                      || (err == SSL_ERROR_SYSCALL && errno != EAGAIN && errno != EWOULDBLOCK);
      break;
    }
  }
  ERR_clear_error();
  return result;
}

/// Whether a TLS attempt failed to become a working session.
bool tls_refused(const tls_outcome& out) {
  return !out.handshake_ok || (out.closed && out.received.empty());
}

std::unique_ptr<httplib::SSLClient> https_client(const std::string& host, uint16_t port,
                                                 const fs::path& cert = {},
                                                 const fs::path& key = {}) {
  auto client = cert.empty()
                    ? std::make_unique<httplib::SSLClient>(host, port)
                    : std::make_unique<httplib::SSLClient>(host, port, cert.string(), key.string());
  client->enable_server_certificate_verification(false);
  client->set_connection_timeout(5s);
  client->set_read_timeout(5s);
  return client;
}

/// Whether `GET /v1/health` by `client` got no HTTP 200.
bool api_refused(httplib::SSLClient& client) {
  auto res = client.Get("/v1/health");
  return !res || res->status != 200;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_fourth_sn_joins_through_sn_2_after_the_sentinel_died) {
  cluster c{4};
  auto sn1 = c.start(1, 0);
  auto sn2 = c.start(2, 1);
  auto sn3 = c.start(3, 1);
  std::map<std::string, std::string> three{
      {"SN-1", "ACTIVE"}, {"SN-2", "ACTIVE"}, {"SN-3", "ACTIVE"}};
  for (int i = 1; i <= 3; ++i) {
    bool ok = c.wait_all(i, three);
    if (!ok)
      dump({sn1.get(), sn2.get(), sn3.get()});
    BOOST_REQUIRE_MESSAGE(ok, "SN " << i << " does not list all three SNs active");
  }
  sn1->signal(SIGKILL);
  BOOST_REQUIRE_EQUAL(sn1->wait_exit(10s), 128 + SIGKILL);
  BOOST_REQUIRE_MESSAGE(c.wait_all(2, {{"SN-1", "DEAD"}}), "SN 2 did not mark SN-1 dead");
  auto sn4 = c.start(4, 2);
  std::map<std::string, std::string> after{{"SN-1", "DEAD"}, {"SN-4", "ACTIVE"}};
  for (int i : {2, 3, 4}) {
    bool ok = c.wait_all(i, after);
    if (!ok) {
      BOOST_TEST_MESSAGE("SN " << i << " lists: " << c.nodes(i).dump());
      dump({sn2.get(), sn3.get(), sn4.get()});
    }
    BOOST_CHECK_MESSAGE(ok, "SN " << i << " does not list SN-4 ACTIVE and SN-1 DEAD");
  }
}

BOOST_AUTO_TEST_CASE(bad_clients_are_refused_on_both_ports_and_the_sn_keeps_serving) {
  // A refused peer may hang up while we write: an error, not a signal.
  std::signal(SIGPIPE, SIG_IGN);
  cluster c{1, true};
  const auto& host = c.hosts[0];
  // SWCI-1's name, issued by the trusted CA-1, but expired yesterday.
  namespace identity = swarm::identity;
  identity::key_and_cert ca{read_text(host.ca_key), read_text(host.ca_cert)};
  identity::cert_spec spec;
  spec.common_name = "SWCI-1";
  spec.sans = {"DNS:SWCI-1"};
  spec.not_before = identity::clock::now() - 30 * 24h;
  spec.not_after = identity::clock::now() - 24h;
  auto leaf = identity::issue_cert(spec, ca);
  BOOST_REQUIRE_MESSAGE(leaf, (leaf ? "" : leaf.error().to_string()));
  auto expired_cert = c.dir.path() / "expired-cert.pem";
  auto expired_key = c.dir.path() / "expired-key.pem";
  write_text(expired_cert, leaf->cert_pem);
  write_text(expired_key, leaf->key_pem);

  auto sn = c.start(1, 0);
  BOOST_REQUIRE(c.wait_all(1, {{"SN-1", "ACTIVE"}}));
  const auto ip = cluster::ip(1);

  // The API port.
  BOOST_CHECK_MESSAGE(api_refused(*https_client(ip, c.api_port)), "API: no certificate");
  BOOST_CHECK_MESSAGE(api_refused(*https_client(ip, c.api_port, c.stranger.cert("swci"),
                                                c.stranger.key("swci"))),
                      "API: untrusted CA");
  BOOST_CHECK_MESSAGE(api_refused(*https_client(ip, c.api_port, expired_cert, expired_key)),
                      "API: expired certificate");
  {
    tcp_socket sock{ip, c.api_port};
    sock.send_all("GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    bool closed = false;
    auto answer = sock.read_until_closed(closed);
    BOOST_CHECK_MESSAGE(closed, "API: plaintext connection not closed");
    BOOST_CHECK_MESSAGE(answer.find("HTTP/") == std::string::npos,
                        "API: plaintext got an HTTP answer: " << answer);
  }

  // The p2p port.
  auto no_cert = raw_tls_session(ip, c.p2p_port);
  BOOST_CHECK_MESSAGE(tls_refused(no_cert), "p2p: no certificate: handshake "
                                                << no_cert.handshake_ok << " closed "
                                                << no_cert.closed << " received "
                                                << no_cert.received.size());
  auto expired = raw_tls_session(ip, c.p2p_port, expired_cert, expired_key);
  BOOST_CHECK_MESSAGE(tls_refused(expired), "p2p: expired certificate: handshake "
                                                << expired.handshake_ok << " closed "
                                                << expired.closed << " received "
                                                << expired.received.size());
  auto untrusted = raw_tls_session(ip, c.p2p_port, c.stranger.cert("sn"), c.stranger.key("sn"));
  BOOST_CHECK_MESSAGE(tls_refused(untrusted), "p2p: untrusted CA: handshake "
                                                  << untrusted.handshake_ok << " closed "
                                                  << untrusted.closed << " received "
                                                  << untrusted.received.size());
  {
    tcp_socket sock{ip, c.p2p_port};
    static const char garbage[] = "\x00\xffgarbage\r\n\r\nGET / HTTP/1.1\r\n\r\n";
    sock.send_all(std::string(garbage, sizeof(garbage) - 1));
    bool closed = false;
    auto answer = sock.read_until_closed(closed);
    BOOST_CHECK_MESSAGE(closed, "p2p: plaintext connection not closed");
    // Nothing, or at most a TLS alert record (content type 21).
    BOOST_CHECK_MESSAGE(answer.empty() || answer[0] == '\x15',
                        "p2p: plaintext got an answer of " << answer.size() << " bytes");
  }

  // Control: a trusted peer does get a live session (the server speaks), so
  // the refusals above are the SN's verdict, not this client's doing.
  auto trusted = raw_tls_session(ip, c.p2p_port, host.cert("sn"), host.key("sn"));
  BOOST_CHECK_MESSAGE(!tls_refused(trusted), "p2p: a trusted peer got no session");

  // Still serving.
  auto good = https_client(ip, c.api_port, host.cert("swci"), host.key("swci"));
  for (const char* path : {"/v1/health", "/v1/nodes"}) {
    auto res = good->Get(path);
    BOOST_REQUIRE_MESSAGE(res, path << ": " << httplib::to_string(res.error()));
    BOOST_CHECK_MESSAGE(res->status == 200, path << ": " << res->status);
  }
  BOOST_CHECK_EQUAL(sn->wait_exit(0ms), -1);
  BOOST_CHECK_MESSAGE(sn->output().find("Starting SWARM-API-SERVER") != std::string::npos,
                      sn->output());
}
