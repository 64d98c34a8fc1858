#pragma once
// A swarm on loopback for the SL tests and the round benchmark: host i is
// 127.<net>.i.1 with its own CA (all CA certificates exchanged), a sentinel
// SN on host 1, one `swarm sl` per host with its ML child; and readers of
// what the SLs and MLs log.

#include <memory>
#include <regex>

#include "process.hpp"
#include "swarm_process.hpp"

namespace sl_test {

/// One "round N committed: leader X (term T), P participants, digest D"
/// line of an SL log.
struct commit_line {
  /// Round number.
  uint64_t round = 0;
  /// Name of the leader that committed it.
  std::string leader;
  /// The leader's term.
  uint64_t term = 0;
  /// Number of participants.
  size_t participants = 0;
  /// The logged digest prefix (16 hex digits).
  std::string digest;
  /// Whether it was the final round.
  bool final = false;
  /// Whether this SL reached it by catch-up rather than taking part.
  bool caught_up = false;
};

/// Returns the commit lines of an SL log, in order.
inline std::vector<commit_line> commits_in(const std::string& log) {
  static const std::regex line{R"(round (\d+) committed: leader (\S+) \(term (\d+)\), (\d+) )"
                               R"(participants, digest ([0-9a-f]+)(, final)?(, caught up)?)"};
  std::vector<commit_line> result;
  for (auto i = std::sregex_iterator(log.begin(), log.end(), line); i != std::sregex_iterator();
       ++i) {
    const auto& m = *i;
    result.push_back(commit_line{std::stoull(m[1]), m[2], std::stoull(m[3]), std::stoul(m[4]),
                                 m[5], m[6].matched, m[7].matched});
  }
  return result;
}

/// Returns the rest of the first line that contains `prefix`, after it
/// (e.g. the hex after "Final model SHA-256: "), or "".
inline std::string value_after(const std::string& log, const std::string& prefix) {
  auto at = log.find(prefix);
  if (at == std::string::npos)
    return {};
  at += prefix.size();
  return log.substr(at, log.find('\n', at) - at);
}

/// The line an ML logs once it holds the swarm's final model.
inline const std::string final_model_line =
  "All peers and Swarm training rounds finished. Final Swarm model was loaded.";

/// Returns the final model's SHA-256 (hex) that an ML printed, or "" if
/// its log lacks `final_model_line` or the digest.
inline std::string final_digest(const std::string& log) {
  if (log.find(final_model_line) == std::string::npos)
    return {};
  return value_after(log, "Final model SHA-256: ");
}

/// Returns the last `n` lines of `text`.
inline std::string tail(const std::string& text, size_t n = 40) {
  size_t at = text.size();
  for (size_t lines = 0; at > 0 && lines <= n;)
    if (text[--at] == '\n')
      ++lines;
  return text.substr(at);
}

/// What one SL runs.
struct sl_spec {
  /// The ML program (a path; passed to --ml-cmd).
  fs::path ml_program;
  /// The ML's settings (--ml-e KEY=VAL).
  std::map<std::string, std::string> ml_env;
  /// The SL's own environment (SL_LEADER_FAILURE_BASE_TIMEOUT, ...).
  std::map<std::string, std::string> sl_env;
  /// More `swarm sl` flags (`start_sl` only).
  std::vector<std::string> sl_flags;
};

/// A swarm of SLs on loopback, killed and reaped on destruction.
class swarm_cluster {
public:
  /// Makes certificates for `hosts` hosts under `root`; host i will use the
  /// address 127.`net`.i.1, so clusters with different `net` never meet.
  swarm_cluster(fs::path bin, fs::path root, int net, int hosts)
    : bin_(std::move(bin)), root_(std::move(root)), net_(net),
      hosts_(make_hosts(root_ / "certs", hosts)) {
    // From the pid: concurrent runs of one test, and runs of scripts/run-swarm
    // (30303-30305), do not collide.
    uint16_t base = static_cast<uint16_t>(31000 + (::getpid() % 1600) * 5);
    p2p_port_ = base;
    api_port_ = static_cast<uint16_t>(base + 1);
    fs_port_ = static_cast<uint16_t>(base + 2);
  }

  /// Returns host `i`'s address.
  std::string ip(int i) const {
    return "127." + std::to_string(net_) + "." + std::to_string(i) + ".1";
  }

  /// Starts the sentinel SN on host 1 and waits until its API is up.
  process_group& start_sn() {
    const auto& tree = hosts_.at(0);
    std::vector<std::string> argv{(bin_ / "swarm").string(), "sn", "--sentinel", "--host-ip",
                                  ip(1), "--sn-p2p-port", std::to_string(p2p_port_),
                                  "--sn-api-port", std::to_string(api_port_), "--key",
                                  tree.key("sn").string(), "--cert", tree.cert("sn").string(),
                                  "--capath", tree.capath.string(), "--data-dir",
                                  (root_ / "sn1").string()};
    sn_ = std::make_unique<process_group>(std::move(argv), std::map<std::string, std::string>{},
                                          root_ / "sn1.log");
    if (!sn_->wait_for_output("Starting SWARM-API-SERVER on port: " + std::to_string(api_port_),
                              120s))
      throw std::runtime_error("the SN did not start:\n" + tail(sn_->output()));
    return *sn_;
  }

