#define BOOST_TEST_MODULE merge.bundle
#include <boost/test/unit_test.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "swarm/merge/bundle.hpp"

using namespace swarm::merge;
using swarm::errc;

namespace {

/// The seed's MNIST model layout with values 0, 1, 2, ...
tensor_bundle mnist_like() {
  tensor_bundle result;
  result.add("dense/kernel", {784, 512}, nullptr);
  result.add("dense/bias", {512}, nullptr);
  result.add("dense_1/kernel", {512, 10}, nullptr);
  result.add("dense_1/bias", {10}, nullptr);
  for (size_t i = 0; i < result.values.size(); ++i)
    result.values[i] = static_cast<float>(i % 1000) * 0.001f;
  return result;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

} // namespace

BOOST_AUTO_TEST_CASE(the_f32_dtype_has_the_safetensors_name) {
  BOOST_TEST(to_string(dtype::f32) == "F32");
  BOOST_TEST((parse_dtype("F32") == dtype::f32));
  BOOST_TEST(!parse_dtype("F16"));
  BOOST_TEST(!parse_dtype("f32"));
}

BOOST_AUTO_TEST_CASE(a_tensor_counts_the_product_of_its_dimensions) {
  tensor_info t;
  t.shape = {784, 512};
  BOOST_TEST(t.count() == 784u * 512u);
  t.shape = {};
  BOOST_TEST(t.count() == 1u);
  t.shape = {3, 0};
  BOOST_TEST(t.count() == 0u);
  t.shape = {std::numeric_limits<int64_t>::max(), 4};
  BOOST_TEST(t.count() == std::numeric_limits<size_t>::max());
}

BOOST_AUTO_TEST_CASE(add_appends_tensors_back_to_back_and_find_looks_them_up) {
  tensor_bundle b;
  float bias[3] = {1, 2, 3};
  b.add("dense/kernel", {2, 2}, nullptr);
  b.add("dense/bias", {3}, bias);
  BOOST_TEST(b.values.size() == 7u);
  BOOST_TEST(b.size_bytes() == 28u);
  BOOST_TEST(b.values[0] == 0.0f);
  BOOST_TEST(b.values[6] == 3.0f);
  const auto* t = b.find("dense/bias");
  BOOST_REQUIRE(t != nullptr);
  BOOST_TEST(t->offset == 4u);
  BOOST_TEST((t->shape == std::vector<int64_t>{3}));
  BOOST_TEST(b.find("dense/kern") == nullptr);
  BOOST_CHECK(check_layout(b, "sl-1"));
}

BOOST_AUTO_TEST_CASE(zeros_like_keeps_the_layout_and_clears_the_values) {
  auto x = mnist_like();
  auto z = zeros_like(x);
  BOOST_TEST(z.tensors == x.tensors);
  BOOST_REQUIRE(z.values.size() == x.values.size());
  for (auto v : z.values)
    BOOST_TEST_REQUIRE(v == 0.0f);
}

BOOST_AUTO_TEST_CASE(equal_bundles_have_equal_digests) {
  auto a = mnist_like();
  auto b = mnist_like();
  BOOST_TEST(digest(a) == digest(b));
  BOOST_TEST(swarm::to_hex(digest(a)).size() == 64u);
}

BOOST_AUTO_TEST_CASE(one_flipped_bit_of_one_value_changes_the_digest) {
  auto a = mnist_like();
  auto b = a;
  auto bits = std::bit_cast<uint32_t>(b.values[123456]) ^ 1u;
  b.values[123456] = std::bit_cast<float>(bits);
  BOOST_TEST(digest(a) != digest(b));
  // -0.0 == 0.0 as floats, yet the models differ bitwise.
  auto c = a;
  c.values[0] = -0.0f;
  BOOST_TEST(c.values[0] == a.values[0]);
  BOOST_TEST(digest(a) != digest(c));
}

BOOST_AUTO_TEST_CASE(a_changed_name_or_shape_changes_the_digest) {
  auto a = mnist_like();
  auto renamed = a;
  renamed.tensors[1].name = "dense/beta";
  BOOST_TEST(digest(a) != digest(renamed));
  auto reshaped = a;
  reshaped.tensors[0].shape = {512, 784};
  BOOST_TEST(digest(a) != digest(reshaped));
  // Moving the boundary between two tensors keeps every value in place.
  tensor_bundle x, y;
  float v[4] = {1, 2, 3, 4};
  x.add("a", {1}, v);
  x.add("b", {3}, v + 1);
  y.add("a", {2}, v);
  y.add("b", {2}, v + 2);
  BOOST_TEST(x.values == y.values);
  BOOST_TEST(digest(x) != digest(y));
}

BOOST_AUTO_TEST_CASE(check_layout_refuses_malformed_bundles_naming_peer_and_tensor) {
  auto good = mnist_like();
  BOOST_CHECK(check_layout(good, "sl-2"));
  auto expect = [](const tensor_bundle& b, errc code, const std::string& part) {
    auto ok = check_layout(b, "sl-2");
    BOOST_REQUIRE(!ok);
    BOOST_TEST(ok.error().code == code);
    BOOST_TEST(contains(ok.error().message, part), ok.error().message);
  };
  auto dup = good;
  dup.tensors[2].name = "dense/bias";
  expect(dup, errc::invalid_argument, "peer 'sl-2': tensor 'dense/bias' appears twice");
  auto unnamed = good;
  unnamed.tensors[3].name = "";
  expect(unnamed, errc::invalid_argument, "empty name");
  auto negative = good;
  negative.tensors[1].shape = {-512};
  expect(negative, errc::invalid_argument, "tensor 'dense/bias': invalid shape [-512]");
  auto gap = good;
  gap.tensors[2].offset += 1;
  expect(gap, errc::corrupt_data, "tensor 'dense_1/kernel': offset");
  auto shorter = good;
  shorter.values.pop_back();
  expect(shorter, errc::corrupt_data, "tensor 'dense_1/bias': needs 10 values");
  auto longer = good;
  longer.values.push_back(0);
  expect(longer, errc::corrupt_data, "peer 'sl-2'");
  auto huge = good;
  huge.tensors[3].shape = {std::numeric_limits<int64_t>::max(), 8};
  expect(huge, errc::invalid_argument, "tensor 'dense_1/bias': invalid shape");
}

BOOST_AUTO_TEST_CASE(check_finite_names_peer_tensor_and_element) {
  auto b = mnist_like();
  BOOST_CHECK(check_finite(b, "sl-2"));
  auto bias = b.find("dense/bias")->offset;
  b.values[bias + 17] = std::nanf("");
  auto ok = check_finite(b, "sl-2");
  BOOST_REQUIRE(!ok);
  BOOST_TEST(ok.error().code == errc::invalid_argument);
  BOOST_TEST(ok.error().message == "peer 'sl-2': tensor 'dense/bias' element 17 is NaN");
  b.values[bias + 17] = 0;
  b.values[300000] = -std::numeric_limits<float>::infinity();
  ok = check_finite(b, "sl-3");
  BOOST_REQUIRE(!ok);
  BOOST_TEST(ok.error().message == "peer 'sl-3': tensor 'dense/kernel' element 300000 is -Inf");
  b.values[300000] = std::numeric_limits<float>::max(); // large but finite
  BOOST_CHECK(check_finite(b, "sl-3"));
}

BOOST_AUTO_TEST_CASE(check_same_layout_names_the_tensor_and_both_shapes) {
  auto ref = mnist_like();
  BOOST_CHECK(check_same_layout(ref, mnist_like(), "sl-2"));
  tensor_bundle narrow;
  narrow.add("dense/kernel", {784, 256}, nullptr);
  narrow.add("dense/bias", {512}, nullptr);
  narrow.add("dense_1/kernel", {512, 10}, nullptr);
  narrow.add("dense_1/bias", {10}, nullptr);
  auto ok = check_same_layout(narrow, ref, "sl-2");
  BOOST_REQUIRE(!ok);
  BOOST_TEST(ok.error().code == errc::shape_mismatch);
  BOOST_TEST(ok.error().message
             == "peer 'sl-2': tensor 'dense/kernel': shape [784,512] differs from [784,256]");
}

BOOST_AUTO_TEST_CASE(a_different_tensor_count_or_order_names_the_first_differing_tensor) {
  auto ref = mnist_like();
  auto swapped = ref;
  std::swap(swapped.tensors[2], swapped.tensors[3]);
  auto ok = check_same_layout(ref, swapped, "sl-4");
  BOOST_REQUIRE(!ok);
  BOOST_TEST(ok.error().code == errc::shape_mismatch);
  BOOST_TEST(contains(ok.error().message, "peer 'sl-4': tensor 'dense_1/bias' at position 2"),
             ok.error().message);
  auto fewer = ref;
  fewer.tensors.pop_back();
  ok = check_same_layout(ref, fewer, "sl-4");
  BOOST_REQUIRE(!ok);
  BOOST_TEST(ok.error().code == errc::shape_mismatch);
  BOOST_TEST(contains(ok.error().message, "tensor 'dense_1/bias' is missing"), ok.error().message);
  auto more = ref;
  more.add("extra", {2}, nullptr);
  ok = check_same_layout(ref, more, "sl-4");
  BOOST_REQUIRE(!ok);
  BOOST_TEST(contains(ok.error().message, "tensor 'extra' is unexpected"), ok.error().message);
}
