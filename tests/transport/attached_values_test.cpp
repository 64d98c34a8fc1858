#define BOOST_TEST_MODULE transport.attached_values
#include <boost/test/unit_test.hpp>

// Model values sent beside their envelope (node_context::send_attached)
// between two nodes in one process, over real TLS: on the model lane they
// reach a delegate that takes them (on_attached) without ever being part of
// the envelope; every other way (CAF while the lane dials, a peer without a
// lane, a delegate that does not take them) gets the envelope made whole.

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "fixture.hpp"
#include "swarm/wire/round_convert.hpp"
#include "wait_until.hpp"

using namespace fixture;

namespace {

/// An MNIST-sized model (1.6 MB: above the lane's 256 KiB threshold).
swarm::merge::model_ptr mnist_sized_model() {
  auto x = std::make_shared<swarm::merge::tensor_bundle>();
  std::vector<float> w(784 * 512), b(512);
  for (size_t i = 0; i < w.size(); ++i)
    w[i] = static_cast<float>(i % 977) * 0.25f;
  for (size_t i = 0; i < b.size(); ++i)
    b[i] = -static_cast<float>(i);
  x->add("w", {784, 512}, w.data());
  x->add("b", {512}, b.data());
  return x;
}

/// A check-in carrying `model`, its values detached from the envelope.
swarm::wire::encoded_round check_in_of(const swarm::merge::model_ptr& model) {
  swarm::wire::round_encoder enc;
  return enc.encode_detached("mnist", "SN-1~01", swarm::merge::checkin_msg{1, 0, {}, model});
}

/// The model values an envelope carries inside it (empty if none).
std::vector<float> embedded_values(const Envelope& env) {
  const auto& data = env.round().checkin().model().data();
  std::vector<float> out(data.size() / sizeof(float));
  std::memcpy(out.data(), data.data(), out.size() * sizeof(float));
  return out;
}

/// Sends the check-in from `a` to SN-2 (at `address`) until `arrived`.
template <class Pred>
bool send_until(running_node& a, const std::string& address, const swarm::merge::model_ptr& model,
                Pred arrived) {
  return swarm::test::wait_until(
    [&] {
      a.post([address, model](node_context& ctx) {
        auto encoded = check_in_of(model);
        ctx.send_attached("SN-2", address, std::move(encoded.env), std::move(encoded.values));
      });
      return arrived();
    },
    deadline);
}

void with_lane(swarm::transport::tls_node_config& cfg) { cfg.model_lane = true; }

} // namespace

BOOST_AUTO_TEST_CASE(values_go_on_the_model_lane_and_reach_a_delegate_that_takes_them) {
  pki certs;
  running_node a{pki::files(certs.host1), "127.0.1.1", "SN-1", [](recorder&) {}, with_lane};
  running_node b{pki::files(certs.host2), "127.0.2.1", "SN-2",
                 [](recorder& r) { r.take_values = true; }, with_lane};
  auto model = mnist_sized_model();
  BOOST_REQUIRE(send_until(a, b.node->address(), model, [&] {
    return b.rec->with([](recorder& r) { return !r.attached.empty(); });
  }));
  b.rec->with([&](recorder& r) {
    const auto& got = r.attached.front();
    BOOST_TEST(got.from == "SN-1");
    BOOST_TEST((got.values == model->values));
    BOOST_TEST(got.finite); // checked by the lane as the values arrived
    // The envelope itself kept only the layout.
    const auto& bundle = got.env.round().checkin().model();
    BOOST_TEST(bundle.attached());
    BOOST_TEST(bundle.data().empty());
    BOOST_TEST(bundle.tensors_size() == 2);
    // Before the lane stood, CAF carried the check-ins whole.
    for (const auto& m : r.messages) {
      BOOST_TEST(!m.env.round().checkin().model().attached());
      BOOST_TEST((embedded_values(m.env) == model->values));
    }
    return 0;
  });
  BOOST_TEST(a.log->contains({"model lane: connected to SN-2"}));
}