  /// Starts the SL of host `i` (name SL-i) with its ML, through the SN.
  process_group& start_sl(int i, const sl_spec& spec) {
    const auto& tree = hosts_.at(static_cast<size_t>(i - 1));
    auto data = root_ / ("sl" + std::to_string(i));
    auto work = root_ / ("work" + std::to_string(i));
    fs::create_directories(work);
    std::vector<std::string> argv{(bin_ / "swarm").string(), "sl", "--host-ip", ip(i), "--sn-ip",
                                  ip(1), "--sn-p2p-port", std::to_string(p2p_port_),
                                  "--sn-api-port", std::to_string(api_port_), "--sl-fs-port",
                                  std::to_string(fs_port_), "--key", tree.key("sl").string(),
                                  "--cert", tree.cert("sl").string(), "--capath",
                                  tree.capath.string(), "--data-dir", data.string(), "--ml-cmd",
                                  "'" + spec.ml_program.string() + "'", "--ml-w", work.string(),
                                  "--ml-connect-timeout", "120"};
    for (const auto& [key, value] : spec.ml_env)
      argv.insert(argv.end(), {"--ml-e", key + "=" + value});
    argv.insert(argv.end(), spec.sl_flags.begin(), spec.sl_flags.end());
    auto log = root_ / ("sl" + std::to_string(i) + ".log");
    auto& slot = sls_[i];
    slot = std::make_unique<process_group>(std::move(argv), spec.sl_env, log);
    return *slot;
  }

  /// Starts host `i`'s ML program with its SL embedded in the process
  /// (SWARM_SL_EMBEDDED=True, name SL-i) instead of a `swarm sl` process.
  process_group& start_embedded(int i, const sl_spec& spec) {
    const auto& tree = hosts_.at(static_cast<size_t>(i - 1));
    auto env = spec.sl_env;
    for (const auto& [key, value] : spec.ml_env)
      env[key] = value;
    env["SWARM_SL_EMBEDDED"] = "True";
    env["THIS_NODE_IP"] = ip(i);
    env["SN_NODE_IP"] = ip(1);
    env["SN_P2P_PORT"] = std::to_string(p2p_port_);
    env["SL_FS_PORT"] = std::to_string(fs_port_);
    env["SL_KEY"] = tree.key("sl").string();
    env["SL_CERT"] = tree.cert("sl").string();
    env["SL_CAPATH"] = tree.capath.string();
    env["SL_DATA_DIR"] = (root_ / ("sl" + std::to_string(i))).string();
    auto log = root_ / ("sl" + std::to_string(i) + ".log");
    auto& slot = sls_[i];
    slot = std::make_unique<process_group>(std::vector<std::string>{spec.ml_program.string()},
                                           env, log);
    return *slot;
  }

  /// Returns the SL of host `i`.
  process_group& sl(int i) {
    return *sls_.at(i);
  }

  /// Returns the output of the SL of host `i` (with its ML's).
  std::string log(int i) const {
    return sls_.at(i)->output();
  }

  /// Returns the commit lines of the SL of host `i`.
  std::vector<commit_line> commits(int i) const {
    return commits_in(log(i));
  }

  /// GETs `path` from the SN's API with host 1's SWCI certificate.
  nlohmann::json api(const std::string& path) const {
    const auto& tree = hosts_.at(0);
    return get_json(ip(1), api_port_, path, tree.cert("swci"), tree.key("swci"));
  }

  /// Returns the tails of every log, for failure messages.
  std::string dump() const {
    std::string result = "== SN\n" + (sn_ ? tail(sn_->output(), 15) : std::string{});
    for (const auto& [i, x] : sls_)
      result += "== SL-" + std::to_string(i) + "\n" + tail(x->output());
    return result;
  }

  /// Returns "SL-i failed (exit N)" and the tails of every log.
  std::string failure(int i) const {
    auto code = sls_.at(i)->exit_code();
    return "SL-" + std::to_string(i) + " failed (exit " + std::to_string(code.value_or(-1))
           + ")\n" + dump();
  }

  /// Returns the SN's API port.
  uint16_t api_port() const {
    return api_port_;
  }

private:
  fs::path bin_;
  fs::path root_;
  int net_;
  std::vector<swarm::identity::cert_tree> hosts_;
  uint16_t p2p_port_ = 0;
  uint16_t api_port_ = 0;
  uint16_t fs_port_ = 0;
  // SLs first, the SN last: members go before the overlay's seed.
  std::unique_ptr<process_group> sn_;
  std::map<int, std::unique_ptr<process_group>> sls_;
};

/// Settings of a toy ML node (tests/sl/toy_ml.cpp) named `name`; `extra`
/// overrides or adds.
inline sl_spec toy_spec(const fs::path& bin, const std::string& name,
                        std::map<std::string, std::string> extra = {}) {
  sl_spec spec;
  spec.ml_program = bin / "swarm-toy-ml";
  spec.ml_env = {{"NODE_NAME", name}, {"MIN_PEERS", "2"}, {"SYNC_FREQUENCY", "10"}};
  for (auto& [key, value] : extra)
    spec.ml_env[key] = value;
  spec.sl_env = {{"SL_LEADER_FAILURE_BASE_TIMEOUT", "1"},
                 {"SL_WAIT_FOR_FULL_QUORUM_SECONDS", "2"}};
  return spec;
}

/// A toy node "toy-i" with a small two-layer model that trains `batches`
/// batches of 30 ms of compute, syncing every 10: a run of several seconds
/// with a round every 0.3 s, for tests that kill or restart something.
inline sl_spec busy_toy(int i, int batches) {
  return toy_spec(swarm::test::bin_dir(), "toy-" + std::to_string(i),
                  {{"TOY_SHAPE", "256x64,64,64x10,10"},
                   {"TOY_BATCHES", std::to_string(batches)},
                   {"TOY_BATCH_WORK_US", "30000"}});
}

} // namespace sl_test
