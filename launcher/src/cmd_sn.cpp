#include "cmd_sn.hpp"

#include <chrono>
#include <csignal>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <thread>

#include <spdlog/spdlog.h>

#include "identity_flags.hpp"
#include "ip_flag.hpp"
#include "run_registry.hpp"
#include "stop_signals.hpp"
#include "swarm/api/router.hpp"
#include "swarm/api/server.hpp"
#include "swarm/api/sn_routes.hpp"
#include "swarm/common/log.hpp"
#include "swarm/membership/state_file.hpp"
#include "swarm/sn/departure.hpp"
#include "swarm/sn/sn_delegate.hpp"
#include "swarm/transport/tls_node.hpp"

namespace swarm::launcher {

namespace {

struct sn_args {
  std::string host_ip;
  bool sentinel = false;
  std::string sentinel_ip;
  uint16_t sentinel_api_port = 30304;
  uint16_t sentinel_p2p_port = 30303;
  uint16_t sn_p2p_port = 30303;
  uint16_t sn_api_port = 30304;
  identity_flags identity;
  std::string data_dir = "sn-data";
  std::string apls_ip;
};

[[noreturn]] void fail(const std::string& what) {
  std::cerr << "swarm sn: " << what << '\n';
  throw CLI::RuntimeError(1);
}

// Returns true on a stop signal, false if the node stopped on its own
// (a node that stopped refuses posted work).
bool wait_for_signal(const sigset_t& set, transport::tls_node& node) {
  for (;;) {
    if (stop_signalled(set, 200))
      return true;
    if (!node.post([](transport::node_context&) {}))
      return false;
  }
}

sn::sn_options options_of(const sn_args& args) {
  sn::sn_options opts;
  opts.sentinel = args.sentinel;
  opts.host = args.host_ip;
  opts.p2p_port = args.sn_p2p_port;
  opts.api_port = args.sn_api_port;
  if (!args.sentinel)
    opts.seeds.push_back(args.sentinel_ip + ":" + std::to_string(args.sentinel_p2p_port));
  opts.data_dir = args.data_dir;
  std::random_device rd;
  opts.rng_seed = (uint64_t{rd()} << 32) | rd();
  auto state = membership::load_state(opts.data_dir);
  if (!state)
    fail(state.error().message);
  opts.state = std::move(*state);
  return opts;
}

void run_sn(const sn_args& args) {
  auto log = log::get("swarm.SN");
  if (!args.sentinel && args.sentinel_ip.empty())
    fail("either --sentinel (this SN starts the overlay) or --sentinel-ip is required");
  if (!args.apls_ip.empty())
    log->info("--apls-ip {} ignored: this Swarm needs no license server", args.apls_ip);
  auto sigs = block_stop_signals();
  run_registration registration{"sn", args.host_ip};
  auto delegate = std::make_shared<sn::sn_delegate>(options_of(args));
  transport::tls_node_config cfg;
  cfg.identity = args.identity.files();
  cfg.bind_host = args.host_ip;
  cfg.port = args.sn_p2p_port;
  auto node = transport::tls_node::start(cfg, delegate);
  if (!node)
    fail(node.error().message);
  // The node's own thread tears it down (from `wait` on this thread, as the
  // transport's tests do): tearing down from a helper thread while peers are
  // connected hung in caf::actor_system's destructor.
  auto stop_all = [&] { (*node)->stop(); };
  // on_start ran inside `start`: a bad data directory is known by now.
  if (delegate->start_error()) {
    stop_all();
    fail(delegate->start_error()->message);
  }
  api::api_server_options api_opts;
  api_opts.host = args.host_ip;
  api_opts.port = args.sn_api_port;
  api_opts.identity = args.identity.files();
  api::router routes;
  if (auto st = api::add_sn_routes(routes, delegate->provider()); !st) {
    stop_all();
    fail(st.error().message);
  }
  api::api_server server{api_opts, std::move(routes)};
  if (auto st = server.start(); !st) {
    stop_all();
    fail(st.error().message);
  }
  log::get("swarm.blCnt")->info("Starting SWARM-API-SERVER on port: {}", server.port());
  bool signalled = wait_for_signal(sigs, **node);
  server.stop();
  if (signalled) {
    log->info("stop requested: leaving the overlay");
    // The members told of the leave spread it (and the state pushed before
    // it); a cap in case they died meanwhile.
    if (!sn::leave_and_wait(**node, delegate, std::chrono::milliseconds{1500}))
      log->info("no member confirmed the departure within 1.5 s; stopping anyway");
    (*node)->post([](transport::node_context& ctx) { ctx.request_stop(); });
  }
  auto st = (*node)->wait();
  if (!signalled || !st)
    fail(st ? std::string{"the node stopped unexpectedly"} : st.error().message);
  log->info("stopped");
}

} // namespace

void add_sn_command(CLI::App& app) {
  auto args = std::make_shared<sn_args>();
  auto* cmd = app.add_subcommand("sn", "Run a Swarm Network node (HPE's run-sn)");
  cmd->add_option("--host-ip", args->host_ip, "IP address this SN listens on and announces")
    ->required()
    ->check(ip_address());
  cmd->add_flag("--sentinel", args->sentinel, "This SN starts the overlay");
  cmd->add_option("--sentinel-ip", args->sentinel_ip, "Sentinel SN to join through");
  cmd->add_option("--sentinel-api-port", args->sentinel_api_port,
                  "Sentinel's API port (accepted for HPE compatibility)");
  cmd->add_option("--sentinel-p2p-port", args->sentinel_p2p_port,
                  "Sentinel's peer-to-peer port, where joins go (default 30303)");
  cmd->add_option("--sn-p2p-port", args->sn_p2p_port, "Peer-to-peer port (default 30303)");
  cmd->add_option("--sn-api-port", args->sn_api_port, "HTTPS API port (default 30304)");
  add_identity_flags(*cmd, args->identity);
  cmd->add_option("--data-dir", args->data_dir,
                  "Where the SN keeps its identity and state (default sn-data)");
  cmd->add_option("--apls-ip", args->apls_ip, "Ignored: there is no license server");
  cmd->callback([args] {
    if (auto missing = args->identity.missing(); !missing.empty()) {
      std::cerr << "swarm sn: " << missing << '\n';
      throw CLI::RuntimeError(2);
    }
    run_sn(*args);
  });
}

} // namespace swarm::launcher
