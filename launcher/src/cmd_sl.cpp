#include "cmd_sl.hpp"

#include <cstdlib>
#include <future>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "child_process.hpp"
#include "identity_flags.hpp"
#include "ip_flag.hpp"
#include "run_registry.hpp"
#include "stop_signals.hpp"
#include "swarm/common/log.hpp"
#include "swarm/mlsl/frame.hpp"
#include "swarm/sl/ml_link.hpp"
#include "swarm/sl/sl_delegate.hpp"
#include "swarm/sn/departure.hpp"
#include "swarm/transport/tls_node.hpp"
#include "swarm/wire/limits.hpp"

namespace swarm::launcher {

namespace {

struct sl_args {
  std::string host_ip;
  std::string sn_ip;
  uint16_t sn_p2p_port = 30303;
  uint16_t sn_api_port = 30304;
  uint16_t sl_fs_port = 30305;
  uint16_t sl_lane_port = 0;
  bool no_model_lane = false;
  identity_flags identity;
  std::string data_dir = "sl-data";
  std::string ml_channel;
  std::string ml_cmd;
  std::string ml_w;
  std::vector<std::string> ml_e;
  int ml_connect_timeout_s = 300;
};

[[noreturn]] void fail(const std::string& what, int code = 1) {
  std::cerr << "swarm sl: " << what << '\n';
  throw CLI::RuntimeError(code);
}

sl::sl_options options_of(const sl_args& args) {
  merge::round_config rounds;
  auto env = [](const char* name) -> std::optional<std::string> {
    if (const char* x = std::getenv(name))
      return std::string{x};
    return std::nullopt;
  };
  if (auto st = merge::apply_environment(rounds, env); !st)
    fail(st.error().message, 2);
  auto opts = sl::make_sl_options(args.host_ip, args.sl_fs_port,
                                  args.sn_ip + ":" + std::to_string(args.sn_p2p_port),
                                  args.data_dir, rounds);
  if (!opts)
    fail(opts.error().message);
  return std::move(*opts);
}

// What the node thread reports to the launcher's loop.
struct sl_status {
  bool finished = false;
  bool ended = false;
  std::optional<std::string> failure;
};

std::optional<sl_status> query(transport::tls_node& node,
                               const std::shared_ptr<sl::sl_delegate>& delegate) {
  auto promise = std::make_shared<std::promise<sl_status>>();
  auto future = promise->get_future();
  if (!node.post([promise, delegate](transport::node_context& ctx) {
        promise->set_value(sl_status{delegate->finished(ctx.now_ms()),
                                     delegate->phase() == sl::session_phase::ended,
                                     delegate->failure()});
      }))
    return std::nullopt;
  if (future.wait_for(std::chrono::seconds{5}) != std::future_status::ready)
    return std::nullopt;
  return future.get();
}

// The ML's environment from --ml-e, checked with --ml-w before anything
// starts: a mistake there must not cost a node start-up and an ML launch.
std::vector<std::pair<std::string, std::string>> ml_environment(const sl_args& args) {
  if (args.ml_cmd.empty() && (!args.ml_e.empty() || !args.ml_w.empty()))
    fail(std::string{args.ml_e.empty() ? "--ml-w" : "--ml-e"}
           + " configures the ML program, but --ml-cmd names none",
         2);
  std::vector<std::pair<std::string, std::string>> env;
  for (const auto& x : args.ml_e) {
    auto kv = parse_env_assignment(x);
    if (!kv)
      fail("--ml-e " + kv.error().message, 2);
    env.push_back(*kv);
  }
  std::error_code ec;
  if (!args.ml_w.empty() && !std::filesystem::is_directory(args.ml_w, ec))
    fail("--ml-w " + args.ml_w + ": no such directory", 2);
  return env;
}

std::optional<child_process> start_ml(const sl_args& args,
                                      std::vector<std::pair<std::string, std::string>> env,
                                      const std::filesystem::path& channel) {
  if (args.ml_cmd.empty())
    return std::nullopt;
  env.emplace_back(mlsl::channel_env_var, std::filesystem::absolute(channel).string());
  auto child = child_process::start(args.ml_cmd, args.ml_w, env);
  if (!child)
    fail("cannot start --ml-cmd: " + child.error().message);
  log::get("swarm.SL")->info("started the ML (pid {}): {}", child->pid(), args.ml_cmd);
  return std::move(*child);
}

// Runs until the session is over, the ML died, or a stop signal came;
// returns the exit code.
int supervise(const sigset_t& sigs, transport::tls_node& node,
              const std::shared_ptr<sl::sl_delegate>& delegate,
              std::optional<child_process>& ml) {
  auto log = log::get("swarm.SL");
  std::optional<int> ml_status;
  std::optional<std::chrono::steady_clock::time_point> failed_at;
  for (;;) {
    if (stop_signalled(sigs, 200)) {
      log->info("stop requested");
      return ml ? ml->stop(5'000) != 0 : 0;
    }
    if (ml && !ml_status)
      ml_status = ml->poll();
    auto st = query(node, delegate);
    if (!st) {
      log->error("the SL node stopped unexpectedly");
      return 1;
    }
    if (ml_status && !st->ended) {
      log->error("the ML exited with status {} before its training was over", *ml_status);
      return *ml_status != 0 ? *ml_status : 1;
    }
    if (st->failure) {
      if (!ml || ml_status)
        return ml_status && *ml_status != 0 ? *ml_status : 1;
      // The ML got the error (or lost its channel); give it time to report
      // and exit, then stop it: a failed SL never leaves a child behind.
      if (!failed_at)
        failed_at = std::chrono::steady_clock::now();
      else if (std::chrono::steady_clock::now() - *failed_at > std::chrono::seconds{10}) {
        log->error("the ML did not exit after the session failed; stopping it");
        ml->stop(5'000);
        return 1;
      }
    }
    if (st->finished && (!ml || ml_status)) {
      log->info("training finished{}", ml ? "; the ML exited with status "
                                              + std::to_string(*ml_status)
                                          : std::string{});
      return ml_status.value_or(0);
    }
  }
}

void run_sl(const sl_args& args) {
  if (auto missing = args.identity.missing(); !missing.empty())
    fail(missing, 2);
  auto ml_env = ml_environment(args);
  auto sigs = block_stop_signals();
  auto opts = options_of(args);
  std::filesystem::path channel = args.ml_channel.empty()
                                    ? std::filesystem::path{args.data_dir} / "ml.sock"
                                    : std::filesystem::path{args.ml_channel};
  auto listener = mlsl::ml_listener::bind(channel);
  if (!listener)
    fail(listener.error().message);
  run_registration registration{"sl", args.host_ip};
  auto delegate = std::make_shared<sl::sl_delegate>(std::move(opts));
  transport::tls_node_config cfg;
  cfg.identity = args.identity.files();
  cfg.bind_host = args.host_ip;
  cfg.port = args.sl_fs_port;
  cfg.max_envelope_bytes = wire::max_round_envelope_bytes;
  cfg.model_lane = !args.no_model_lane;
  cfg.lane_port = args.sl_lane_port;
  auto node = transport::tls_node::start(cfg, delegate);
  if (!node)
    fail(node.error().message);
  if (delegate->overlay().start_error()) {
    (*node)->stop();
    fail(delegate->overlay().start_error()->message);
  }
  log::get("swarm.SL")->info("SL file server on {}; ML channel {}", (*node)->address(),
                             channel.string());
  int code = 0;
  {
    auto ml = start_ml(args, std::move(ml_env), channel);
    sl::ml_link link{std::move(*listener), args.ml_connect_timeout_s * 1000, **node, delegate};
    code = supervise(sigs, **node, delegate, ml);
  }
  sn::leave_and_wait(**node, {delegate, &delegate->overlay()}, std::chrono::milliseconds{500});
  (*node)->post([](transport::node_context& ctx) { ctx.request_stop(); });
  (void) (*node)->wait();
  if (code != 0)
    throw CLI::RuntimeError(code);
}

} // namespace

void add_sl_command(CLI::App& app) {
  auto args = std::make_shared<sl_args>();
  auto* cmd = app.add_subcommand("sl", "Run a Swarm Learning node (HPE's run-sl)");
  cmd->add_option("--host-ip", args->host_ip, "IP address this SL listens on and announces")
    ->required()
    ->check(ip_address());
  cmd->add_option("--sn-ip", args->sn_ip, "The SN this SL registers with")->required();
  cmd->add_option("--sn-p2p-port", args->sn_p2p_port, "The SN's peer-to-peer port (30303)");
  cmd->add_option("--sn-api-port", args->sn_api_port,
                  "The SN's API port (accepted for HPE compatibility; 30304)");
  cmd->add_option("--sl-fs-port", args->sl_fs_port, "Port of the SL file server (30305)");
  cmd->add_option("--sl-lane-port", args->sl_lane_port,
                  "Port of the model lane, on which peers send models over mutual TLS beside "
                  "the file server (default 0: any free port, announced to peers)");
  cmd->add_flag("--no-model-lane", args->no_model_lane,
                "Send models through the file server's connections only (for a network "
                "that admits one port per SL)");
  add_identity_flags(*cmd, args->identity);
  cmd->add_option("--data-dir", args->data_dir,
                  "Where the SL keeps its identity, state and ML channel (default sl-data)");
  cmd->add_option("--ml-channel", args->ml_channel,
                  "Socket the ML connects to (default <data-dir>/ml.sock; given to the ML as "
                  "SWARM_SL_CHANNEL)");
  cmd->add_option("--ml-cmd", args->ml_cmd, "Run this ML program as the SL's child (a shell "
                                            "command line)");
  cmd->add_option("--ml-w", args->ml_w, "Working directory of the ML program");
  cmd->add_option("--ml-e", args->ml_e, "KEY=VALUE for the ML's environment (repeatable)");
  cmd->add_option("--ml-connect-timeout", args->ml_connect_timeout_s,
                  "Seconds to wait for the ML to open its channel (default 300)");
  cmd->callback([args] { run_sl(*args); });
}

} // namespace swarm::launcher
