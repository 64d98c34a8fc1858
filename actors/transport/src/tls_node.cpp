#include "swarm/transport/tls_node.hpp"

#include <mutex>

#include <spdlog/spdlog.h>

#include "caf/all.hpp"
#include "caf/io/all.hpp"
#include "caf/openssl/all.hpp"

#include "caf_atoms.hpp"
#include "gateway.hpp"
#include "identity_setup.hpp"
#include "node_actor.hpp"
#include "node_shared.hpp"
#include "swarm/common/log.hpp"
#include "swarm/transport/address.hpp"
#include "swarm/wire/codec.hpp"
#include "ssl_error_queue.hpp"
#include "system_config.hpp"
#include "tcp_nodelay.hpp"

namespace swarm::transport {

namespace {

/// Where the model lane's threads deliver: the node actor, once spawned,
/// and nobody once the node is torn down.
struct lane_target {
  std::mutex mutex;
  caf::actor node;

  template <class Atom, class Payload>
  void tell(Atom atom, std::string name, Payload payload) {
    std::lock_guard<std::mutex> guard{mutex};
    if (node)
      caf::anon_send(node, atom, std::move(name), std::move(payload));
  }
};

} // namespace

struct tls_node::impl {
  tls_node_config cfg;
  std::shared_ptr<spdlog::logger> log;
  std::shared_ptr<detail::node_shared> shared = std::make_shared<detail::node_shared>();
  std::unique_ptr<caf::actor_system_config> sys_cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::actor node;
  caf::actor gateway;
  /// The model lane (cfg.model_lane), and the actor its threads report to.
  std::shared_ptr<detail::model_lane> lane;
  std::shared_ptr<lane_target> lane_to;
  uint16_t port = 0;
  std::string address;
  std::string name;
  /// Guards the handles and the teardown against concurrent stop/post/wait.
  std::mutex mutex;
  bool torn_down = false;
  status final_status;

  ~impl() {
    teardown();
  }

