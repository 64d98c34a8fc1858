#include "cmd_stop.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "run_registry.hpp"

namespace swarm::launcher {

namespace {

struct stop_args {
  bool all = false;
  bool sn = false;
  bool sl = false;
  bool swop = false;
  bool swci = false;
  std::string host_ip;
  int timeout_s = 30;
};

// Consumers first, infrastructure last: a SWCI or SWOP stopped after its
// SN would fail its last calls; an SL outliving its SN cannot say goodbye.
constexpr const char* stop_order[] = {"swci", "swop", "sl", "sn"};

std::vector<std::string> roles_of(const stop_args& args) {
  bool none = !(args.sn || args.sl || args.swop || args.swci);
  std::vector<std::string> roles;
  for (const char* role : stop_order) {
    std::string r{role};
    bool wanted = args.all || none || (r == "sn" && args.sn) || (r == "sl" && args.sl)
                  || (r == "swop" && args.swop) || (r == "swci" && args.swci);
    if (wanted)
      roles.push_back(r);
  }
  return roles;
}

bool alive(const run_entry& x) {
  return process_start_ticks(x.pid) == x.start_ticks;
}

// Sends SIGTERM to every entry, waits up to `timeout_s` for all to exit,
// then SIGKILLs the rest. Returns how many needed SIGKILL.
int stop_all(const std::vector<run_entry>& entries, int timeout_s) {
  for (const auto& x : entries) {
    std::cout << "stopping " << x.role << " (pid " << x.pid
              << (x.host.empty() ? "" : ", host " + x.host) << ")\n";
    ::kill(x.pid, SIGTERM);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{timeout_s};
  auto running = [&] {
    return std::count_if(entries.begin(), entries.end(), alive);
  };
  while (running() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  int killed = 0;
  for (const auto& x : entries) {
    if (!alive(x))
      continue;
    std::cout << x.role << " (pid " << x.pid << ") did not stop within " << timeout_s
              << " s: killing it\n";
    ::kill(x.pid, SIGKILL);
    ++killed;
  }
  return killed;
}

int run_stop(const stop_args& args) {
  auto dir = run_directory();
  int stopped = 0;
  for (const auto& role : roles_of(args)) {
    std::vector<run_entry> batch;
    for (auto& x : list_runs(dir))
      if (x.role == role && (args.host_ip.empty() || x.host == args.host_ip))
        batch.push_back(std::move(x));
    if (batch.empty())
      continue;
    stop_all(batch, args.timeout_s);
    stopped += static_cast<int>(batch.size());
  }
  if (stopped == 0)
    std::cout << "no swarm processes to stop"
              << (args.host_ip.empty() ? "" : " on host " + args.host_ip) << '\n';
  return 0;
}

} // namespace

void add_stop_command(CLI::App& app) {
  auto args = std::make_shared<stop_args>();
  auto cmd = app.add_subcommand("stop", "Stop the swarm processes running on this machine "
                                        "(HPE's stop-swarm); no role flag means all");
  cmd->add_flag("--all", args->all, "Stop SNs, SLs, SWOPs and SWCIs (the default)");
  cmd->add_flag("--sn", args->sn, "Stop the SNs");
  cmd->add_flag("--sl", args->sl, "Stop the SLs (and their ML nodes)");
  cmd->add_flag("--swop", args->swop, "Stop the SWOPs (and the nodes they run)");
  cmd->add_flag("--swci", args->swci, "Stop the SWCIs");
  cmd->add_option("--host-ip", args->host_ip,
                  "Only the processes serving this host address (--host-ip they ran with)");
  cmd->add_option("--timeout", args->timeout_s,
                  "Seconds to wait for a graceful stop before SIGKILL")
    ->check(CLI::Range(1, 3600))
    ->capture_default_str();
  cmd->callback([args] {
    if (int code = run_stop(*args); code != 0)
      throw CLI::RuntimeError(code);
  });
}

} // namespace swarm::launcher
