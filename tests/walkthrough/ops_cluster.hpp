#pragma once
// One operator "host" on loopback for the failure-path tests: gen-cert
// certificates, a sentinel SN, SWOPs with PROCESS profiles, and SWCI runs
// with a script. Real processes; waits poll a condition with a deadline.

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <sys/types.h>

#include "../sl/swarm_process.hpp"
#include "process.hpp"

namespace ops_test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

/// Writes `text` to `path`, creating its directory; returns the path.
inline fs::path write_text(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream{path} << text;
  return path;
}

/// A RUN_SWARM task running `entrypoint command` in /tmp/test (the private
/// data) with a model directory at /tmp/test/model.
inline std::string run_task(const std::string& name, const std::string& entrypoint,
                            const std::string& command, const fs::path& model_dir) {
  return "Name: " + name + "\nTaskType: RUN_SWARM\nAuthor: tests\nPrereq: ROOTTASK\n"
         "Outcome: " + name + "\nBody:\n    Command: " + command + "\n    Entrypoint: "
         + entrypoint + "\n    WorkingDir: /tmp/test\n    Envvars: [\"MIN_PEERS\": 1]\n"
         "    PrivateContent: /tmp/test/\n    SharedContent:\n    -   Src: "
         + model_dir.string() + "\n        Tgt: /tmp/test/model\n        MType: BIND\n";
}

/// A sentinel SN on `ip` plus what SWOPs and SWCIs need around it.
class ops_cluster {
public:
  /// Makes certificates under a fresh directory; starts nothing.
  explicit ops_cluster(std::string ip, uint16_t port_base)
    : ip_(std::move(ip)), p2p_port_(port_base), api_port_(port_base + 1),
      certs_(sn_test::make_host(dir_.path() / "certs", 1)) {
    // Each test's processes register here, not in the user's run directory.
    ::setenv("SWARM_RUN_DIR", (dir_.path() / "run").c_str(), 1);
  }

  /// Returns the scratch directory.
  const fs::path& dir() const {
    return dir_.path();
  }

  /// Returns the SN's address.
  const std::string& ip() const {
    return ip_;
  }

  /// Returns the SN's API port.
  uint16_t api_port() const {
    return api_port_;
  }

  /// Starts the sentinel SN and waits until its API serves.
  void start_sn() {
    sn_ = std::make_unique<sl_test::process_group>(
      std::vector<std::string>{swarm(), "sn", "--sentinel", "--host-ip", ip_, "--sn-p2p-port",
                               std::to_string(p2p_port_), "--sn-api-port",
                               std::to_string(api_port_), "--key",
                               certs_.key("sn").string(), "--cert",
                               certs_.cert("sn").string(), "--capath",
                               certs_.capath.string(), "--data-dir",
                               (dir() / "sn").string()},
      std::map<std::string, std::string>{}, dir() / "sn.log");
    if (!sn_->wait_for_output("Starting SWARM-API-SERVER", 60s))
      throw std::runtime_error("the SN did not start:\n" + sn_->output());
  }

  /// Returns the SN process.
  sl_test::process_group& sn() {
    return *sn_;
  }

  /// Writes a PROCESS profile with one node whose private data is
  /// `<dir>/data` and whose SL listens on `sl_port`; returns the usr dir.
  fs::path write_profile(const std::string& extra_top_level = {}, uint16_t sl_port = 0) {
    auto usr = dir() / "swop-usr";
    fs::create_directories(dir() / "data");
    auto id = [&](const char* type, const fs::path& src, const char* tgt) {
      return "        - attribute:\n            aType: " + std::string{type}
             + "\n            mType: BIND\n            src: \"" + src.string()
             + "\"\n            tgt: \"" + tgt + "\"\n            subPath: null\n";
    };
    write_text(usr / "profile.yaml",
               "groupname: tests\ntaskrunner: defaulttaskbb.taskdb.sml.hpe\npolicyuri: ~\n"
               "resourcemgr:\n  mgrtype: PROCESS\n  accessinfo:\n    accesstype: FROMENV\n"
               "network: none\napls:\n  locator:\n    host: none\n    port: ~\n"
               "apisrv:\n  locator:\n    host: ~\n    port: ~\n    service: ~\n"
               "envvars: ~\n" + extra_top_level + "nodes:\n  - slnodedef:\n      idx: 0\n"
               "      identity:\n" + id("KEY", certs_.key("sl"), "/c/key.pem")
               + id("CERT", certs_.cert("sl"), "/c/cert.pem")
               + id("CAPATH", certs_.capath, "/c/capath") + "      slhostname: sl1\n"
               "      slhostip: " + ip_ + "\n      slport: "
               + std::to_string(sl_port != 0 ? sl_port : p2p_port_ + 2)
               + "\n      usrhostname: user1\n      privatedata:\n        src: \""
               + (dir() / "data").string() + "\"\n        mType: BIND\n"
               "      slenvvars: null\n      usrenvvars: null\n");
    return usr;
  }

