#pragma once

// Test helpers for the transport: two "hosts" of certificates made with
// gen-cert (with exchanged CA certificates, as the launcher does), a third
// host nobody trusts, a delegate that records what happens, and a log sink
// the tests can search. Waits are on conditions with generous deadlines,
// never fixed sleeps.

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include "process.hpp"
#include "swarm/common/log.hpp"
#include "swarm/identity/capath.hpp"
#include "swarm/identity/gen_cert.hpp"
#include "swarm/transport/tls_node.hpp"
#include "swarm/wire/codec.hpp"

namespace fixture {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using swarm::transport::node_context;
using swarm::transport::peer_info;
using swarm::wire::Envelope;

/// Generous: loopback TLS takes milliseconds, but CI machines are shared.
inline constexpr auto deadline = 20s;

/// Returns the error text of `x`, or "ok" (safe in Boost.Test messages).
template <class T>
std::string why(const swarm::expected<T>& x) {
  return x ? std::string{"ok"} : x.error().to_string();
}

/// Certificates of hosts 1 and 2, which trust each other, and of host 3,
/// which trusts them but whom they do not trust.
struct pki {
  swarm::test::temp_dir dir;
  swarm::identity::cert_tree host1;
  swarm::identity::cert_tree host2;
  swarm::identity::cert_tree host3;

  pki()
    : host1(make(dir.path() / "h1", 1)),
      host2(make(dir.path() / "h2", 2)),
      host3(make(dir.path() / "h3", 3)) {
    exchange(host1, host2);
    exchange(host2, host1);
    exchange(host1, host3);
  }

  /// The identity files of component `comp` ("sn", "sl", ...) of `tree`.
  static swarm::identity::identity_files files(const swarm::identity::cert_tree& tree,
                                               const std::string& comp = "sn") {
    swarm::identity::identity_files result;
    result.key = tree.key(comp);
    result.cert = tree.cert(comp);
    result.capath = tree.capath;
    return result;
  }

private:
  static swarm::identity::cert_tree make(const fs::path& root, int index) {
    swarm::identity::gen_cert_options opts;
    opts.root = root;
    opts.example = "transport";
    opts.host_index = index;
    auto tree = swarm::identity::gen_cert(opts);
    if (!tree)
      throw std::runtime_error(tree.error().to_string());
    return *tree;
  }

  // Copies `from`'s CA certificate into `into`'s capath and rehashes it.
  static void exchange(const swarm::identity::cert_tree& from,
                       const swarm::identity::cert_tree& into) {
    fs::copy_file(from.ca_cert, into.capath / from.ca_cert.filename(),
                  fs::copy_options::overwrite_existing);
    if (auto links = swarm::identity::rehash_capath(into.capath); !links)
      throw std::runtime_error(links.error().to_string());
  }
};

/// A log sink that keeps every formatted line (and echoes it to stdout, so
/// a failing test shows the node's log).
class capture_sink : public spdlog::sinks::base_sink<std::mutex> {
public:
  /// Waits until a line containing every one of `parts` is logged.
  bool wait_for(std::initializer_list<std::string> parts,
                std::chrono::milliseconds timeout = deadline) {
    std::unique_lock<std::mutex> lock{mutex_};
    return cv_.wait_for(lock, timeout, [&] { return find(parts); });
  }

  /// Returns whether a line containing every one of `parts` was logged.
  bool contains(std::initializer_list<std::string> parts) {
    std::lock_guard<std::mutex> guard{mutex_};
    return find(parts);
  }

protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t buf;
    formatter_->format(msg, buf);
    std::string line{buf.data(), buf.size()};
    std::fputs(line.c_str(), stdout);
    lines_.push_back(std::move(line));
    cv_.notify_all();
  }

  void flush_() override {
    std::fflush(stdout);
  }

private:
  // Requires mutex_.
  bool find(std::initializer_list<std::string> parts) const {
    for (const auto& line : lines_) {
      bool all = true;
      for (const auto& part : parts)
        all = all && line.find(part) != std::string::npos;
      if (all)
        return true;
    }
    return false;
  }

  std::vector<std::string> lines_;
  std::condition_variable cv_;
};

/// A logger named after the node, writing into a fresh capture sink.
inline std::pair<std::shared_ptr<spdlog::logger>, std::shared_ptr<capture_sink>>
make_logger(const std::string& name) {
  auto sink = std::make_shared<capture_sink>();
  auto logger = swarm::log::make("swarm.transport." + name, sink);
  logger->set_level(spdlog::level::debug);
  return {logger, sink};
}

/// Records every callback; tests wait on predicates over the record.
class recorder : public swarm::transport::node_delegate {
public:
  struct message {
    std::string from;
    Envelope env;
  };

  /// An envelope and the values that came beside it.
  struct attached_message {
    std::string from;
    Envelope env;
    std::vector<float> values;
    /// Whether the lane found them all finite.
    bool finite = false;
  };

  /// Whether `on_attached` keeps the values itself (set before the start).
  bool take_values = false;

  /// Optional reactions, set before the node starts.
  std::function<void(node_context&, const message&)> on_message_hook;
  std::function<void(node_context&, const peer_info&)> on_verified_hook;
  std::function<void(node_context&)> on_stop_hook;

  void on_start(node_context&) override {
    update([&] { started = true; });
  }

  void on_peer_verified(node_context& ctx, const peer_info& peer) override {
    update([&] { verified.push_back(peer); });
    if (on_verified_hook)
      on_verified_hook(ctx, peer);
  }

  void on_message(node_context& ctx, const std::string& from, const Envelope& env) override {
    message m{from, env};
    update([&] { messages.push_back(m); });
    if (on_message_hook)
      on_message_hook(ctx, m);
  }

