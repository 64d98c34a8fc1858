#pragma once
// `swarm sn` processes on loopback, host i at 127.0.i.1, with certificates
// from gen-cert and every trusted host's CA exchanged with the others (plus,
// optionally, a stranger whose CA nobody trusts).

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "process.hpp"
#include "sn_process.hpp"

namespace sn_test {

/// How long a cluster waits for an SN to start or to list what a test wants.
constexpr auto cluster_deadline = 120s;

/// `trusted` hosts' certificates and the SNs started on them. Each test
/// binary takes ports from its pid in its own range, so that parallel test
/// runs rarely collide.
struct sn_cluster {
  swarm::test::temp_dir dir;
  std::vector<swarm::identity::cert_tree> hosts;
  swarm::identity::cert_tree stranger;
  uint16_t p2p_port;
  uint16_t api_port;

  /// Makes the hosts' certificates; the P2P port is `port_base` plus an
  /// even offset below `port_span` from the pid, the API port the next one.
  sn_cluster(int trusted, uint16_t port_base, uint16_t port_span, bool with_stranger = false)
    : p2p_port(static_cast<uint16_t>(port_base + (::getpid() * 2) % port_span)),
      api_port(static_cast<uint16_t>(p2p_port + 1)) {
    for (int i = 1; i <= trusted; ++i)
      hosts.push_back(make_host(dir.path() / ("h" + std::to_string(i)), i));
    for (auto& from : hosts)
      for (auto& into : hosts)
        if (&from != &into)
          exchange(from, into);
    if (with_stranger)
      stranger = make_host(dir.path() / "stranger", trusted + 1);
  }

  /// Returns host `i`'s address.
  static std::string ip(int i) { return "127.0." + std::to_string(i) + ".1"; }

  /// Starts SN `i`: the sentinel if `join_through` is 0, else joining
  /// through SN `join_through`. Fails the test if its API does not start.
  std::unique_ptr<sn_process> start(int i, int join_through) {
    const auto& tree = hosts[static_cast<size_t>(i - 1)];
    std::vector<std::string> argv{(swarm::test::bin_dir() / "swarm").string(), "sn",
                                  "--host-ip", ip(i), "--sn-p2p-port", std::to_string(p2p_port),
                                  "--sn-api-port", std::to_string(api_port), "--key",
                                  tree.key("sn").string(), "--cert", tree.cert("sn").string(),
                                  "--capath", tree.capath.string(), "--data-dir",
                                  (dir.path() / ("data" + std::to_string(i))).string()};
    if (join_through == 0) {
      argv.push_back("--sentinel");
    } else {
      argv.insert(argv.end(), {"--sentinel-ip", ip(join_through), "--sentinel-p2p-port",
                               std::to_string(p2p_port)});
    }
    auto log = dir.path() / ("sn" + std::to_string(i) + ".log");
    auto result = std::make_unique<sn_process>(std::move(argv), log);
    if (!result->wait_for_output("Starting SWARM-API-SERVER on port: " + std::to_string(api_port),
                                 cluster_deadline))
      BOOST_FAIL("SN " << i << " did not start:\n" << result->output());
    return result;
  }

  /// Returns SN `i`'s /v1/nodes, asked with host `i`'s SWCI certificate.
  nlohmann::json nodes(int i) {
    const auto& tree = hosts[static_cast<size_t>(i - 1)];
    return get_nodes(ip(i), api_port, tree.cert("swci"), tree.key("swci"));
  }

  /// Waits until SN `i` lists every (name, status) of `want` at once.
  bool wait_all(int i, const std::map<std::string, std::string>& want) {
    return swarm::test::wait_until(
      [&] {
        size_t hits = 0;
        for (const auto& row : nodes(i)) {
          auto it = want.find(row.value("name", ""));
          if (it != want.end() && row.value("status", "") == it->second)
            ++hits;
        }
        return hits == want.size();
      },
      cluster_deadline);
  }
};

/// Prints the output of each of `xs` into the test log.
inline void dump(const std::vector<sn_process*>& xs) {
  for (auto* x : xs)
    if (x)
      BOOST_TEST_MESSAGE(x->output());
}

} // namespace sn_test