  /// Returns the argv of `swarm swop` with the profile of `write_profile`.
  std::vector<std::string> swop_argv(const fs::path& usr) const {
    return {swarm(), "swop", "--usr-dir", usr.string(), "--profile-file-name", "profile.yaml",
            "--sn-ip", ip_, "--sn-api-port", std::to_string(api_port_), "--sn-p2p-port",
            std::to_string(p2p_port_), "--key", certs_.key("swop").string(), "--cert",
            certs_.cert("swop").string(), "--capath", certs_.capath.string(), "--host-ip",
            ip_, "--data-dir", (dir() / "swop").string()};
  }

  /// Writes `script` as SWCI's init script (it should end with EXIT) and
  /// returns the argv of `swarm swci` running it.
  std::vector<std::string> swci_argv(const std::string& script) const {
    auto usr = dir() / "swci-usr";
    write_text(usr / "swci-init", script);
    return {swarm(), "swci", "--usr-dir", usr.string(), "--init-script-name", "swci-init",
            "--key", certs_.key("swci").string(), "--cert", certs_.cert("swci").string(),
            "--capath", certs_.capath.string()};
  }

  /// Runs `swarm swci` with `script` as its init script; `env` is added to
  /// the environment.
  swarm::test::process_result run_swci(const std::string& script,
                                        std::map<std::string, std::string> env = {}) {
    swarm::test::process_options opts;
    opts.argv = swci_argv(script);
    for (auto& [k, v] : env)
      opts.env[k] = v;
    opts.deadline = 300s;
    return swarm::test::run_process(opts);
  }

  /// Returns `GET path` from the SN's API (null if it does not answer).
  nlohmann::json get(const std::string& path) const {
    return sl_test::get_json(ip_, api_port_, path, certs_.cert("swci"), certs_.key("swci"));
  }

  /// Returns the context lines every script starts with.
  std::string context() const {
    return "EXIT ON FAILURE\nCREATE CONTEXT t WITH IP " + ip_ + " " + std::to_string(api_port_)
           + "\nSWITCH CONTEXT t\n";
  }

private:
  static std::string swarm() {
    return (swarm::test::bin_dir() / "swarm").string();
  }

  swarm::test::temp_dir dir_;
  std::string ip_;
  uint16_t p2p_port_;
  uint16_t api_port_;
  swarm::identity::cert_tree certs_;
  std::unique_ptr<sl_test::process_group> sn_;
};

/// Returns the pids of this process's children other than `except`
/// (orphans of a killed SWOP come here: process_group makes this process a
/// child subreaper). Reaps the zombies among them first.
inline std::vector<pid_t> other_children(pid_t except) {
  while (::waitpid(-1, nullptr, WNOHANG) > 0) {
  }
  std::vector<pid_t> result;
  auto self = std::to_string(::getpid());
  for (const auto& e : fs::directory_iterator{"/proc"}) {
    auto name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos)
      continue;
    std::ifstream in{e.path() / "stat"};
    std::string text;
    std::getline(in, text);
    auto close = text.rfind(')');
    if (close == std::string::npos)
      continue;
    std::istringstream rest{text.substr(close + 1)};
    std::string state;
    std::string ppid;
    rest >> state >> ppid;
    pid_t pid = std::stoi(name);
    if (ppid == self && pid != except && state != "Z")
      result.push_back(pid);
  }
  return result;
}

} // namespace ops_test
