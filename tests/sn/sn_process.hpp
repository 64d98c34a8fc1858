#pragma once
// A `swarm sn` child process in the background, its output in a log file,
// and a client of its API. Waits are on conditions with generous deadlines.

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "swarm/identity/capath.hpp"
#include "swarm/identity/gen_cert.hpp"
#include "wait_until.hpp"

namespace sn_test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

/// One `swarm sn` process; killed (SIGKILL) on destruction if still running.
class sn_process {
public:
  /// Starts `argv` with stdout and stderr appended to `log`.
  sn_process(std::vector<std::string> argv, fs::path log) : log_(std::move(log)) {
    pid_ = ::fork();
    if (pid_ < 0)
      throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      std::vector<char*> args;
      for (auto& x : argv)
        args.push_back(x.data());
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
  }

  ~sn_process() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  sn_process(const sn_process&) = delete;
  sn_process& operator=(const sn_process&) = delete;

  /// Sends `sig`.
  void signal(int sig) {
    ::kill(pid_, sig);
  }

  /// Waits up to `timeout` for the exit; returns the exit code, 128 + signal,
  /// or -1 on timeout.
  int wait_exit(std::chrono::milliseconds timeout) {
    swarm::test::wait_until([&] { return reaped(); }, timeout);
    return code_;
  }

  /// Returns the output so far.
  std::string output() const {
    std::ifstream in{log_};
    std::stringstream buf;
    buf << in.rdbuf();
    return buf.str();
  }

  /// Waits until the output contains `text`, or the process exits.
  bool wait_for_output(const std::string& text, std::chrono::milliseconds timeout) {
    swarm::test::wait_until(
      [&] { return output().find(text) != std::string::npos || reaped(); }, timeout);
    return output().find(text) != std::string::npos;
  }

private:
  // Reaps the process if it exited (keeping its exit code, or 128 +
  // signal); returns whether it has exited.
  bool reaped() {
    if (exited_)
      return true;
    int st = 0;
    if (::waitpid(pid_, &st, WNOHANG) != pid_)
      return false;
    exited_ = true;
    code_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return true;
  }

  pid_t pid_ = -1;
  bool exited_ = false;
  int code_ = -1;
  fs::path log_;
};

/// Returns the node rows of `GET /v1/nodes` at `host:port`, or an empty
/// array if the API does not answer (yet).
inline nlohmann::json get_nodes(const std::string& host, uint16_t port, const fs::path& cert,
                                const fs::path& key) {
  httplib::SSLClient client{host, port, cert.string(), key.string()};
  // The overlay's trust is under test here, not the API's hostname checks
  // (tests/api covers those).
  client.enable_server_certificate_verification(false);
  client.set_connection_timeout(5s);
  client.set_read_timeout(5s);
  auto res = client.Get("/v1/nodes");
  if (!res || res->status != 200)
    return nlohmann::json::array();
  auto body = nlohmann::json::parse(res->body, nullptr, false);
  if (body.is_discarded() || !body.contains("nodes"))
    return nlohmann::json::array();
  return body["nodes"];
}

/// Runs gen-cert for host `index` (example "sn") under `root`.
inline swarm::identity::cert_tree make_host(const fs::path& root, int index) {
  swarm::identity::gen_cert_options opts;
  opts.root = root;
  opts.example = "sn";
  opts.host_index = index;
  auto tree = swarm::identity::gen_cert(opts);
  if (!tree)
    throw std::runtime_error(tree.error().to_string());
  return *tree;
}

/// Copies `from`'s CA certificate into `into`'s capath and rehashes it, as
/// hosts exchange CA certificates.
inline void exchange(const swarm::identity::cert_tree& from,
                     const swarm::identity::cert_tree& into) {
  fs::copy_file(from.ca_cert, into.capath / from.ca_cert.filename(),
                fs::copy_options::overwrite_existing);
  if (auto links = swarm::identity::rehash_capath(into.capath); !links)
    throw std::runtime_error(links.error().to_string());
}

} // namespace sn_test