  /// With `take_values`, records the values that came beside an envelope
  /// in `attached`; otherwise lets the transport make the envelope whole
  /// for `on_message` (the default a delegate gets).
  void on_attached(node_context& ctx, const std::string& from, const Envelope& env,
                   swarm::wire::received_values values) override {
    if (!take_values)
      return node_delegate::on_attached(ctx, from, env, std::move(values));
    update([&] {
      attached.push_back(attached_message{from, env, std::move(values.values), values.finite});
    });
  }

  void on_peer_down(node_context&, const std::string& name) override {
    update([&] { downs.push_back(name); });
  }

  void on_dial_failed(node_context&, const std::string& address,
                      const swarm::error& reason) override {
    update([&] { dial_failures.emplace_back(address, reason.message); });
  }

  void on_stop(node_context& ctx) override {
    if (on_stop_hook)
      on_stop_hook(ctx);
    update([&] { stopped = true; });
  }

  /// Waits until `pred(*this)` holds (evaluated under the lock).
  bool wait_for(const std::function<bool(const recorder&)>& pred,
                std::chrono::milliseconds timeout = deadline) {
    std::unique_lock<std::mutex> lock{mutex_};
    return cv_.wait_for(lock, timeout, [&] { return pred(*this); });
  }

  /// Runs `fn` on the record under the lock.
  template <class F>
  auto with(F fn) {
    std::lock_guard<std::mutex> guard{mutex_};
    return fn(*this);
  }

  bool started = false;
  bool stopped = false;
  std::vector<peer_info> verified;
  std::vector<message> messages;
  std::vector<attached_message> attached;
  std::vector<std::string> downs;
  std::vector<std::pair<std::string, std::string>> dial_failures;

  /// Returns whether a peer named `name` verified.
  bool has_verified(const std::string& name) const {
    for (const auto& p : verified)
      if (p.name == name)
        return true;
    return false;
  }

  /// Returns how many SWIM messages from `from` satisfy `pred`.
  size_t count_swim(const std::string& from,
                    const std::function<bool(const swarm::wire::SwimMessage&)>& pred) const {
    size_t n = 0;
    for (const auto& m : messages)
      if (m.from == from && m.env.has_swim() && pred(m.env.swim()))
        ++n;
    return n;
  }

private:
  template <class F>
  void update(F fn) {
    {
      std::lock_guard<std::mutex> guard{mutex_};
      fn();
    }
    cv_.notify_all();
  }

  std::mutex mutex_;
  std::condition_variable cv_;
};

/// A node configuration on `host` (a loopback address of its own) with an
/// OS-chosen port and test-friendly timers.
inline swarm::transport::tls_node_config config(const swarm::identity::identity_files& files,
                                                const std::string& host,
                                                std::shared_ptr<spdlog::logger> logger) {
  swarm::transport::tls_node_config cfg;
  cfg.identity = files;
  cfg.bind_host = host;
  cfg.port = 0;
  cfg.tick_interval_ms = 50;
  cfg.worker_threads = 2;
  cfg.logger = std::move(logger);
  return cfg;
}

/// A node with its recorder and log; `setup` prepares the recorder and
/// `tweak` the configuration before it starts.
struct running_node {
  std::shared_ptr<recorder> rec = std::make_shared<recorder>();
  std::shared_ptr<capture_sink> log;
  std::unique_ptr<swarm::transport::tls_node> node;

  running_node(const swarm::identity::identity_files& files, const std::string& host,
               const std::string& name,
               const std::function<void(recorder&)>& setup = [](recorder&) {},
               const std::function<void(swarm::transport::tls_node_config&)>& tweak =
                 [](swarm::transport::tls_node_config&) {}) {
    auto [logger, sink] = make_logger(name);
    log = sink;
    setup(*rec);
    auto cfg = config(files, host, logger);
    tweak(cfg);
    auto started = swarm::transport::tls_node::start(cfg, rec);
    BOOST_REQUIRE_MESSAGE(started, why(started));
    node = std::move(*started);
    BOOST_REQUIRE(rec->wait_for([](const recorder& r) { return r.started; }));
  }

  // Runs `fn` on the node's thread.
  void post(std::function<void(node_context&)> fn) {
    BOOST_REQUIRE(node->post(std::move(fn)));
  }
};

/// An envelope with a SWIM ping.
inline Envelope ping(uint32_t seq_no, const std::string& target) {
  auto env = swarm::wire::make_envelope();
  env.mutable_swim()->set_version(1);
  env.mutable_swim()->mutable_ping()->set_seq_no(seq_no);
  env.mutable_swim()->mutable_ping()->set_target(target);
  return env;
}

/// An envelope with a SWIM ack.
inline Envelope ack(uint32_t seq_no) {
  auto env = swarm::wire::make_envelope();
  env.mutable_swim()->set_version(1);
  env.mutable_swim()->mutable_ack()->set_seq_no(seq_no);
  return env;
}

/// An envelope with a SWIM leave.
inline Envelope leave(uint64_t incarnation) {
  auto env = swarm::wire::make_envelope();
  env.mutable_swim()->set_version(1);
  env.mutable_swim()->mutable_leave()->set_incarnation(incarnation);
  return env;
}

/// The listening side of the child-process tests: answers every ping with
/// an ack, and pings each peer once (seq 8) when it verifies, so that a
/// transport_peer child completes its exchange.
inline void exchange_with_children(recorder& r) {
  r.on_message_hook = [](node_context& ctx, const recorder::message& m) {
    if (m.env.swim().has_ping())
      ctx.send_to_name(m.from, ack(m.env.swim().ping().seq_no()));
  };
  r.on_verified_hook = [](node_context& ctx, const peer_info& peer) {
    ctx.send_to_name(peer.name, ping(8, peer.name));
  };
}

} // namespace fixture
