#pragma once

// Certificates for three hosts (1 and 2 have exchanged CA certificates, 3 is
// a stranger), a fake SN behind the real server on 127.0.1.1, and clients.

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include <httplib.h>

#include "process.hpp"
#include "wait_until.hpp"
#include "swarm/api/metrics.hpp"
#include "swarm/api/server.hpp"
#include "swarm/api/sn_metrics.hpp"
#include "swarm/api/sn_routes.hpp"
#include "swarm/identity/capath.hpp"
#include "swarm/identity/gen_cert.hpp"
#include "swarm/identity/pki.hpp"

namespace api_test {

namespace fs = std::filesystem;
namespace identity = swarm::identity;
using namespace std::chrono_literals;

/// The loopback address the server listens on (its certificates carry it).
inline const std::string server_host = "127.0.1.1";

inline std::string read_text(const fs::path& path) {
  std::ifstream in{path, std::ios::binary};
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out{path, std::ios::binary | std::ios::trunc};
  out << text;
}

template <class T>
T required(swarm::expected<T> x) {
  if (!x)
    throw std::runtime_error(x.error().to_string());
  return std::move(*x);
}

/// Every certificate the tests need, made once per test program.
struct pki {
  swarm::test::temp_dir dir;
  identity::cert_tree host1;
  identity::cert_tree host2;
  identity::cert_tree stranger;
  fs::path expired_cert;
  fs::path expired_key;

  pki() {
    host1 = make_tree(1);
    host2 = make_tree(2);
    stranger = make_tree(3);
    // The CA exchange HPE's walkthrough does with scp.
    fs::copy_file(host2.ca_cert, host1.capath / "ca-2-cert.pem");
    fs::copy_file(host1.ca_cert, host2.capath / "ca-1-cert.pem");
    required(identity::rehash_capath(host1.capath));
    required(identity::rehash_capath(host2.capath));
    make_expired();
  }

  identity::cert_tree make_tree(int index) {
    identity::gen_cert_options opts;
    // Each host has its own workspace, as on separate machines.
    opts.root = dir.path() / ("host" + std::to_string(index));
    opts.example = "api";
    opts.host_index = index;
    opts.extra_sans = {"IP:" + server_host};
    return required(identity::gen_cert(opts));
  }

  /// SWCI-2's name, issued by the trusted CA-2, but expired yesterday.
  void make_expired() {
    identity::key_and_cert ca{read_text(host2.ca_key), read_text(host2.ca_cert)};
    identity::cert_spec spec;
    spec.common_name = "SWCI-2";
    spec.sans = {"DNS:SWCI-2"};
    spec.not_before = identity::clock::now() - 30 * 24h;
    spec.not_after = identity::clock::now() - 24h;
    auto leaf = required(identity::issue_cert(spec, ca));
    expired_cert = dir.path() / "expired-cert.pem";
    expired_key = dir.path() / "expired-key.pem";
    write_text(expired_cert, leaf.cert_pem);
    write_text(expired_key, leaf.key_pem);
  }

  static const pki& get() {
    static const pki instance;
    return instance;
  }
};

/// A fake SN: fixed health and nodes, real metrics.
struct fake_sn : swarm::api::api_provider {
  swarm::api::metrics_registry* registry = nullptr;

  swarm::api::health_info health() override {
    swarm::api::health_info info;
    info.name = "SN-1";
    info.uuid = "0b6f5c52-8d4e-4b7a-9f1e-2a3b4c5d6e7f";
    info.role = "sentinel";
    info.uptime_s = 1.5;
    info.members = {2, 0, 1, 0};
    return info;
  }

  std::vector<swarm::api::node_view> nodes() override {
    swarm::api::node_view sn;
    sn.type = "SENTINEL";
    sn.host = server_host;
    sn.p2p_port = 30303;
    sn.api_port = 30304;
    sn.name = "SN-1";
    sn.uuid = "0b6f5c52-8d4e-4b7a-9f1e-2a3b4c5d6e7f";
    sn.status = "ACTIVE";
    sn.last_seen_ms = 1735689600123;
    return {sn};
  }

  std::string metrics_text() override {
    return registry->render();
  }
};

/// Options for the server of host 1, on a port the system picks.
inline swarm::api::api_server_options server_options() {
  const auto& p = pki::get();
  swarm::api::api_server_options opts;
  opts.host = server_host;
  opts.port = 0;
  opts.identity.key = p.host1.key("sn");
  opts.identity.cert = p.host1.cert("sn");
  opts.identity.capath = p.host1.capath;
  return opts;
}

/// The real server with the SN routes over a `fake_sn`, started.
struct running_server {
  swarm::api::metrics_registry registry;
  std::shared_ptr<fake_sn> provider = std::make_shared<fake_sn>();
  std::unique_ptr<swarm::api::api_server> server;

  explicit running_server(
    const std::function<void(swarm::api::api_server_options&)>& tweak = {}) {
    required(swarm::api::sn_metrics::add_to(registry));
    provider->registry = &registry;
    swarm::api::router routes;
    if (auto st = swarm::api::add_sn_routes(routes, provider); !st)
      throw std::runtime_error(st.error().to_string());
    auto opts = server_options();
    opts.metrics = &registry;
    if (tweak)
      tweak(opts);
    server = std::make_unique<swarm::api::api_server>(opts, std::move(routes));
    if (auto st = server->start(); !st)
      throw std::runtime_error(st.error().to_string());
  }

  uint16_t port() const {
    return server->port();
  }

  /// Returns the value of the sample line starting with `series` (e.g.
  /// `swarm_api_handshake_failures_total{reason="expired"}`), or 0.
  double sample(const std::string& series) const {
    auto text = registry.render();
    auto at = text.find("\n" + series + " ");
    if (at == std::string::npos)
      return 0;
    return std::stod(text.substr(at + series.size() + 2));
  }

  double refusals(const std::string& reason) const {
    return sample("swarm_api_handshake_failures_total{reason=\"" + reason + "\"}");
  }
};

/// Polls `condition` until it holds or `timeout` passes; for effects that
/// the server records after the client has already seen the outcome.
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = 10s) {
  return swarm::test::wait_until(condition, timeout);
}

/// An HTTPS client that verifies the server against CA-1 and presents
/// `cert`/`key` (none if empty).
inline std::unique_ptr<httplib::SSLClient> https_client(uint16_t port, const fs::path& cert = {},
                                                        const fs::path& key = {}) {
  auto client = cert.empty()
                  ? std::make_unique<httplib::SSLClient>(server_host, port)
                  : std::make_unique<httplib::SSLClient>(server_host, port, cert.string(),
                                                         key.string());
  client->set_ca_cert_path(pki::get().host1.ca_cert.c_str());
  client->enable_server_certificate_verification(true);
  client->set_connection_timeout(5s);
  client->set_read_timeout(5s);
  client->set_write_timeout(5s);
  return client;
}

/// A client of host 2 (SWCI-2, issued by CA-2, which host 1 trusts).
inline std::unique_ptr<httplib::SSLClient> good_client(uint16_t port) {
  const auto& p = pki::get();
  return https_client(port, p.host2.cert("swci"), p.host2.key("swci"));
}

} // namespace api_test
