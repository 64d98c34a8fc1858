// A node in a child process for the transport's multi-process tests: starts
// a tls_node, dials --dial, pings it, answers its pings, and stops
// gracefully (sending a SWIM leave) once it got its ack and was pinged
// (with --stay it goes on answering pings until it is killed).
// Exit codes: 0 done, 1 timed out, 2 the node did not start.

#include <chrono>
#include <csignal>
#include <condition_variable>
#include <cstdio>
#include <mutex>

#include <CLI/CLI.hpp>

#include "swarm/common/log.hpp"
#include "swarm/transport/tls_node.hpp"
#include "swarm/wire/codec.hpp"

using namespace swarm;
using namespace swarm::transport;

namespace {

wire::Envelope swim_envelope() {
  auto env = wire::make_envelope();
  env.mutable_swim()->set_version(1);
  return env;
}

class peer_delegate : public node_delegate {
public:
  peer_delegate(std::string dial, uint32_t seq, bool freeze, bool stay)
    : dial_(std::move(dial)), seq_(seq), freeze_(freeze), stay_(stay) {
    // nop
  }

  void on_start(node_context& ctx) override {
    auto env = swim_envelope();
    env.mutable_swim()->mutable_ping()->set_seq_no(seq_);
    ctx.send_to_address(dial_, std::move(env));
  }

  void on_message(node_context& ctx, const std::string& from,
                  const wire::Envelope& env) override {
    const auto& swim = env.swim();
    if (swim.has_ping()) {
      auto reply = swim_envelope();
      reply.mutable_swim()->mutable_ack()->set_seq_no(swim.ping().seq_no());
      ctx.send_to_name(from, std::move(reply));
      std::printf("answered ping %u from %s\n", swim.ping().seq_no(), from.c_str());
      pinged_ = true;
    } else if (swim.has_ack() && swim.ack().seq_no() == seq_) {
      std::printf("got ack %u from %s\n", seq_, from.c_str());
      peer_ = from;
      acked_ = true;
    }
    std::fflush(stdout);
    if (acked_ && pinged_ && !done_) {
      done_ = true;
      // --freeze: hang with the connection open (a stuck process, or a
      // host gone silent) until the parent kills us.
      if (freeze_)
        std::raise(SIGSTOP);
      if (!stay_)
        ctx.request_stop();
    }
  }

  void on_dial_failed(node_context&, const std::string& address,
                      const swarm::error& reason) override {
    std::printf("dial %s failed: %s\n", address.c_str(), reason.message.c_str());
  }

  void on_stop(node_context& ctx) override {
    if (peer_.empty())
      return;
    auto env = swim_envelope();
    env.mutable_swim()->mutable_leave()->set_incarnation(7);
    ctx.send_to_name(peer_, std::move(env));
  }

  /// Whether the exchange completed; read after the node stopped.
  bool done() const {
    return done_;
  }

private:
  std::string dial_;
  uint32_t seq_;
  bool freeze_;
  bool stay_;
  std::string peer_;
  bool acked_ = false;
  bool pinged_ = false;
  bool done_ = false;
};

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"transport test peer"};
  tls_node_config cfg;
  std::string key, cert, capath, cacert, dial;
  uint32_t seq = 7;
  int timeout_ms = 20000;
  bool freeze = false;
  bool stay = false;
  app.add_option("--key", key)->required();
  app.add_option("--cert", cert)->required();
  app.add_option("--capath", capath);
  app.add_option("--cacert", cacert);
  app.add_option("--host", cfg.bind_host)->required();
  app.add_option("--port", cfg.port);
  app.add_option("--dial", dial)->required();
  app.add_option("--seq", seq);
  app.add_option("--timeout-ms", timeout_ms);
  app.add_flag("--freeze", freeze, "stop the process (SIGSTOP) once the exchange is done");
  app.add_flag("--stay", stay, "keep answering pings after the exchange, until killed");
  CLI11_PARSE(app, argc, argv);
  cfg.identity.key = key;
  cfg.identity.cert = cert;
  cfg.identity.capath = capath;
  cfg.identity.cacert = cacert;
  cfg.tick_interval_ms = 50;
  cfg.worker_threads = 2;
  auto delegate = std::make_shared<peer_delegate>(dial, seq, freeze, stay);
  auto node = tls_node::start(cfg, delegate);
  if (!node) {
    std::fprintf(stderr, "transport_peer: cannot start: %s\n", node.error().message.c_str());
    return 2;
  }
  // The node stops itself once done; a watchdog stops it otherwise.
  std::mutex m;
  std::condition_variable cv;
  bool finished = false;
  std::thread watchdog{[&] {
    std::unique_lock<std::mutex> lock{m};
    if (!cv.wait_for(lock, std::chrono::milliseconds{timeout_ms}, [&] { return finished; }))
      (*node)->post([](node_context& ctx) { ctx.request_stop(); });
  }};
  auto st = (*node)->wait();
  {
    std::lock_guard<std::mutex> guard{m};
    finished = true;
  }
  cv.notify_all();
  watchdog.join();
  if (!st)
    std::fprintf(stderr, "transport_peer: %s\n", st.error().message.c_str());
  std::printf("transport_peer: %s\n", delegate->done() ? "done" : "timed out");
  return delegate->done() ? 0 : 1;
}
