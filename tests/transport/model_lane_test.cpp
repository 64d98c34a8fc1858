#define BOOST_TEST_MODULE transport.model_lane
#include <boost/test/unit_test.hpp>

// The model lane on its own (no CAF): real mutual TLS over loopback between
// two lanes in this process, each on its own 127.x.y.1 address, with
// certificates made by gen-cert. What it must guarantee: frames arrive
// whole and in order under the sender's proven name; a peer whose
// certificate does not carry the name we dial, or that a CA we do not
// trust signed, gets nothing, and the envelope comes back to be sent
// another way.

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <future>
#include <mutex>
#include <sstream>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fixture.hpp"
#include "identity_setup.hpp"
#include "model_lane.hpp"
#include "swarm/transport/address.hpp"
#include "wait_until.hpp"

using namespace fixture;
using namespace swarm::transport::detail;

namespace {

// What a lane's callbacks saw.
struct inbox {
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<std::pair<std::string, lane_frame_in>> frames;
  std::vector<std::pair<std::string, lane_frame>> undelivered;

  template <class Pred> bool wait(Pred pred) {
    std::unique_lock<std::mutex> lock{mutex};
    return cv.wait_for(lock, deadline, [&] { return pred(*this); });
  }
};

// A lane on `host` with its inbox and log.
struct running_lane {
  std::shared_ptr<inbox> in = std::make_shared<inbox>();
  std::shared_ptr<capture_sink> log;
  std::unique_ptr<model_lane> lane;
  std::string address;

  running_lane(const swarm::identity::identity_files& files, const std::string& host,
               const std::string& name, int64_t idle_check_ms = 20,
               int64_t io_timeout_ms = 5000) {
    auto [logger, sink] = make_logger(name);
    log = sink;
    auto prepared = prepare_identity(config(files, host, logger), swarm::identity::clock::now());
    BOOST_REQUIRE_MESSAGE(prepared, why(prepared));
    lane_config cfg;
    cfg.bind_host = host;
    cfg.max_frame_bytes = size_t{8} << 20;
    cfg.io_timeout_ms = io_timeout_ms;
    cfg.retry_ms = 60000;
    cfg.idle_check_ms = idle_check_ms;
    cfg.log = logger;
    cfg.on_frame = [box = in](std::string from, lane_frame_in frame) -> swarm::status {
      std::lock_guard<std::mutex> guard{box->mutex};
      if (frame.head == "reject me")
        return swarm::make_error(swarm::errc::corrupt_data, "not an envelope");
      box->frames.emplace_back(std::move(from), std::move(frame));
      box->cv.notify_all();
      return swarm::status::ok();
    };
    cfg.on_undelivered = [box = in](std::string to, lane_frame frame) {
      std::lock_guard<std::mutex> guard{box->mutex};
      box->undelivered.emplace_back(std::move(to), std::move(frame));
      box->cv.notify_all();
    };
    auto started = model_lane::start(
      std::make_shared<const swarm::transport::local_identity>(prepared->self), std::move(cfg));
    BOOST_REQUIRE_MESSAGE(started, why(started));
    lane = std::move(*started);
    address = swarm::transport::format_address(host, lane->port());
  }
};

// A frame of `bytes` with no values beside them.
lane_frame frame_of(std::string bytes) {
  return lane_frame{std::move(bytes), nullptr};
}

// Sends `frame` once the lane's connection to `name` stands (the first
// call starts the dial; until then the lane declines).
bool send_when_connected(running_lane& from, const std::string& name, const std::string& address,
                         lane_frame frame) {
  return swarm::test::wait_until([&] { return from.lane->send(name, address, frame); }, deadline);
}

// `count` floats that differ from model to model.
std::shared_ptr<const std::vector<float>> values(size_t count, float seed) {
  auto result = std::make_shared<std::vector<float>>(count);
  for (size_t i = 0; i < count; ++i)
    (*result)[i] = seed + static_cast<float>(i % 1000) * 0.5f;
  return result;
}

// `size` bytes that differ from frame to frame.
std::string payload(size_t size, char seed) {
  std::string result(size, '\0');
  for (size_t i = 0; i < size; ++i)
    result[i] = static_cast<char>(seed + static_cast<char>(i * 7));
  return result;
}

// A TCP port on `host` whose SYNs go unanswered, as behind a firewall that
// drops them: a listener with no room in its accept queue, filled by one
// connection nobody accepts.
struct black_hole {
  int listener = -1;
  int filler = -1;
  uint16_t port = 0;

