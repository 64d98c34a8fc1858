#define BOOST_TEST_MODULE callback.bundle_convert
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "swarm/wire/bundle_convert.hpp"

using namespace swarm;
using namespace swarm::wire;

namespace {

merge::tensor_bundle sample_bundle() {
  merge::tensor_bundle x;
  std::vector<float> kernel{1.0f, -2.5f, 3.25f, 0.0f, 1e-30f, -7.0f};
  std::vector<float> bias{0.5f, -0.5f};
  x.add("dense/kernel", {3, 2}, kernel.data());
  x.add("dense/bias", {2}, bias.data());
  return x;
}

// With a digest, as votes and catch-ups carry one.
ModelBundle sample_wire() {
  ModelBundle out;
  auto x = sample_bundle();
  auto sum = merge::digest(x);
  to_wire(x, out, &sum);
  return out;
}

// Requires `x` to fail with `code` and a message naming the peer and `part`.
void expect_refused(const ModelBundle& x, errc code, const std::string& part) {
  auto got = from_wire(x, "SL-7");
  BOOST_REQUIRE_MESSAGE(!got, "expected a refusal mentioning " << part);
  BOOST_TEST(got.error().code == code, got.error().to_string());
  BOOST_TEST(got.error().message.find("SL-7") != std::string::npos, got.error().message);
  BOOST_TEST(got.error().message.find(part) != std::string::npos, got.error().message);
}

} // namespace

BOOST_AUTO_TEST_CASE(roundtrip_keeps_names_shapes_values_and_digest) {
  auto original = sample_bundle();
  auto wire = sample_wire();
  BOOST_TEST(wire.tensors_size() == 2);
  BOOST_TEST(wire.tensors(0).dtype() == "F32");
  BOOST_TEST(wire.data().size() == 8 * sizeof(float));
  BOOST_TEST(wire.sha256().size() == 32u);
  // Survive a real serialization, as on the channel.
  ModelBundle parsed;
  BOOST_REQUIRE(parsed.ParseFromString(wire.SerializeAsString()));
  auto back = from_wire(parsed, "SL-7");
  BOOST_REQUIRE_MESSAGE(bool(back), (back ? std::string{} : back.error().to_string()));
  BOOST_TEST((back->tensors == original.tensors));
  BOOST_TEST(back->values == original.values, boost::test_tools::per_element());
  BOOST_TEST(to_hex(merge::digest(*back)) == to_hex(merge::digest(original)));
}

BOOST_AUTO_TEST_CASE(a_bundle_without_a_digest_is_taken_after_the_other_checks) {
  ModelBundle out;
  to_wire(sample_bundle(), out);
  BOOST_TEST(out.sha256().empty());
  auto back = from_wire(out, "SL-7");
  BOOST_REQUIRE_MESSAGE(bool(back), (back ? std::string{} : back.error().to_string()));
  BOOST_TEST(back->values == sample_bundle().values, boost::test_tools::per_element());
  // The other checks still apply.
  out.mutable_data()->pop_back();
  expect_refused(out, errc::corrupt_data, "bytes");
}

BOOST_AUTO_TEST_CASE(to_wire_reuses_the_message) {
  ModelBundle out = sample_wire();
  merge::tensor_bundle small;
  float one = 1.0f;
  small.add("w", {1}, &one);
  to_wire(small, out);
  BOOST_TEST(out.tensors_size() == 1);
  BOOST_TEST(out.data().size() == sizeof(float));
  BOOST_TEST(from_wire(out, "SL-7").operator bool());
}

BOOST_AUTO_TEST_CASE(empty_bundle_roundtrips) {
  ModelBundle out;
  to_wire(merge::tensor_bundle{}, out);
  auto back = from_wire(out, "SL-7");
  BOOST_REQUIRE_MESSAGE(bool(back), (back ? std::string{} : back.error().to_string()));
  BOOST_TEST(back->tensors.empty());
}