  status boot(local_identity self, std::shared_ptr<node_delegate> delegate);
  status open_lane(local_identity& self);
  status refuse_to_run(std::string why);
  void teardown();
};

status tls_node::impl::boot(local_identity self, std::shared_ptr<node_delegate> delegate) {
  if (!detail::ssl_error_queue_guarded())
    log->warn("{}: TLS I/O calls are not wrapped (the executable does not export them):"
                  " when a peer dies, CAF may drop other connections too",
                  self.name);
  sys_cfg = detail::make_system_config(cfg);
  try {
    sys = std::make_unique<caf::actor_system>(*sys_cfg);
  } catch (const std::exception& e) {
    // The pre-flight makes this unreachable for the known causes (e.g.
    // "No private key configured", quirk 3); report anything else plainly.
    return make_error(errc::io_error, std::string{"cannot start CAF: "} + e.what());
  }
  // Quirk 1: never run with anonymous TLS, whatever the configuration said.
  if (!sys->openssl_manager().authentication_enabled())
    return refuse_to_run("CAF's TLS certificate authentication is not enabled; refusing to"
                         " run with anonymous TLS");
  // Quirk 5: plaintext automatic connections must stay off.
  if (caf::get_or(sys->config(), "middleman.enable-automatic-connections", true))
    return refuse_to_run("middleman.enable-automatic-connections is on; it would open"
                         " plaintext connections");
  name = self.name;
  if (cfg.model_lane)
    if (auto st = open_lane(self); !st)
      return refuse_to_run(st.error().message);
  detail::node_setup setup{cfg, std::move(self), std::move(delegate), shared, log,
                           sys->openssl_manager().actor_handle(), lane};
  node = sys->spawn<detail::node_actor, caf::detached>(std::move(setup));
  if (lane_to) {
    std::lock_guard<std::mutex> guard{lane_to->mutex};
    lane_to->node = node;
  }
  // On the scheduler, where a new job wakes a waiting worker at once (see
  // system_config.cpp). Not detached: the system's shutdown would wait for
  // its thread while the middleman still holds it as a published actor.
  gateway = sys->spawn(detail::gateway, node, log);
  // openssl::publish only: io::publish would listen in plaintext.
  auto bound = caf::openssl::publish(gateway, cfg.port,
                                     cfg.bind_host.empty() ? nullptr : cfg.bind_host.c_str(),
                                     cfg.reuse_address);
  if (!bound)
    return refuse_to_run("cannot listen on " + format_address(cfg.bind_host, cfg.port) + ": "
                         + sys->render(bound.error()));
  port = *bound;
  // Before any peer connects: accepted connections inherit it.
  if (detail::set_nodelay_on_listener(port) == 0)
    log->warn("could not switch Nagle's algorithm off on port {}: peers will see up to 40 ms"
              " more latency per message",
              port);
  address = format_address(cfg.advertised_host.empty() ? cfg.bind_host : cfg.advertised_host,
                           port);
  caf::anon_send(node, detail::start_atom::value, address, gateway);
  return status::ok();
}

status tls_node::impl::open_lane(local_identity& self) {
  lane_to = std::make_shared<lane_target>();
  detail::lane_config lc;
  lc.bind_host = cfg.bind_host.empty() ? "0.0.0.0" : cfg.bind_host;
  lc.port = cfg.lane_port;
  lc.max_frame_bytes = cfg.max_envelope_bytes;
  lc.io_timeout_ms = cfg.connect_timeout_ms;
  // Parsed here, on the lane's reader thread, not by the node actor: the
  // actor's time is a round's critical path.
  lc.on_frame = [to = lane_to, max = cfg.max_envelope_bytes](
                 std::string name, detail::lane_frame_in frame) -> status {
    auto env = wire::decode_envelope(frame.head, max);
    if (!env)
      return env.error();
    to->tell(detail::lane_frame_atom::value, std::move(name),
             std::make_shared<detail::lane_delivery>(
               detail::lane_delivery{std::move(*env),
                                     {std::move(frame.values), frame.values_finite}}));
    return status::ok();
  };
  lc.on_undelivered = [to = lane_to](std::string name, detail::lane_frame frame) {
    to->tell(detail::lane_undelivered_atom::value, std::move(name),
             std::make_shared<detail::lane_frame>(std::move(frame)));
  };
  lc.log = log;
  auto opened = detail::model_lane::start(std::make_shared<const local_identity>(self),
                                          std::move(lc));
  if (!opened)
    return opened.error();
  lane = std::move(*opened);
  self.lane_address = format_address(
    cfg.advertised_host.empty() ? cfg.bind_host : cfg.advertised_host, lane->port());
  log->info("{}: model lane on {} (mutual TLS)", self.name, self.lane_address);
  return status::ok();
}

status tls_node::impl::refuse_to_run(std::string why) {
  if (node)
    caf::anon_send_exit(node, caf::exit_reason::kill);
  teardown();
  return make_error(errc::invalid_config, std::move(why));
}

void tls_node::impl::teardown() {
  std::lock_guard<std::mutex> guard{mutex};
  if (torn_down)
    return;
  torn_down = true;
  auto& done = shared->done();
  if (done.wait_for(std::chrono::seconds{0}) == std::future_status::ready)
    final_status = done.get();
  shared->finish(status::ok());
  // Its threads are joined and tell nobody from here on.
  if (lane)
    lane->stop();
  if (lane_to) {
    std::lock_guard<std::mutex> guard{lane_to->mutex};
    lane_to->node = nullptr;
  }
  if (gateway)
    caf::anon_send_exit(gateway, caf::exit_reason::kill);
  // Handles must not outlive their system.
  gateway = nullptr;
  node = nullptr;
  // Waits for every actor, then stops the middleman, closing all sockets.
  sys.reset();
  sys_cfg.reset();
}

tls_node::tls_node(std::unique_ptr<impl> ptr) : impl_(std::move(ptr)) {
  // nop
}

tls_node::~tls_node() {
  if (impl_)
    stop();
}

expected<std::unique_ptr<tls_node>> tls_node::start(tls_node_config cfg,
                                                    std::shared_ptr<node_delegate> delegate) {
  if (!delegate)
    return make_error(errc::invalid_argument, "tls_node::start needs a delegate");
  if (auto st = cfg.validate(); !st)
    return st.error();
  auto log = cfg.logger ? cfg.logger : swarm::log::get("swarm.transport");
  wire::route_protobuf_logs();
  // Everything CAF would trip over is checked here, before it exists.
  auto prepared = detail::prepare_identity(cfg, identity::clock::now());
  if (!prepared)
    return prepared.error();
  for (const auto& warning : prepared->warnings)
    log->warn("{}", warning);
  auto state = std::make_unique<impl>();
  state->cfg = std::move(cfg);
  state->log = std::move(log);
  if (auto st = state->boot(std::move(prepared->self), std::move(delegate)); !st)
    return st.error();
  return std::unique_ptr<tls_node>{new tls_node(std::move(state))};
}

uint16_t tls_node::port() const noexcept {
  return impl_->port;
}

const std::string& tls_node::address() const noexcept {
  return impl_->address;
}

const std::string& tls_node::name() const noexcept {
  return impl_->name;
}

bool tls_node::post(std::function<void(node_context&)> fn) {
  std::lock_guard<std::mutex> guard{impl_->mutex};
  if (impl_->torn_down || !impl_->shared->post(std::move(fn)))
    return false;
  caf::anon_send(impl_->node, detail::post_atom::value);
  return true;
}

status tls_node::stop() {
  {
    std::lock_guard<std::mutex> guard{impl_->mutex};
    if (!impl_->torn_down)
      caf::anon_send(impl_->node, detail::stop_atom::value);
  }
  return wait();
}

status tls_node::wait() {
  impl_->shared->done().wait();
  impl_->teardown();
  std::lock_guard<std::mutex> guard{impl_->mutex};
  return impl_->final_status;
}

} // namespace swarm::transport