  explicit black_hole(const std::string& host) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
    listener = ::socket(AF_INET, SOCK_STREAM, 0);
    auto* sa = reinterpret_cast<sockaddr*>(&addr);
    socklen_t len = sizeof(addr);
    BOOST_REQUIRE(::bind(listener, sa, len) == 0 && ::listen(listener, 0) == 0
                  && ::getsockname(listener, sa, &len) == 0);
    port = ntohs(addr.sin_port);
    filler = ::socket(AF_INET, SOCK_STREAM, 0);
    BOOST_REQUIRE(::connect(filler, sa, sizeof(addr)) == 0);
  }
  ~black_hole() {
    ::close(filler);
    ::close(listener);
  }
  black_hole(const black_hole&) = delete;
  black_hole& operator=(const black_hole&) = delete;
};

// Whether a socket of this network namespace waits for the SYN-ACK of
// `port` (state SYN_SENT in /proc/net/tcp).
bool dialing(uint16_t port) {
  std::ifstream in{"/proc/net/tcp"};
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::istringstream fields{line};
    std::string slot, local, remote, state;
    fields >> slot >> local >> remote >> state;
    auto colon = remote.find(':');
    if (state == "02" && colon != std::string::npos
        && std::stoul(remote.substr(colon + 1), nullptr, 16) == port)
      return true;
  }
  return false;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_stop_does_not_wait_out_a_dial_to_a_peer_that_never_answers) {
  pki certs;
  // A dial may take two minutes: the stop must cut it short, not wait.
  running_lane a{pki::files(certs.host1), "127.0.1.1", "SN-1", 20, 120'000};
  black_hole peer{"127.0.2.1"};
  auto address = swarm::transport::format_address("127.0.2.1", peer.port);
  auto frame = frame_of(payload(100, 'h'));
  BOOST_TEST(!a.lane->send("SN-2", address, frame));
  BOOST_REQUIRE(swarm::test::wait_until([&] { return dialing(peer.port); }, deadline));
  auto stopped = std::async(std::launch::async, [&] { a.lane->stop(); });
  BOOST_TEST((stopped.wait_for(deadline) == std::future_status::ready));
  // The frame was never the lane's: CAF carries it while the lane dials.
  BOOST_TEST(a.in->undelivered.empty());
}

BOOST_AUTO_TEST_CASE(frames_arrive_whole_and_in_order_under_the_senders_proven_name) {
  pki certs;
  running_lane a{pki::files(certs.host1), "127.0.1.1", "SN-1"};
  running_lane b{pki::files(certs.host2), "127.0.2.1", "SN-2"};
  std::vector<std::string> sent{payload(2 << 20, 'a'), payload(10, 'b'), payload(300000, 'c')};
  // The first envelope waits for the connection (a caller would send it
  // another way meanwhile), the others follow on it at once.
  BOOST_REQUIRE(send_when_connected(a, "SN-2", b.address, frame_of(sent[0])));
  for (size_t i = 1; i < sent.size(); ++i) {
    auto frame = frame_of(sent[i]);
    BOOST_REQUIRE(a.lane->send("SN-2", b.address, frame));
  }
  BOOST_REQUIRE(b.in->wait([](inbox& x) { return x.frames.size() == 3; }));
  for (size_t i = 0; i < sent.size(); ++i) {
    BOOST_TEST(b.in->frames[i].first == "SN-1");
    BOOST_TEST((b.in->frames[i].second.head == sent[i]), "frame " << i << " differs");
    BOOST_TEST(b.in->frames[i].second.values.empty());
  }
  BOOST_TEST(a.in->undelivered.empty());
  BOOST_TEST(b.log->contains({"model lane: SN-1 connected from"}));
  // Both ends prefer AES-128-GCM (a fifth cheaper per model than AES-256).
  BOOST_TEST(
    a.log->contains({"model lane: connected to SN-2", "(TLSv1.3, TLS_AES_128_GCM_SHA256)"}));
}

BOOST_AUTO_TEST_CASE(frames_around_the_write_buffers_size_arrive_whole_each_on_its_own) {
  pki certs;
  running_lane a{pki::files(certs.host1), "127.0.1.1", "SN-1"};
  running_lane b{pki::files(certs.host2), "127.0.2.1", "SN-2"};
  // Writes gather in a buffer that each frame flushes: a frame just under,
  // at and over its size, and a small frame after each, must all arrive
  // without waiting for a next frame to push them out.
  auto size = static_cast<size_t>(lane_write_buffer_bytes);
  std::vector<std::string> sent{payload(size - 100, 'a'), payload(5, 'b'), payload(size, 'c'),
                                payload(5, 'd'), payload(size + 1, 'e'), payload(5, 'f')};
  BOOST_REQUIRE(send_when_connected(a, "SN-2", b.address, frame_of(sent[0])));
  for (size_t i = 1; i < sent.size(); ++i) {
    BOOST_REQUIRE(b.in->wait([i](inbox& x) { return x.frames.size() == i; }));
    auto frame = frame_of(sent[i]);
    BOOST_REQUIRE(a.lane->send("SN-2", b.address, frame));
  }
  BOOST_REQUIRE(b.in->wait([&](inbox& x) { return x.frames.size() == sent.size(); }));
  for (size_t i = 0; i < sent.size(); ++i)
    BOOST_TEST((b.in->frames[i].second.head == sent[i]), "frame " << i << " differs");
}

BOOST_AUTO_TEST_CASE(model_values_travel_beside_their_envelope_bit_for_bit) {
  pki certs;
  running_lane a{pki::files(certs.host1), "127.0.1.1", "SN-1"};
  running_lane b{pki::files(certs.host2), "127.0.2.1", "SN-2"};
  // An MNIST-sized model, a frame without values, and a second model: each
  // frame's values arrive with its own envelope.
  auto first = values(397510, 1.5f);
  auto second = values(10, -2.0f);
  BOOST_REQUIRE(send_when_connected(a, "SN-2", b.address, lane_frame{"envelope 1", first}));
  auto bare = frame_of("envelope 2");
  BOOST_REQUIRE(a.lane->send("SN-2", b.address, bare));
  lane_frame last{"envelope 3", second};
  BOOST_REQUIRE(a.lane->send("SN-2", b.address, last));
  BOOST_REQUIRE(b.in->wait([](inbox& x) { return x.frames.size() == 3; }));
  const auto& got = b.in->frames;
  BOOST_TEST(got[0].second.head == "envelope 1");
  BOOST_TEST((got[0].second.values == *first));
  BOOST_TEST(got[1].second.head == "envelope 2");
  BOOST_TEST(got[1].second.values.empty());
  BOOST_TEST(got[2].second.head == "envelope 3");
  BOOST_TEST((got[2].second.values == *second));
}

BOOST_AUTO_TEST_CASE(a_frame_larger_than_the_receivers_limit_ends_the_connection) {
  pki certs;
  running_lane a{pki::files(certs.host1), "127.0.1.1", "SN-1"};
  running_lane b{pki::files(certs.host2), "127.0.2.1", "SN-2"};
  // The limit is 8 MiB in all: a small envelope with 9 MiB of values
  // beside it is refused before its body is read.
  BOOST_REQUIRE(
    send_when_connected(a, "SN-2", b.address, lane_frame{"envelope", values(9 << 18, 0.0f)}));
  BOOST_REQUIRE(b.log->wait_for({"model lane: dropped SN-1's connection", "at most 8388608"}));
  BOOST_TEST(b.in->frames.empty());
}

BOOST_AUTO_TEST_CASE(a_peer_that_cannot_prove_the_name_we_dial_gets_nothing) {
  pki certs;
  running_lane a{pki::files(certs.host1), "127.0.1.1", "SN-1"};
  running_lane b{pki::files(certs.host2), "127.0.2.1", "SN-2"};
  // SN-2 listens there: a certificate for SN-2 does not prove SN-3.
  auto frame = frame_of(payload(1000, 'x'));
  BOOST_TEST(!a.lane->send("SN-3", b.address, frame));
  BOOST_REQUIRE(a.log->wait_for({" : WARNING : model lane to SN-3", "names SN-2"}));
  // The lane to SN-3 rests: the caller keeps its envelopes.
  BOOST_TEST(!a.lane->send("SN-3", b.address, frame));
  BOOST_TEST(frame.head == payload(1000, 'x'));
  BOOST_TEST(b.in->frames.empty());
  BOOST_TEST(a.in->undelivered.empty());
}

BOOST_AUTO_TEST_CASE(lanes_of_untrusted_cas_refuse_each_other_both_ways) {
  pki certs;
  pki strangers;
  running_lane a{pki::files(certs.host2), "127.0.2.1", "SN-2"};
  running_lane s{pki::files(strangers.host1), "127.0.3.1", "SN-1"};
  // The stranger dials: our listener refuses its certificate.
  auto bytes = frame_of(payload(1000, 's'));
  BOOST_TEST(!s.lane->send("SN-2", a.address, bytes));
  BOOST_REQUIRE(a.log->wait_for({"model lane: refused a connection from 127.0.3.1"}));
  BOOST_REQUIRE(s.log->wait_for({"model lane to SN-2", "certificate verify failed"}));
  // We dial the stranger: its certificate does not verify for us.
  BOOST_TEST(!a.lane->send("SN-1", s.address, bytes));
  BOOST_REQUIRE(a.log->wait_for({"model lane to SN-1", "certificate verify failed"}));
  BOOST_TEST(!a.lane->send("SN-1", s.address, bytes));
  BOOST_TEST(a.in->frames.empty());
  BOOST_TEST(s.in->frames.empty());
}

BOOST_AUTO_TEST_CASE(an_envelope_for_a_peer_that_closed_comes_back_to_be_sent_another_way) {
  pki certs;
  running_lane a{pki::files(certs.host1), "127.0.1.1", "SN-1", 60000};
  auto b = std::make_unique<running_lane>(pki::files(certs.host2), "127.0.2.1", "SN-2");
  auto address = b->address;
  BOOST_REQUIRE(send_when_connected(a, "SN-2", address, frame_of(payload(10, 'c'))));
  BOOST_REQUIRE(b->in->wait([](inbox& x) { return x.frames.size() == 1; }));
  b.reset();
  // Still connected as far as a knows (its idle check is a minute away).
  auto model = values(5000, 4.0f);
  lane_frame frame{payload(50, 'd'), model};
  BOOST_REQUIRE(a.lane->send("SN-2", address, frame));
  BOOST_REQUIRE(a.in->wait([](inbox& x) { return x.undelivered.size() == 1; }));
  BOOST_TEST(a.in->undelivered[0].first == "SN-2");
  BOOST_TEST((a.in->undelivered[0].second.head == payload(50, 'd')));
  // The values come back as they were shared, for the caller to embed.
  BOOST_TEST((a.in->undelivered[0].second.values == model));
  // The peer stopped: news (INFO), not a fault.
  BOOST_TEST(a.log->contains({" : INFO : model lane to SN-2", "1 unsent resent there"}));
}

BOOST_AUTO_TEST_CASE(a_frame_the_receiver_rejects_ends_the_connection_and_is_reported) {
  pki certs;
  running_lane a{pki::files(certs.host1), "127.0.1.1", "SN-1"};
  running_lane b{pki::files(certs.host2), "127.0.2.1", "SN-2"};
  BOOST_REQUIRE(send_when_connected(a, "SN-2", b.address, frame_of("reject me")));
  BOOST_REQUIRE(b.log->wait_for({"model lane: dropped SN-1's connection", "not an envelope"}));
  // The sender's idle writer sees the connection end.
  BOOST_REQUIRE(a.log->wait_for({"model lane: SN-2 closed the connection"}));
  BOOST_TEST(b.in->frames.empty());
}

BOOST_AUTO_TEST_CASE(a_stopped_lane_refuses_to_send_and_its_peer_sees_an_orderly_end) {
  pki certs;
  running_lane a{pki::files(certs.host1), "127.0.1.1", "SN-1"};
  running_lane b{pki::files(certs.host2), "127.0.2.1", "SN-2"};
  BOOST_REQUIRE(send_when_connected(a, "SN-2", b.address, frame_of(payload(100, 'q'))));
  BOOST_REQUIRE(b.in->wait([](inbox& x) { return x.frames.size() == 1; }));
  a.lane->stop();
  auto later = frame_of(payload(100, 'r'));
  BOOST_TEST(!a.lane->send("SN-2", b.address, later));
  // close_notify, not a cut connection.
  BOOST_REQUIRE(b.log->wait_for({"model lane: SN-1 closed its connection"}));
  BOOST_TEST(!b.log->contains({"dropped SN-1's connection"}));
}

BOOST_AUTO_TEST_CASE(
  a_connection_to_a_peer_that_stopped_ends_and_its_new_lane_gets_the_next_frame) {
  pki certs;
  running_lane a{pki::files(certs.host1), "127.0.1.1", "SN-1"};
  auto old_b = std::make_unique<running_lane>(pki::files(certs.host2), "127.0.2.1", "SN-2");
  BOOST_REQUIRE(send_when_connected(a, "SN-2", old_b->address, frame_of(payload(100, 'f'))));
  BOOST_REQUIRE(old_b->in->wait([](inbox& x) { return x.frames.size() == 1; }));
  old_b.reset();
  // The idle writer notices the closed connection by itself.
  BOOST_REQUIRE(a.log->wait_for({"model lane: SN-2 closed the connection"}));
  running_lane new_b{pki::files(certs.host2), "127.0.2.1", "SN-2"};
  BOOST_REQUIRE(send_when_connected(a, "SN-2", new_b.address, frame_of(payload(100, 's'))));
  BOOST_REQUIRE(new_b.in->wait([](inbox& x) { return x.frames.size() == 1; }));
  BOOST_TEST((new_b.in->frames[0].second.head == payload(100, 's')));
  BOOST_TEST(a.in->undelivered.empty());
}
