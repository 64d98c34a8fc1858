#pragma once
// Two overlay nodes without a network, for delegate tests: "SN-1" at "a:1"
// (the sentinel) and a second node at "b:1"; every envelope goes through
// one shared queue the test delivers, on a clock the test advances.

#include <cstdint>
#include <deque>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "swarm/membership/config.hpp"
#include "swarm/sn/sn_delegate.hpp"
#include "swarm/transport/node_delegate.hpp"

namespace sn_test {

/// One envelope in flight.
struct letter {
  std::string from;
  std::string to_address;
  swarm::wire::Envelope env;
};

/// A node's context: sends go to the shared queue; "SN-1" lives at "a:1",
/// every other name at "b:1".
class fake_context : public swarm::transport::node_context {
public:
  fake_context(std::string name, std::string address, std::deque<letter>& queue, int64_t& clock)
    : name_(std::move(name)), address_(std::move(address)), queue_(&queue), clock_(&clock) {
  }
  const std::string& name() const override {
    return name_;
  }
  const std::string& address() const override {
    return address_;
  }
  int64_t now_ms() const override {
    return *clock_;
  }
  bool send_to_name(std::string_view name, swarm::wire::Envelope env) override {
    queue_->push_back({name_, name == "SN-1" ? "a:1" : "b:1", std::move(env)});
    return true;
  }
  void send_to_address(std::string_view address, swarm::wire::Envelope env) override {
    queue_->push_back({name_, std::string{address}, std::move(env)});
  }
  void send(std::string_view name, std::string_view address,
            swarm::wire::Envelope env) override {
    if (address.empty())
      send_to_name(name, std::move(env));
    else
      send_to_address(address, std::move(env));
  }
  void dial(std::string_view) override {
  }
  std::vector<swarm::transport::peer_info> peers() const override {
    return {};
  }
  bool is_verified(std::string_view) const override {
    return true;
  }
  void request_stop() override {
  }

private:
  std::string name_;
  std::string address_;
  std::deque<letter>* queue_;
  int64_t* clock_;
};

/// Overlay options of the sentinel at "a:1", or of the node at "b:1"
/// joining through it, keeping its files in `dir`.
inline swarm::sn::sn_options overlay_options(bool sentinel, const std::filesystem::path& dir) {
  swarm::sn::sn_options opts;
  opts.sentinel = sentinel;
  opts.host = sentinel ? "a" : "b";
  opts.p2p_port = 1;
  opts.data_dir = dir;
  opts.swim_config = swarm::membership::local_defaults();
  opts.rng_seed = sentinel ? 1 : 2;
  if (!sentinel)
    opts.seeds.push_back("a:1");
  return opts;
}

} // namespace sn_test
