#include "swarm/api/server.hpp"

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

#include <fcntl.h>
#include <sys/socket.h>

#include <httplib.h>

#include "connection_guard.hpp"
#include "http_glue.hpp"
#include "swarm/common/log.hpp"
#include "tls_context.hpp"
#include "worker_pool.hpp"

namespace swarm::api {

namespace {

/// Feeds httplib's accept loop into our bounded pool. httplib owns this
/// object for the duration of one `listen`; the pool outlives it.
class pool_queue final : public httplib::TaskQueue {
public:
  explicit pool_queue(std::shared_ptr<detail::worker_pool> pool) : pool_(std::move(pool)) {
    // nop
  }

  void enqueue(std::function<void()> fn) override {
    pool_->submit(std::move(fn));
  }

  void shutdown() override {
    pool_->shutdown();
  }

private:
  std::shared_ptr<detail::worker_pool> pool_;
};

/// httplib's listen backlog is compiled into Debian's library as 5: a burst
/// of a few more connects loses SYNs and waits a second for the retransmit.
/// The listening socket is a protected member, hence the subclass.
class ssl_server final : public httplib::SSLServer {
public:
  using SSLServer::SSLServer;

  /// Sets the backlog of the bound socket (listen(2) again updates it).
  void set_backlog(int backlog) {
    ::listen(svr_sock_, backlog);
  }
};

std::string host_port(const std::string& host, uint16_t port) {
  auto h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return h + ":" + std::to_string(port);
}

/// httplib's default sets SO_REUSEPORT, which lets a second server bind the
/// same port and silently take half the connections; plain SO_REUSEADDR
/// only allows restarting while old connections linger in TIME_WAIT.
void listen_socket_options(socket_t sock) {
  int yes = 1;
  ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  ::fcntl(sock, F_SETFD, ::fcntl(sock, F_GETFD) | FD_CLOEXEC);
}

family<counter>* register_counter(metrics_registry* registry, const char* name,
                                  const char* help, const char* label,
                                  spdlog::logger& log) {
  if (registry == nullptr)
    return nullptr;
  auto result = registry->add_counter(name, help, {label});
  if (!result) {
    log.warn("not counting {}: {}", name, result.error().message);
    return nullptr;
  }
  return *result;
}

} // namespace

struct api_server::impl {
  api_server_options opts;
  router routes;
  detail::http_context http_ctx;
  family<counter>* refusals = nullptr;

  std::shared_ptr<detail::worker_pool> pool;
  std::unique_ptr<detail::connection_guard> guard;
  std::unique_ptr<ssl_server> http;
  std::thread listener;

  std::mutex state_mutex;
  std::condition_variable state_changed;
  bool listening = false;
  bool listener_done = false;

  std::atomic<bool> running{false};
  std::atomic<bool> stopping{false};
  std::atomic<uint16_t> bound_port{0};

  impl(api_server_options options, router r) : opts(std::move(options)), routes(std::move(r)) {
    http_ctx.routes = &routes;
    http_ctx.log = log::get("swarm.API");
    http_ctx.max_body_bytes = opts.max_body_bytes;
    http_ctx.requests = register_counter(opts.metrics, "swarm_api_requests_total",
                                         "Requests answered by the SN API, by HTTP status.",
                                         "code", *http_ctx.log);
    refusals = register_counter(
      opts.metrics, "swarm_api_handshake_failures_total",
      "TLS connections the SN API refused during the handshake, by reason.", "reason",
      *http_ctx.log);
  }

  void on_refusal(const detail::refusal_report& r) {
    if (refusals != nullptr)
      refusals->with({std::string(detail::to_string(r.reason))}).inc();
    auto level = detail::is_certificate_refusal(r.reason) ? spdlog::level::info
                                                          : spdlog::level::debug;
    http_ctx.log->log(level, "refused a TLS connection from {}: {}: {}", r.peer,
                      detail::to_string(r.reason), r.detail);
  }

  status make_http(const identity::checked_identity& id) {
    guard = std::make_unique<detail::connection_guard>(
      opts.handshake_timeout, opts.connection_timeout,
      [this](const detail::refusal_report& r) { on_refusal(r); });
    status tls = status::ok();
    http = std::make_unique<ssl_server>([&](SSL_CTX& ctx) {
      tls = detail::configure_tls(ctx, id, &detail::connection_guard::verify_callback);
      if (tls)
        guard->attach(&ctx);
      return static_cast<bool>(tls);
    });
    if (!http->is_valid())
      return tls ? status{make_error(errc::invalid_argument, "API server: no TLS context")}
                 : tls;
    configure_http();
    return status::ok();
  }

