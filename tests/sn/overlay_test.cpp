// Three `swarm sn` processes on 127.0.1.1, 127.0.2.1 and 127.0.3.1 (the
// sentinel first): they agree on /v1/nodes; after `kill -9` of the sentinel
// the others mark it DEAD; SIGTERM exits 0; a restart on the same data
// directory, joining through SN 2, keeps the uuid.

#define BOOST_TEST_MODULE sn_overlay
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include "sn_cluster.hpp"

namespace {

using namespace sn_test;
constexpr auto deadline = cluster_deadline;

/// A cluster of three SNs, its ports apart from overlay_failover_test's.
struct cluster : sn_cluster {
  cluster() : sn_cluster(3, 20000, 20000) {}

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
