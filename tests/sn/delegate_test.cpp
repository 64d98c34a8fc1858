// Two sn_delegates wired through a fake node_context, without CAF: the
// second joins through the first and both end up with both node records.

#define BOOST_TEST_MODULE sn_delegate
#include <boost/test/unit_test.hpp>

#include <regex>

#include <deque>

#include "process.hpp"
#include "swarm/sn/sn_delegate.hpp"

namespace {

using namespace swarm;

struct letter {
  std::string from;
  std::string to_address;
  wire::Envelope env;
};

// Delivers every envelope through a shared queue; names and addresses are
// fixed ("SN-1" at "a:1", "SN-2" at "b:1").
class fake_context : public transport::node_context {
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
  bool send_to_name(std::string_view name, wire::Envelope env) override {
    queue_->push_back({name_, name == "SN-1" ? "a:1" : "b:1", std::move(env)});
    return true;
  }
  void send_to_address(std::string_view address, wire::Envelope env) override {
    queue_->push_back({name_, std::string{address}, std::move(env)});
  }
  void send(std::string_view name, std::string_view address, wire::Envelope env) override {
    if (address.empty())
      send_to_name(name, std::move(env));
    else
      send_to_address(address, std::move(env));
  }
  void dial(std::string_view) override {
  }
  std::vector<transport::peer_info> peers() const override {
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

sn::sn_options options(bool sentinel, const std::filesystem::path& dir) {
  sn::sn_options opts;
  opts.sentinel = sentinel;
  opts.host = sentinel ? "a" : "b";
  opts.p2p_port = 1;
  opts.data_dir = dir;
  opts.swim_config = membership::local_defaults();
  opts.rng_seed = sentinel ? 1 : 2;
  if (!sentinel)
    opts.seeds.push_back("a:1");
  return opts;
}

} // namespace

BOOST_AUTO_TEST_CASE(two_delegates_share_the_registry) {
  swarm::test::temp_dir dir;
  std::deque<letter> queue;
  int64_t clock = 1000;
  sn::sn_delegate d1{options(true, dir.path() / "1")};
  sn::sn_delegate d2{options(false, dir.path() / "2")};
  fake_context c1{"SN-1", "a:1", queue, clock};
  fake_context c2{"SN-2", "b:1", queue, clock};
  d1.on_start(c1);
  d2.on_start(c2);
  BOOST_REQUIRE(!d1.start_error() && !d2.start_error());
  for (int step = 0; step < 300; ++step) {
    clock += 100;
    d1.on_tick(c1, clock);
    d2.on_tick(c2, clock);
    while (!queue.empty()) {
      auto x = std::move(queue.front());
      queue.pop_front();
      if (x.to_address == "a:1")
        d1.on_message(c1, x.from, x.env);
      else
        d2.on_message(c2, x.from, x.env);
    }
  }
  BOOST_CHECK(d2.joined());
  for (auto* d : {&d1, &d2}) {
    auto nodes = d->provider()->nodes();
    BOOST_REQUIRE_EQUAL(nodes.size(), 2u);
    for (const auto& row : nodes)
      BOOST_CHECK_EQUAL(row.status, "ACTIVE");
    BOOST_CHECK(d->provider()->health().ready);
  }
  BOOST_CHECK(d1.provider()->metrics_text().find("swarm_members{state=\"alive\"} 2")
              != std::string::npos);
  // Answered probes reach the round-trip histogram.
  std::smatch count;
  auto text = d1.provider()->metrics_text();
  BOOST_REQUIRE(std::regex_search(text, count,
                                  std::regex{R"(swarm_probe_rtt_seconds_count (\d+))"}));
  BOOST_CHECK_GT(std::stoul(count[1]), 0u);
}