BOOST_AUTO_TEST_CASE(digest_mismatch_is_refused) {
  auto x = sample_wire();
  (*x.mutable_data())[0] ^= 0x01;
  expect_refused(x, errc::checksum_mismatch, "SHA-256");
  auto y = sample_wire();
  y.set_sha256(std::string(31, '\0'));
  expect_refused(y, errc::checksum_mismatch, "SHA-256");
  // Renaming a tensor changes the digest too: names are covered.
  auto z = sample_wire();
  z.mutable_tensors(1)->set_name("dense/bias2");
  expect_refused(z, errc::checksum_mismatch, "SHA-256");
}

BOOST_AUTO_TEST_CASE(bad_dtype_is_refused_naming_the_tensor) {
  auto x = sample_wire();
  x.mutable_tensors(1)->set_dtype("F16");
  expect_refused(x, errc::invalid_argument, "dense/bias");
  expect_refused(x, errc::invalid_argument, "F16");
}

BOOST_AUTO_TEST_CASE(size_mismatch_is_refused) {
  auto x = sample_wire();
  x.mutable_data()->pop_back();
  expect_refused(x, errc::corrupt_data, "bytes");
  auto y = sample_wire();
  y.mutable_data()->append(4, '\0');
  expect_refused(y, errc::corrupt_data, "bytes");
}

BOOST_AUTO_TEST_CASE(bad_shapes_and_limits_are_refused) {
  auto zero = sample_wire();
  zero.mutable_tensors(0)->set_shape(0, 0);
  expect_refused(zero, errc::invalid_argument, "dense/kernel");
  auto negative = sample_wire();
  negative.mutable_tensors(0)->set_shape(1, -2);
  expect_refused(negative, errc::invalid_argument, "not positive");
  auto huge = sample_wire();
  huge.mutable_tensors(0)->set_shape(0, std::numeric_limits<int64_t>::max());
  huge.mutable_tensors(0)->set_shape(1, std::numeric_limits<int64_t>::max());
  expect_refused(huge, errc::invalid_argument, "limit");
  auto deep = sample_wire();
  for (size_t i = 0; i < max_tensor_rank; ++i)
    deep.mutable_tensors(1)->add_shape(1);
  expect_refused(deep, errc::invalid_argument, "rank");
  auto unnamed = sample_wire();
  unnamed.mutable_tensors(0)->set_name("");
  expect_refused(unnamed, errc::invalid_argument, "empty name");
  auto many = sample_wire();
  for (size_t i = 0; i < max_tensors; ++i)
    *many.add_tensors() = many.tensors(0);
  expect_refused(many, errc::invalid_argument, "tensors");
  auto big = sample_wire();
  auto got = from_wire(big, "SL-7", 8);
  BOOST_REQUIRE(!got);
  BOOST_TEST(got.error().message.find("at most 8") != std::string::npos, got.error().message);
}

BOOST_AUTO_TEST_CASE(duplicate_names_are_refused) {
  merge::tensor_bundle x;
  float v[2] = {1.0f, 2.0f};
  x.add("w", {1}, v);
  x.add("w", {1}, v + 1);
  ModelBundle out;
  to_wire(x, out);
  auto got = from_wire(out, "SL-7");
  BOOST_REQUIRE(!got);
  BOOST_TEST(got.error().message.find("SL-7") != std::string::npos, got.error().message);
}

BOOST_AUTO_TEST_CASE(non_finite_values_are_refused) {
  for (float bad : {std::numeric_limits<float>::quiet_NaN(),
                    std::numeric_limits<float>::infinity()}) {
    auto x = sample_bundle();
    x.values[7] = bad;
    ModelBundle out;
    auto sum = merge::digest(x);
    to_wire(x, out, &sum); // a digest over the bad values: only finiteness fails
    expect_refused(out, errc::invalid_argument, "dense/bias");
  }
}