  void configure_http() {
    using namespace std::chrono;
    http->set_socket_options(listen_socket_options);
    http->set_tcp_nodelay(true);
    http->set_read_timeout(opts.read_timeout);
    http->set_write_timeout(opts.write_timeout);
    auto keep_alive_s = duration_cast<seconds>(opts.keep_alive_timeout + milliseconds{999});
    http->set_keep_alive_timeout(std::max<time_t>(1, keep_alive_s.count()));
    http->set_keep_alive_max_count(std::max<size_t>(1, opts.keep_alive_max_requests));
    http->set_payload_max_length(opts.max_body_bytes);
    http->set_default_headers({{"Cache-Control", "no-store"}});
    // httplib calls this factory right after it marks itself running, so it
    // doubles as the signal that `stop` can no longer miss the loop.
    http->new_task_queue = [this] {
      {
        std::lock_guard lock{state_mutex};
        listening = true;
      }
      state_changed.notify_all();
      return new pool_queue(pool);
    };
    detail::install_handlers(*http, http_ctx);
  }

  status bind() {
    errno = 0;
    int port = opts.port == 0 ? http->bind_to_any_port(opts.host)
                              : (http->bind_to_port(opts.host, opts.port) ? opts.port : -1);
    if (port > 0) {
      http->set_backlog(static_cast<int>(std::max<size_t>(opts.max_queued_connections, 5)));
      bound_port = static_cast<uint16_t>(port);
      return status::ok();
    }
    auto why = errno != 0 ? std::string(std::strerror(errno))
                          : std::string("not an address of this host, or unresolvable");
    return make_error(errc::io_error,
                      "API server: cannot listen on " + host_port(opts.host, opts.port) + ": "
                        + why);
  }

  status start() {
    if (running)
      return make_error(errc::invalid_argument, "API server: already running");
    auto id = identity::check_identity(opts.identity, identity::clock::now());
    if (!id)
      return make_error(id.error().code, "API server: " + id.error().message);
    for (const auto& warning : id->warnings)
      http_ctx.log->warn("{}", warning);
    pool = std::make_shared<detail::worker_pool>(opts.worker_threads,
                                                 opts.max_queued_connections);
    if (auto st = make_http(*id); !st) {
      release();
      return st;
    }
    if (auto st = bind(); !st) {
      release();
      return st;
    }
    return run_listener();
  }

  status run_listener() {
    {
      std::lock_guard lock{state_mutex};
      listening = false;
      listener_done = false;
    }
    stopping = false;
    listener = std::thread([this] {
      detail::block_sigpipe_in_this_thread();
      http->listen_after_bind();
      if (!stopping)
        http_ctx.log->error("API server on {} stopped accepting connections",
                            host_port(opts.host, bound_port));
      {
        std::lock_guard lock{state_mutex};
        listener_done = true;
      }
      state_changed.notify_all();
    });
    bool ok;
    {
      std::unique_lock lock{state_mutex};
      state_changed.wait(lock, [this] { return listening || listener_done; });
      ok = listening;
    }
    if (!ok) {
      listener.join();
      release();
      bound_port = 0;
      return make_error(errc::io_error, "API server: the accept loop ended at once on "
                                          + host_port(opts.host, opts.port));
    }
    running = true;
    http_ctx.log->info("API server listening on https://{} (client certificates required, "
                       "{} workers)",
                       host_port(opts.host, bound_port), opts.worker_threads);
    return status::ok();
  }

  void stop() {
    if (!listener.joinable())
      return;
    // Order matters: cut connections first so busy workers free up, then
    // unblock an accept loop waiting for queue room, then end the loop.
    stopping = true;
    guard->cut_all();
    pool->begin_stop();
    http->stop();
    listener.join();
    release();
    running = false;
    http_ctx.log->info("API server on {} stopped", host_port(opts.host, bound_port));
    bound_port = 0;
  }

  /// Frees in dependency order: workers (which use SSL objects) before the
  /// SSL context, the context before the guard it points to.
  void release() {
    if (pool)
      pool->shutdown();
    http.reset();
    guard.reset();
    pool.reset();
  }
};

api_server::api_server(api_server_options options, router routes)
  : impl_(std::make_unique<impl>(std::move(options), std::move(routes))) {
  // nop
}

api_server::~api_server() {
  stop();
}

status api_server::start() {
  return impl_->start();
}

void api_server::stop() {
  impl_->stop();
}

bool api_server::running() const {
  return impl_->running;
}

uint16_t api_server::port() const {
  return impl_->bound_port;
}

const api_server_options& api_server::options() const {
  return impl_->opts;
}

size_t api_server::open_connections() const {
  return impl_->guard ? impl_->guard->open_connections() : 0;
}

} // namespace swarm::api
