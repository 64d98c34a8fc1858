#include "swarm/sl/embedded_sl.hpp"

#include <atomic>
#include <charconv>
#include <chrono>
#include <random>
#include <thread>

#include "swarm/common/log.hpp"
#include "swarm/membership/state_file.hpp"
#include "swarm/sl/ml_link.hpp"
#include "swarm/sl/sl_delegate.hpp"
#include "swarm/sn/departure.hpp"
#include "swarm/transport/tls_node.hpp"
#include "swarm/wire/limits.hpp"

namespace swarm::sl {

expected<sl_options> make_sl_options(const std::string& host, uint16_t fs_port,
                                     const std::string& sn_address,
                                     const std::filesystem::path& data_dir,
                                     merge::round_config rounds) {
  sl_options opts;
  auto& o = opts.overlay;
  o.type = membership::node_type::sl;
  o.host = host;
  o.fs_port = fs_port;
  o.seeds.push_back(sn_address);
  o.data_dir = data_dir;
  std::random_device rd;
  o.rng_seed = (uint64_t{rd()} << 32) | rd();
  auto state = membership::load_state(data_dir);
  if (!state)
    return state.error();
  o.state = std::move(*state);
  opts.rounds = std::move(rounds);
  opts.data_dir = data_dir;
  return opts;
}

namespace {

expected<uint16_t> port_of(const char* name, const std::string& text) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value == 0 || value > 65535)
    return make_error(errc::invalid_config,
                      std::string{name} + ": expected a port 1..65535, got '" + text + "'");
  return static_cast<uint16_t>(value);
}

} // namespace

expected<embedded_sl_options>
embedded_options_from_env(const std::function<std::optional<std::string>(const char*)>& getenv) {
  embedded_sl_options opts;
  auto required = [&](const char* name, auto& out) -> status {
    auto x = getenv(name);
    if (!x || x->empty())
      return make_error(errc::invalid_config, std::string{name} + " is required for an "
                                                                  "embedded SL");
    out = *x;
    return {};
  };
  for (auto st : {required("THIS_NODE_IP", opts.host_ip), required("SN_NODE_IP", opts.sn_ip),
                  required("SL_KEY", opts.identity.key), required("SL_CERT", opts.identity.cert)})
    if (!st)
      return st.error();
  if (auto x = getenv("SL_CAPATH"))
    opts.identity.capath = *x;
  if (auto x = getenv("SL_CACERT"))
    opts.identity.cacert = *x;
  if (opts.identity.capath.empty() && opts.identity.cacert.empty())
    return make_error(errc::invalid_config, "SL_CAPATH or SL_CACERT is required for an "
                                            "embedded SL");
  if (auto x = getenv("SL_FS_PORT")) {
    auto port = port_of("SL_FS_PORT", *x);
    if (!port)
      return port.error();
    opts.fs_port = *port;
  }
  if (auto x = getenv("SL_LANE_PORT")) {
    auto port = *x == "0" ? expected<uint16_t>{uint16_t{0}} : port_of("SL_LANE_PORT", *x);
    if (!port)
      return port.error();
    opts.lane_port = *port;
  }
  if (auto x = getenv("SN_P2P_PORT")) {
    auto port = port_of("SN_P2P_PORT", *x);
    if (!port)
      return port.error();
    opts.sn_p2p_port = *port;
  }
  if (auto x = getenv("SL_DATA_DIR"))
    opts.data_dir = *x;
  if (auto st = merge::apply_environment(opts.rounds, getenv); !st)
    return st.error();
  return opts;
}

struct embedded_sl::impl {
  std::shared_ptr<sl_delegate> delegate;
  std::unique_ptr<transport::tls_node> node;
  std::optional<mlsl::ml_channel> ml_end;
  std::unique_ptr<ml_link> link;
};

embedded_sl::embedded_sl(std::unique_ptr<impl> ptr) : impl_(std::move(ptr)) {
}

expected<std::unique_ptr<embedded_sl>> embedded_sl::start(embedded_sl_options opts) {
  auto sl_opts = make_sl_options(opts.host_ip, opts.fs_port,
                                 opts.sn_ip + ":" + std::to_string(opts.sn_p2p_port),
                                 opts.data_dir, opts.rounds);
  if (!sl_opts)
    return sl_opts.error();
  auto pair = mlsl::ml_channel::pair();
  if (!pair)
    return pair.error();
  auto state = std::make_unique<impl>();
  state->delegate = std::make_shared<sl_delegate>(std::move(*sl_opts));
  transport::tls_node_config cfg;
  cfg.identity = opts.identity;
  cfg.bind_host = opts.host_ip;
  cfg.port = opts.fs_port;
  cfg.max_envelope_bytes = wire::max_round_envelope_bytes;
  cfg.model_lane = true;
  cfg.lane_port = opts.lane_port;
  auto node = transport::tls_node::start(cfg, state->delegate);
  if (!node)
    return node.error();
  state->node = std::move(*node);
  if (auto err = state->delegate->overlay().start_error()) {
    (void) state->node->stop();
    return *err;
  }
  state->ml_end.emplace(std::move(pair->first));
  state->link = std::make_unique<ml_link>(std::move(pair->second), *state->node, state->delegate);
  return std::unique_ptr<embedded_sl>{new embedded_sl(std::move(state))};
}

expected<mlsl::ml_channel> embedded_sl::take_ml_end() {
  if (!impl_->ml_end)
    return make_error(errc::invalid_argument, "the embedded SL's channel was already taken");
  auto result = std::move(*impl_->ml_end);
  impl_->ml_end.reset();
  return result;
}

std::string embedded_sl::address() const {
  return impl_->node->address();
}

embedded_sl::~embedded_sl() {
  auto& node = *impl_->node;
  auto delegate = impl_->delegate;
  // Serve the peers until the linger time after the final round passed
  // (no session can start if the ML never took its end of the channel).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{30};
  while (!impl_->ml_end) {
    auto done = std::make_shared<std::atomic<int>>(0);
    if (!node.post([done, delegate](transport::node_context& ctx) {
          *done = delegate->finished(ctx.now_ms()) ? 1 : 2;
        }))
      break;
    while (*done == 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds{50});
    if (*done == 1 || std::chrono::steady_clock::now() >= deadline)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds{200});
  }
  impl_->link.reset();
  sn::leave_and_wait(node, {delegate, &delegate->overlay()}, std::chrono::milliseconds{300});
  node.post([](transport::node_context& ctx) { ctx.request_stop(); });
  (void) node.wait();
}

} // namespace swarm::sl
