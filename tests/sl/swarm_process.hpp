#pragma once
// Real `swarm sn` and `swarm sl` processes for the SL integration tests and
// the round benchmark: each SL runs in its own process group with its ML
// child, so one kill takes both and nothing outlives a test. Waits poll a
// condition against a generous deadline; nothing sleeps a fixed time.

#include <cerrno>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "../sn/sn_process.hpp"
#include "wait_until.hpp"

namespace sl_test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

/// Returns the contents of `path` ("" if it cannot be read).
inline std::string read_text(const fs::path& path) {
  std::ifstream in{path};
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

/// A child process leading its own process group (it and everything it
/// starts), output appended to a log file. Destruction kills the whole
/// group and reaps it: this process is made a child subreaper, so a
/// grandchild orphaned by a killed parent is reparented here, not to init.
class process_group {
public:
  /// Starts `argv` with `env` added to ours.
  process_group(std::vector<std::string> argv, const std::map<std::string, std::string>& env,
                fs::path log)
    : log_(std::move(log)) {
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
    pid_ = ::fork();
    if (pid_ < 0)
      throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::setpgid(0, 0);
      int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      for (const auto& [key, value] : env)
        ::setenv(key.c_str(), value.c_str(), 1);
      std::vector<char*> args;
      for (auto& x : argv)
        args.push_back(x.data());
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    // Also from this side, so a kill right after the fork hits the group.
    ::setpgid(pid_, pid_);
  }

  ~process_group() {
    kill_all();
  }

  process_group(const process_group&) = delete;
  process_group& operator=(const process_group&) = delete;

  /// Returns the leader's pid (also the group id).
  pid_t pid() const {
    return pid_;
  }

  /// Sends SIGKILL to every process of the group and reaps them all;
  /// returns whether the group is gone.
  bool kill_all() {
    if (!group_gone())
      ::killpg(pid_, SIGKILL);
    return swarm::test::wait_until([&] { return group_gone(); }, 10s);
  }

  /// Waits up to `timeout` for the leader's exit; returns its exit code,
  /// 128 + signal, or -1 on timeout.
  int wait_exit(std::chrono::milliseconds timeout) {
    swarm::test::wait_until([&] { return exit_code().has_value(); }, timeout);
    return status_.value_or(-1);
  }

  /// Returns the leader's exit code if it exited.
  std::optional<int> exit_code() {
    reap();
    return status_;
  }

  /// Returns whether no process of the group is left (zombies reaped).
  bool group_gone() {
    reap();
    return ::killpg(pid_, 0) != 0 && errno == ESRCH;
  }

  /// Returns the output so far.
  std::string output() const {
    return read_text(log_);
  }

  /// Waits until the output contains `text`; false on timeout or exit.
  bool wait_for_output(const std::string& text, std::chrono::milliseconds timeout) {
    swarm::test::wait_until(
      [&] { return exit_code().has_value() || output().find(text) != std::string::npos; },
      timeout);
    return output().find(text) != std::string::npos;
  }

  /// Returns the log file.
  const fs::path& log() const {
    return log_;
  }

private:
  // Reaps whatever of the group has ended, without blocking.
  void reap() {
    int st = 0;
    pid_t r = 0;
    while ((r = ::waitpid(-pid_, &st, WNOHANG)) > 0)
      if (r == pid_)
        status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  }

  pid_t pid_ = -1;
  std::optional<int> status_;
  fs::path log_;
};

using swarm::test::wait_until;

/// Makes certificates for hosts 1..n (CN SL-I, SN-I, ...; sn_process.hpp's
/// gen-cert helper) and gives every host every other host's CA certificate.
inline std::vector<swarm::identity::cert_tree> make_hosts(const fs::path& root, int n) {
  std::vector<swarm::identity::cert_tree> hosts;
  for (int i = 1; i <= n; ++i)
    hosts.push_back(sn_test::make_host(root / std::string{"h"}.append(std::to_string(i)), i));
  for (const auto& from : hosts)
    for (const auto& into : hosts)
      if (&from != &into)
        sn_test::exchange(from, into);
  return hosts;
}

/// GETs `path` from an SN's HTTPS API with a client certificate; null if
/// the API does not answer (yet) or answers with an error.
inline nlohmann::json get_json(const std::string& host, uint16_t port, const std::string& path,
                               const fs::path& cert, const fs::path& key) {
  httplib::SSLClient client{host, port, cert.string(), key.string()};
  // The SL's behaviour is under test, not the API's hostname checks.
  client.enable_server_certificate_verification(false);
  client.set_connection_timeout(5s);
  client.set_read_timeout(5s);
  auto res = client.Get(path);
  if (!res || res->status != 200)
    return nullptr;
  auto body = nlohmann::json::parse(res->body, nullptr, false);
  return body.is_discarded() ? nlohmann::json{} : body;
}

} // namespace sl_test
