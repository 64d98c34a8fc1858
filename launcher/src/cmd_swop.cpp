#include "cmd_swop.hpp"

#include <cstdlib>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <thread>

#include "identity_flags.hpp"
#include "ip_flag.hpp"
#include "run_registry.hpp"
#include "stop_signals.hpp"
#include "swarm/common/log.hpp"
#include "swarm/config/defaults.hpp"
#include "swarm/config/profile.hpp"
#include "swarm/membership/state_file.hpp"
#include "swarm/sn/departure.hpp"
#include "swarm/swop/swop_delegate.hpp"
#include "swarm/transport/tls_node.hpp"

namespace swarm::launcher {

namespace {

struct swop_args {
  std::string usr_dir;
  std::string profile_file_name;
  std::string sn_ip;
  uint16_t sn_api_port = 0;
  uint16_t sn_p2p_port = 30303;
  identity_flags identity;
  std::string host_ip;
  std::string data_dir = "swop-data";
  std::string log_level;
  int ml_connect_timeout_s = 300;
};

[[noreturn]] void fail(const std::string& what, int code = 1) {
  std::cerr << "swarm swop: " << what << '\n';
  throw CLI::RuntimeError(code);
}

config::swop_profile load(const swop_args& args) {
  if (args.profile_file_name.find('/') != std::string::npos)
    fail("--profile-file-name must name a file at the top of --usr-dir, not a path", 2);
  auto profile = config::load_profile(std::filesystem::path{args.usr_dir}
                                      / args.profile_file_name);
  if (!profile)
    fail("invalid profile:\n" + profile.error().message);
  return std::move(*profile);
}

swop::swop_options options_of(const swop_args& args, const config::swop_profile& profile) {
  swop::swop_options opts;
  auto& e = opts.executor;
  e.profile = profile;
  e.usr_dir = std::filesystem::absolute(args.usr_dir);
  e.data_dir = std::filesystem::absolute(args.data_dir);
  std::error_code ec;
  e.swarm_binary = std::filesystem::read_symlink("/proc/self/exe", ec);
  // HPE: "Options specified in swop profile take precedence".
  const auto& api = profile.api_server;
  e.sn_ip = api.host.value_or(args.sn_ip);
  if (e.sn_ip.empty())
    fail("the SN is unknown: give --sn-ip or apisrv.locator.host in the profile", 2);
  e.sn_api_port = api.port.value_or(args.sn_api_port != 0 ? args.sn_api_port
                                                          : config::defaults::sn_api_port);
  e.sn_p2p_port = args.sn_p2p_port;
  e.host_ip = args.host_ip;
  if (e.host_ip.empty() && !profile.nodes.empty() && profile.nodes.front().sl_host_ip)
    e.host_ip = *profile.nodes.front().sl_host_ip;
  if (e.host_ip.empty())
    fail("--host-ip is required (the profile's nodes name no slhostip)", 2);
  e.ml_connect_timeout_s = args.ml_connect_timeout_s;
  auto& o = opts.overlay;
  o.type = membership::node_type::swop;
  o.host = e.host_ip;
  o.seeds.push_back(e.sn_ip + ":" + std::to_string(e.sn_p2p_port));
  o.data_dir = e.data_dir / "swop";
  std::filesystem::create_directories(o.data_dir, ec);
  std::random_device rd;
  o.rng_seed = (uint64_t{rd()} << 32) | rd();
  auto state = membership::load_state(o.data_dir);
  if (!state)
    fail(state.error().message);
  o.state = std::move(*state);
  return opts;
}

bool wait_for_signal(const sigset_t& set, transport::tls_node& node) {
  for (;;) {
    if (stop_signalled(set, 500))
      return true;
    if (!node.post([](transport::node_context&) {}))
      return false;
  }
}

void run_swop(const swop_args& args) {
  if (!args.log_level.empty()) {
    if (auto st = log::init(args.log_level); !st)
      fail(st.error().message, 2);
    // The SL and ML children log at the same level unless the profile says.
    setenv("SWARM_LOG_LEVEL", args.log_level.c_str(), 1);
  }
  if (auto missing = args.identity.missing(); !missing.empty())
    fail(missing, 2);
  auto profile = load(args);
  auto log = log::get("swarm.SWOP");
  log->info("profile {} is valid: group {}, taskrunner {}, {} node(s), resource manager {}",
            args.profile_file_name, profile.group_name, profile.task_runner,
            profile.nodes.size(), config::to_string(profile.resource_mgr.mgr_type));
  // Before any thread starts: only stop_signalled sees SIGTERM and SIGINT.
  auto sigs = block_stop_signals();
  auto opts = options_of(args, profile);
  auto host = opts.executor.host_ip;
  run_registration registration{"swop", host};
  auto delegate = std::make_shared<swop::swop_delegate>(std::move(opts));
  transport::tls_node_config cfg;
  cfg.identity = args.identity.files();
  cfg.bind_host = host;
  cfg.port = 0; // a SWOP serves nothing; SWIM only needs some port
  auto node = transport::tls_node::start(cfg, delegate);
  if (!node)
    fail(node.error().message);
  if (delegate->overlay().start_error()) {
    (*node)->stop();
    fail(delegate->overlay().start_error()->message);
  }
  bool signalled = wait_for_signal(sigs, **node);
  if (signalled)
    log->info("stop requested: stopping the running task");
  (*node)->post([delegate](transport::node_context& ctx) { delegate->begin_shutdown(ctx); });
  delegate->join_executor();
  // The last entry went out before the leave, on the same connections.
  sn::leave_and_wait(**node, {delegate, &delegate->overlay()}, std::chrono::milliseconds{500});
  (*node)->post([](transport::node_context& ctx) { ctx.request_stop(); });
  auto st = (*node)->wait();
  if (!signalled)
    fail(st ? std::string{"the SWOP node stopped unexpectedly"} : st.error().message);
}

} // namespace

void add_swop_command(CLI::App& app) {
  auto args = std::make_shared<swop_args>();
  auto* cmd = app.add_subcommand("swop", "Run a Swarm Operator (HPE's run-swop)");
  cmd->add_option("--usr-dir", args->usr_dir, "The user directory (profiles, tasks, data)")
    ->required();
  cmd->add_option("--profile-file-name", args->profile_file_name,
                  "The SWOP profile, a file at the top of --usr-dir")
    ->required();
  cmd->add_option("--sn-ip", args->sn_ip,
                  "The SN this SWOP joins (the profile's apisrv.locator.host wins)");
  cmd->add_option("--sn-api-port", args->sn_api_port,
                  "The SN's API port (the profile's apisrv.locator.port wins; 30304)");
  cmd->add_option("--sn-p2p-port", args->sn_p2p_port, "The SN's peer-to-peer port (30303)");
  add_identity_flags(*cmd, args->identity);
  cmd->add_option("--host-ip", args->host_ip,
                  "Address this SWOP listens on (default: the first node's slhostip)")
    ->check(ip_address());
  cmd->add_option("--data-dir", args->data_dir,
                  "Where the SWOP keeps its identity, state, builds and runs (default "
                  "swop-data)");
  cmd->add_option("--log-level", args->log_level, "DEBUG, INFO, WARNING, ERROR or CRITICAL");
  cmd->add_option("--ml-connect-timeout", args->ml_connect_timeout_s,
                  "Seconds an SL waits for its ML to connect before the task fails (300)");
  cmd->callback([args] { run_swop(*args); });
}

} // namespace swarm::launcher
