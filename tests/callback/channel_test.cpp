#define BOOST_TEST_MODULE callback.channel
#include <boost/test/unit_test.hpp>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "channel_support.hpp"
#include "swarm/mlsl/channel.hpp"
#include "swarm/wire/bundle_convert.hpp"
#include "wait_until.hpp"

using namespace swarm;
using namespace swarm::mlsl;
using namespace channel_test;
namespace fs = std::filesystem;

namespace {

// A fresh private directory under /tmp (short: socket paths max 107 bytes).
struct temp_dir {
  fs::path path;
  temp_dir() {
    char pattern[] = "/tmp/mlsl-test-XXXXXX";
    path = ::mkdtemp(pattern);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// A channel end for the SL whose peer is a raw fd the test writes by hand.
std::pair<ml_channel, int> raw_pair() {
  int fds[2];
  BOOST_REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
  return {ml_channel{fds[0], side::sl, {}}, fds[1]};
}

std::string raw_header(uint32_t version, uint32_t min_version, uint32_t type, uint32_t size) {
  Header h;
  h.mutable_api_version()->set_api_version(version);
  h.mutable_api_version()->set_min_version(min_version);
  h.set_msg_type(type);
  h.set_msg_size(size);
  return h.SerializeAsString();
}

void write_all(int fd, const std::string& bytes) {
  BOOST_REQUIRE(::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
}

SyncRequest sample_sync() {
  merge::tensor_bundle model;
  std::vector<float> values(1000);
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = static_cast<float>(i) * 0.5f;
  model.add("dense/kernel", {10, 100}, values.data());
  SyncRequest req;
  req.set_session_id(42);
  req.set_sync_seq_num(3);
  req.set_samples(640);
  wire::to_wire(model, *req.mutable_weights());
  return req;
}

void expect_same_sync(const frame& f, const SyncRequest& want) {
  BOOST_TEST(f.type == SYNC_REQUEST);
  SyncRequest got;
  BOOST_REQUIRE(parse_body(f, got));
  BOOST_TEST(got.SerializeAsString() == want.SerializeAsString());
  auto model = wire::from_wire(got.weights(), "ML");
  BOOST_TEST(model.operator bool(), why(model));
}

} // namespace

BOOST_AUTO_TEST_CASE(header_length_is_constant) {
  char buf[header_bytes];
  for (auto type : {STATUS, SYNC_REQUEST, KILL_SESSION_REQUEST})
    for (uint32_t size : {0u, 1u, 70000u, static_cast<uint32_t>(max_message_bytes)}) {
      encode_header(type, size, buf);
      auto bytes = raw_header(api_version, min_api_version, type, size);
      BOOST_TEST(bytes.size() == header_bytes);
      BOOST_TEST(std::string(buf, header_bytes) == bytes);
    }
}

BOOST_AUTO_TEST_CASE(roundtrip_over_socketpair_both_ways) {
  auto [ml, sl] = make_pair();
  auto req = sample_sync();
  BOOST_REQUIRE_MESSAGE(ml.send(SYNC_REQUEST, req), "send");
  auto got = sl.receive(1000);
  BOOST_REQUIRE_MESSAGE(bool(got), why(got));
  expect_same_sync(*got, req);
  // An empty body (every field default) is a zero-length frame.
  SyncResponse resp;
  BOOST_REQUIRE(sl.send(SYNC_RESPONSE, resp));
  SyncResponse back;
  auto st = ml.receive_as(SYNC_RESPONSE, back, 1000);
  BOOST_TEST(st.operator bool(), why(st));
}

BOOST_AUTO_TEST_CASE(roundtrip_over_a_socket_path_with_connect_polling) {
  temp_dir dir;
  auto path = dir.path / "sub" / "sl.sock";
  // The ML starts first and polls until the SL listens, as HPE's ML does.
  expected<ml_channel> ml = make_error(errc::io_error, "not connected");
  std::atomic<int> refused{0};
  std::thread client{[&] {
    ml = ml_channel::connect(path, 30000, [&](int attempt) { refused = attempt; });
  }};
  // The SL binds only once the ML has been turned away at least once.
  bool waited = swarm::test::wait_until([&] { return refused.load() > 0; },
                                        std::chrono::seconds{20});
  BOOST_TEST(waited);
  auto listener = ml_listener::bind(path);
  BOOST_REQUIRE_MESSAGE(bool(listener), why(listener));
  auto sl = listener->accept(5000);
  client.join();
  BOOST_REQUIRE_MESSAGE(bool(sl), why(sl));
  BOOST_REQUIRE_MESSAGE(bool(ml), why(ml));
  auto req = sample_sync();
  BOOST_REQUIRE(ml->send(SYNC_REQUEST, req));
  auto got = sl->receive(1000);
  BOOST_REQUIRE_MESSAGE(bool(got), why(got));
  expect_same_sync(*got, req);
  BOOST_TEST(sl->where().find(path.native()) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(listener_permissions_and_cleanup) {
  temp_dir dir;
  auto parent = dir.path / "a" / "b";
  auto path = parent / "sl.sock";
  {
    auto listener = ml_listener::bind(path);
    BOOST_REQUIRE_MESSAGE(bool(listener), why(listener));
    struct stat st;
    BOOST_REQUIRE(::lstat(path.c_str(), &st) == 0);
    BOOST_TEST(S_ISSOCK(st.st_mode));
    BOOST_TEST((st.st_mode & 0777) == 0600u);
    BOOST_REQUIRE(::stat(parent.c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 0777) == 0700u);
    // A second SL on the same live socket is refused.
    auto second = ml_listener::bind(path);
    BOOST_REQUIRE(!second);
    BOOST_TEST(second.error().message.find("another SL") != std::string::npos);
  }
  BOOST_TEST(!fs::exists(path));
}

BOOST_AUTO_TEST_CASE(listener_refuses_a_non_socket_and_replaces_a_stale_one) {
  temp_dir dir;
  auto file = dir.path / "not-a-socket";
  std::ofstream{file} << "precious";
  auto refused = ml_listener::bind(file);
  BOOST_REQUIRE(!refused);
  BOOST_TEST(refused.error().message.find("not a socket") != std::string::npos);
  BOOST_TEST(fs::file_size(file) == 8u);
  // A socket left behind by a dead SL: bound, never removed.
  auto stale = dir.path / "stale.sock";
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strcpy(addr.sun_path, stale.c_str());
  BOOST_REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  ::close(fd);
  auto listener = ml_listener::bind(stale);
  BOOST_TEST(listener.operator bool(), why(listener));
}

BOOST_AUTO_TEST_CASE(connect_gives_up_after_its_timeout) {
  temp_dir dir;
  auto start = std::chrono::steady_clock::now();
  auto ml = ml_channel::connect(dir.path / "nobody.sock", 300);
  auto waited = std::chrono::steady_clock::now() - start;
  BOOST_REQUIRE(!ml);
  BOOST_TEST(ml.error().message.find("no SL is listening") != std::string::npos);
  BOOST_TEST(waited >= std::chrono::milliseconds{300});
  BOOST_TEST(waited < std::chrono::seconds{3});
}

BOOST_AUTO_TEST_CASE(oversize_is_refused_before_reading_the_body) {
  auto [sl, raw] = raw_pair();
  write_all(raw, raw_header(api_version, min_api_version, SYNC_REQUEST,
                            static_cast<uint32_t>(max_message_bytes + 1)));
  auto got = sl.receive(1000);
  BOOST_REQUIRE(!got);
  BOOST_TEST(sl.last_failure() == failure::oversized);
  BOOST_TEST(got.error().message.find("at most") != std::string::npos, got.error().message);
  ::close(raw);
}

BOOST_AUTO_TEST_CASE(version_mismatch_is_refused_naming_both_versions) {
  auto [sl, raw] = raw_pair();
  write_all(raw, raw_header(2, 2, SYNC_REQUEST, 0));
  auto got = sl.receive(1000);
  BOOST_REQUIRE(!got);
  BOOST_TEST(sl.last_failure() == failure::version_mismatch);
  const auto& text = got.error().message;
  BOOST_TEST(text.find("Mismatch in the Swarm API version between ML and SL") != std::string::npos,
             text);
  BOOST_TEST(text.find("Expected version 1") != std::string::npos, text);
  BOOST_TEST(text.find("sent version 2") != std::string::npos, text);
  ::close(raw);
}

BOOST_AUTO_TEST_CASE(garbage_and_unknown_types_are_malformed) {
  auto [sl, raw] = raw_pair();
  write_all(raw, std::string(header_bytes, '\xff'));
  BOOST_TEST(!sl.receive(1000));
  BOOST_TEST(sl.last_failure() == failure::malformed);
  ::close(raw);
  auto [sl2, raw2] = raw_pair();
  write_all(raw2, raw_header(api_version, min_api_version, 99, 0));
  auto got = sl2.receive(1000);
  BOOST_REQUIRE(!got);
  BOOST_TEST(sl2.last_failure() == failure::malformed);
  BOOST_TEST(got.error().message.find("unknown message type 99") != std::string::npos);
  ::close(raw2);
}

BOOST_AUTO_TEST_CASE(peer_close_is_reported) {
  auto [ml, sl] = make_pair();
  ml.close();
  auto got = sl.receive();
  BOOST_REQUIRE(!got);
  BOOST_TEST(sl.last_failure() == failure::closed);
  BOOST_TEST(got.error().message.find("the ML closed the channel") != std::string::npos,
             got.error().message);
  // Writing to a closed peer is an error value, not SIGPIPE.
  auto req = sample_sync();
  status st;
  for (int i = 0; i < 4 && st; ++i)
    st = sl.send(SYNC_REQUEST, req);
  BOOST_REQUIRE(!st);
  BOOST_TEST(st.error().message.find("the ML closed the channel") != std::string::npos,
             st.error().message);
}

BOOST_AUTO_TEST_CASE(close_in_the_middle_of_a_message_is_reported) {
  auto [ml, raw] = raw_pair();
  write_all(raw, raw_header(api_version, min_api_version, SYNC_RESPONSE, 100));
  write_all(raw, std::string(10, '\0'));
  ::close(raw);
  auto got = ml.receive();
  BOOST_REQUIRE(!got);
  BOOST_TEST(got.error().message.find("in the middle of a message") != std::string::npos,
             got.error().message);
}

BOOST_AUTO_TEST_CASE(timeout_between_messages_keeps_the_channel) {
  auto [ml, sl] = make_pair();
  auto got = sl.receive(50);
  BOOST_REQUIRE(!got);
  BOOST_TEST(sl.last_failure() == failure::timeout);
  BOOST_REQUIRE(ml.send(SYNC_REQUEST, sample_sync()));
  auto later = sl.receive(1000);
  BOOST_TEST(later.operator bool(), why(later));
}

BOOST_AUTO_TEST_CASE(status_message_becomes_an_error) {
  auto [ml, sl] = make_pair();
  Status report;
  report.set_code(Status::ERROR_IN_SL);
  report.set_message("SN unreachable");
  BOOST_REQUIRE(sl.send(STATUS, report));
  OpenSessionResponse resp;
  auto st = ml.receive_as(OPEN_SESSION_RESPONSE, resp, 1000);
  BOOST_REQUIRE(!st);
  BOOST_TEST(st.error().message.find("SN unreachable") != std::string::npos);
  BOOST_TEST(st.error().message.find("ERROR_IN_SL") != std::string::npos);
  // And a wrong type is named.
  BOOST_REQUIRE(sl.send(SYNC_RESPONSE, SyncResponse{}));
  st = ml.receive_as(OPEN_SESSION_RESPONSE, resp, 1000);
  BOOST_REQUIRE(!st);
  BOOST_TEST(st.error().message.find("got SYNC_RESPONSE") != std::string::npos,
             st.error().message);
}