BOOST_AUTO_TEST_CASE(values_with_a_nan_or_an_infinity_arrive_whole_and_marked_not_finite) {
  // The lane checks each piece as it lands; a bad value in any piece, the
  // last one included, must clear the mark, so that the decoder's full
  // check names the tensor and the element.
  pki certs;
  running_node a{pki::files(certs.host1), "127.0.1.1", "SN-1", [](recorder&) {}, with_lane};
  running_node b{pki::files(certs.host2), "127.0.2.1", "SN-2",
                 [](recorder& r) { r.take_values = true; }, with_lane};
  auto good = mnist_sized_model();
  BOOST_REQUIRE(send_until(a, b.node->address(), good, [&] {
    return b.rec->with([](recorder& r) { return !r.attached.empty(); });
  }));
  for (size_t at : {size_t{100'000}, good->values.size() - 1}) {
    auto bad = std::make_shared<swarm::merge::tensor_bundle>(*good);
    bad->values[at] = at == 100'000 ? std::numeric_limits<float>::infinity()
                                    : std::numeric_limits<float>::quiet_NaN();
    // Good check-ins sent while the lane dialed may still arrive: find the
    // bad one by its bytes.
    auto is_bad = [&](const recorder::attached_message& m) {
      return m.values.size() == bad->values.size()
             && std::memcmp(m.values.data(), bad->values.data(),
                            bad->values.size() * sizeof(float))
                  == 0;
    };
    a.post([address = b.node->address(), bad](node_context& ctx) {
      auto encoded = check_in_of(bad);
      ctx.send_attached("SN-2", address, std::move(encoded.env), std::move(encoded.values));
    });
    BOOST_REQUIRE_MESSAGE(swarm::test::wait_until(
                            [&] {
                              return b.rec->with([&](recorder& r) {
                                return std::any_of(r.attached.begin(), r.attached.end(), is_bad);
                              });
                            },
                            deadline),
                          "the values with a bad value at " << at << " never arrived");
    b.rec->with([&](recorder& r) {
      for (const auto& m : r.attached)
        if (is_bad(m))
          BOOST_TEST(!m.finite, "bad value at " << at);
      return 0;
    });
  }
}

BOOST_AUTO_TEST_CASE(a_delegate_that_does_not_take_values_gets_the_envelope_whole) {
  pki certs;
  running_node a{pki::files(certs.host1), "127.0.1.1", "SN-1", [](recorder&) {}, with_lane};
  running_node b{pki::files(certs.host2), "127.0.2.1", "SN-2", [](recorder&) {}, with_lane};
  auto model = mnist_sized_model();
  // Until a check-in came on the lane (its connection logged, then one more).
  BOOST_REQUIRE(send_until(a, b.node->address(), model,
                           [&] { return b.log->contains({"model lane: SN-1 connected from"}); }));
  auto before = b.rec->with([](recorder& r) { return r.messages.size(); });
  BOOST_REQUIRE(send_until(a, b.node->address(), model, [&] {
    return b.rec->with([&](recorder& r) { return r.messages.size() > before + 1; });
  }));
  b.rec->with([&](recorder& r) {
    BOOST_TEST(r.attached.empty());
    for (const auto& m : r.messages) {
      BOOST_TEST(!m.env.round().checkin().model().attached());
      BOOST_TEST((embedded_values(m.env) == model->values));
    }
    return 0;
  });
}

BOOST_AUTO_TEST_CASE(a_peer_without_a_model_lane_gets_the_values_inside_the_envelope) {
  pki certs;
  running_node a{pki::files(certs.host1), "127.0.1.1", "SN-1", [](recorder&) {}, with_lane};
  running_node b{pki::files(certs.host2), "127.0.2.1", "SN-2",
                 [](recorder& r) { r.take_values = true; }};
  auto model = mnist_sized_model();
  BOOST_REQUIRE(send_until(a, b.node->address(), model, [&] {
    return b.rec->with([](recorder& r) { return r.messages.size() >= 3; });
  }));
  b.rec->with([&](recorder& r) {
    BOOST_TEST(r.attached.empty());
    for (const auto& m : r.messages)
      BOOST_TEST((embedded_values(m.env) == model->values));
    return 0;
  });
  BOOST_TEST(!a.log->contains({"model lane: connected to"}));
}
