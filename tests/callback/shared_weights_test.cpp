#define BOOST_TEST_MODULE callback.shared_weights
#include <boost/test/unit_test.hpp>

// The shared memory region for model values (swarm::mlsl::shared_weights),
// the descriptor that carries it over the channel, and bundles whose
// values come through it (wire::from_wire with separate data).

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "channel_support.hpp"
#include "swarm/mlsl/channel.hpp"
#include "swarm/mlsl/shared_weights.hpp"
#include "swarm/wire/bundle_convert.hpp"

using namespace swarm;
using namespace swarm::mlsl;
using namespace channel_test;

namespace {

merge::tensor_bundle small_model(float first) {
  merge::tensor_bundle x;
  std::vector<float> w{first, 2.0f, 3.0f, 4.0f, 5.0f, 6.0f};
  std::vector<float> b{7.0f, 8.0f};
  x.add("w", {2, 3}, w.data());
  x.add("b", {2}, b.data());
  return x;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_region_sent_with_a_message_is_the_same_memory_on_the_other_end) {
  auto [ml, sl] = make_pair();
  auto mine = shared_weights::create(64);
  BOOST_TEST_REQUIRE(bool(mine), why(mine));
  std::memcpy(mine->to_sl(), "parameters", 10);
  OpenSessionRequest req;
  req.set_shared_weights_bytes(mine->region_bytes());
  BOOST_TEST_REQUIRE(bool(ml.send(OPEN_SESSION_REQUEST, req, mine->fd())));
  auto f = sl.receive(5000);
  BOOST_TEST_REQUIRE(bool(f), why(f));
  BOOST_TEST_REQUIRE(f->attached_fd != nullptr);
  auto theirs = shared_weights::adopt(*f->attached_fd, req.shared_weights_bytes());
  BOOST_TEST_REQUIRE(bool(theirs), why(theirs));
  BOOST_TEST(theirs->model_bytes() == 64u);
  BOOST_TEST(std::string(theirs->to_sl(), 10) == "parameters");
  // And back: what the SL writes in its half, the ML reads.
  std::memcpy(theirs->to_ml(), "merged", 6);
  BOOST_TEST(std::string(mine->to_ml(), 6) == "merged");
}

BOOST_AUTO_TEST_CASE(a_message_sent_without_a_descriptor_arrives_without_one) {
  auto [ml, sl] = make_pair();
  auto mine = shared_weights::create(64);
  BOOST_TEST_REQUIRE(bool(mine), why(mine));
  OpenSessionRequest req;
  BOOST_TEST_REQUIRE(bool(ml.send(OPEN_SESSION_REQUEST, req, mine->fd())));
  BOOST_TEST_REQUIRE(bool(ml.send(OPEN_SESSION_REQUEST, req)));
  auto first = sl.receive(5000);
  auto second = sl.receive(5000);
  BOOST_TEST_REQUIRE(bool(first));
  BOOST_TEST_REQUIRE(bool(second));
  BOOST_TEST(first->attached_fd != nullptr);
  BOOST_TEST(second->attached_fd == nullptr);
}

BOOST_AUTO_TEST_CASE(a_region_that_could_shrink_is_refused) {
  // An unsealed memfd: its owner could truncate it under the SL's mapping.
  int fd = ::memfd_create("unsealed", MFD_CLOEXEC);
  BOOST_TEST_REQUIRE(fd >= 0);
  BOOST_TEST_REQUIRE(::ftruncate(fd, 128) == 0);
  auto region = shared_weights::adopt(fd, 128);
  BOOST_TEST_REQUIRE(!region);
  BOOST_TEST(region.error().message.find("not sealed") != std::string::npos,
             region.error().message);
  ::close(fd);
}

BOOST_AUTO_TEST_CASE(a_region_smaller_than_announced_is_refused) {
  auto mine = shared_weights::create(64);
  BOOST_TEST_REQUIRE(bool(mine), why(mine));
  auto region = shared_weights::adopt(mine->fd(), 1024);
  BOOST_TEST_REQUIRE(!region);
  BOOST_TEST(region.error().message.find("128 bytes, not the 1024 announced")
               != std::string::npos,
             region.error().message);
  BOOST_TEST(!shared_weights::adopt(mine->fd(), 127), "an odd size has no two halves");
}

BOOST_AUTO_TEST_CASE(values_in_shared_memory_convert_like_values_in_the_message) {
  auto model = small_model(1.0f);
  wire::ModelBundle layout;
  wire::layout_to_wire(model, layout);
  BOOST_TEST(layout.data().empty());
  // A half larger than the model: the values are its first bytes.
  std::vector<char> half(model.size_bytes() + 100, '\xff');
  std::memcpy(half.data(), model.values.data(), model.size_bytes());
  auto got = wire::from_wire(layout, std::string_view{half.data(), half.size()}, "ML x");
  BOOST_TEST_REQUIRE(bool(got), why(got));
  BOOST_TEST(got->values == model.values);
  BOOST_TEST(got->tensors.size() == 2u);
  BOOST_TEST(got->tensors[1].name == "b");
}

BOOST_AUTO_TEST_CASE(shared_values_are_checked_like_any_others) {
  auto model = small_model(1.0f);
  wire::ModelBundle layout;
  wire::layout_to_wire(model, layout);
  // Too few bytes for the tensors.
  std::vector<char> half(model.size_bytes() - 4);
  std::memcpy(half.data(), model.values.data(), half.size());
  auto shortfall = wire::from_wire(layout, std::string_view{half.data(), half.size()}, "ML x");
  BOOST_TEST_REQUIRE(!shortfall);
  BOOST_TEST(shortfall.error().message.find("but the tensors need 32") != std::string::npos,
             shortfall.error().message);
  // A NaN, named by tensor and element.
  auto bad = small_model(std::nanf(""));
  std::string_view bad_bytes{reinterpret_cast<const char*>(bad.values.data()), bad.size_bytes()};
  auto nan = wire::from_wire(layout, bad_bytes, "ML x");
  BOOST_TEST_REQUIRE(!nan);
  BOOST_TEST(nan.error().message.find("'w' element 0 is NaN") != std::string::npos,
             nan.error().message);
  // Values both in the message and beside it: which would be meant?
  wire::ModelBundle full;
  wire::to_wire(model, full);
  auto both = wire::from_wire(full, std::string_view{half.data(), half.size()}, "ML x");
  BOOST_TEST_REQUIRE(!both);
  BOOST_TEST(both.error().message.find("both in the message and in shared memory")
               != std::string::npos,
             both.error().message);
}
