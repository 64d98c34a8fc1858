// Three `swarm sn` processes on 127.0.1.1, 127.0.2.1 and 127.0.3.1 (the
// sentinel first): they agree on /v1/nodes; after `kill -9` of the sentinel
// the others mark it DEAD; SIGTERM exits 0; a restart on the same data
// directory, joining through SN 2, keeps the uuid.

#define BOOST_TEST_MODULE sn_overlay
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include "process.hpp"
#include "sn_process.hpp"

namespace {

using namespace sn_test;
using swarm::identity::cert_tree;

constexpr auto deadline = 120s;

struct cluster {
  swarm::test::temp_dir dir;
  std::vector<cert_tree> hosts;
  // Ports from the pid, so parallel runs of this test rarely collide.
  uint16_t p2p_port = static_cast<uint16_t>(20000 + (::getpid() % 20000) * 2 % 20000);
  uint16_t api_port = static_cast<uint16_t>(p2p_port + 1);

  cluster() {
    for (int i = 1; i <= 3; ++i)
      hosts.push_back(make_host(dir.path() / ("h" + std::to_string(i)), i));
    for (auto& from : hosts)
      for (auto& into : hosts)
        if (&from != &into)
          exchange(from, into);
  }

  static std::string ip(int i) {
    return "127.0." + std::to_string(i) + ".1";
  }

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
                                 deadline))
      BOOST_FAIL("SN " << i << " did not start:\n" << result->output());
    return result;
  }

  nlohmann::json nodes(int i) {
    const auto& tree = hosts[static_cast<size_t>(i - 1)];
    return get_nodes(ip(i), api_port, tree.cert("swci"), tree.key("swci"));
  }

  // Waits until SN `i` lists `name` with `status`; returns its uuid or "".
  std::string wait_status(int i, const std::string& name, const std::string& status) {
    std::string uuid;
    swarm::test::wait_until(
      [&] {
        for (const auto& row : nodes(i))
          if (row.value("name", "") == name && row.value("status", "") == status) {
            uuid = row.value("uuid", "");
            return true;
          }
        return false;
      },
      deadline);
    return uuid;
  }
};

void dump(const std::vector<sn_process*>& xs) {
  for (auto* x : xs)
    if (x)
      BOOST_TEST_MESSAGE(x->output());
}

} // namespace

BOOST_AUTO_TEST_CASE(three_sns_join_detect_death_and_restart) {
  cluster c;
  auto sn1 = c.start(1, 0);
  auto sn2 = c.start(2, 1);
  auto sn3 = c.start(3, 1);
  std::vector<std::string> names{"SN-1", "SN-2", "SN-3"};
  std::map<std::string, std::string> uuids;
  for (int i = 1; i <= 3; ++i)
    for (const auto& name : names) {
      auto uuid = c.wait_status(i, name, "ACTIVE");
      if (uuid.empty())
        dump({sn1.get(), sn2.get(), sn3.get()});
      BOOST_REQUIRE_MESSAGE(!uuid.empty(), "SN " << i << " does not list " << name);
      if (uuids.count(name))
        BOOST_CHECK_EQUAL(uuids[name], uuid);
      uuids[name] = uuid;
    }
  // The sentinel crashes: the survivors declare it dead.
  sn1->signal(SIGKILL);
  BOOST_CHECK_EQUAL(sn1->wait_exit(10s), 128 + SIGKILL);
  for (int i : {2, 3})
    BOOST_CHECK_MESSAGE(!c.wait_status(i, "SN-1", "DEAD").empty(),
                        "SN " << i << " did not mark the sentinel dead");
  // A graceful stop: exit 0, and SN 2 records the departure.
  sn3->signal(SIGTERM);
  BOOST_CHECK_EQUAL(sn3->wait_exit(30s), 0);
  BOOST_CHECK(!c.wait_status(2, "SN-3", "LEFT").empty());
  // Back on its data directory, through SN 2: same uuid, active again.
  sn3 = c.start(3, 2);
  BOOST_CHECK_EQUAL(c.wait_status(2, "SN-3", "ACTIVE"), uuids["SN-3"]);
  BOOST_CHECK_EQUAL(c.wait_status(3, "SN-2", "ACTIVE"), uuids["SN-2"]);
  sn2->signal(SIGTERM);
  BOOST_CHECK_EQUAL(sn2->wait_exit(30s), 0);
}

BOOST_AUTO_TEST_CASE(bad_flags_and_identity_files_fail_clearly) {
  swarm::test::temp_dir dir;
  auto swarm_bin = (swarm::test::bin_dir() / "swarm").string();
  auto run = [&](std::vector<std::string> extra) {
    swarm::test::process_options opts;
    opts.argv = {swarm_bin, "sn", "--host-ip", "127.0.4.1", "--sentinel",
                 "--data-dir", (dir.path() / "data").string()};
    opts.argv.insert(opts.argv.end(), extra.begin(), extra.end());
    opts.deadline = std::chrono::seconds{60};
    return swarm::test::run_process(opts);
  };
  auto tree = make_host(dir.path() / "h", 1);
  // No trust store: a usage error.
  auto no_ca = run({"--key", tree.key("sn").string(), "--cert", tree.cert("sn").string()});
  BOOST_CHECK_EQUAL(no_ca.exit_code, 2);
  BOOST_CHECK_MESSAGE(no_ca.output.find("--capath or --cacert") != std::string::npos,
                      no_ca.output);
  // A key that does not exist: the transport's pre-flight names it.
  auto missing = (dir.path() / "missing-key.pem").string();
  auto bad_key = run({"--key", missing, "--cert", tree.cert("sn").string(), "--capath",
                      tree.capath.string()});
  BOOST_CHECK_EQUAL(bad_key.exit_code, 1);
  BOOST_CHECK_MESSAGE(bad_key.output.find("missing-key.pem") != std::string::npos,
                      bad_key.output);
  // A non-sentinel needs to know where to join.
  swarm::test::process_options opts;
  opts.argv = {swarm_bin, "sn", "--host-ip", "127.0.4.1", "--key", tree.key("sn").string(),
               "--cert", tree.cert("sn").string(), "--capath", tree.capath.string()};
  auto no_seed = swarm::test::run_process(opts);
  BOOST_CHECK_EQUAL(no_seed.exit_code, 1);
  BOOST_CHECK_MESSAGE(no_seed.output.find("--sentinel-ip") != std::string::npos, no_seed.output);
}
