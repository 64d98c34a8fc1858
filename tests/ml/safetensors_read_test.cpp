#define BOOST_TEST_MODULE safetensors_read
#include <boost/test/unit_test.hpp>

// Reading safetensors files: loading into the model's buffers in place,
// corrupt or foreign headers, and missing files.

#include "safetensors_support.hpp"

using namespace safetensors_test;

BOOST_AUTO_TEST_CASE(load_into_overwrites_matching_buffers_in_place) {
  temp_dir tmp;
  auto path = tmp.path / "m.safetensors";
  model src;
  std::iota(src.kernel.begin(), src.kernel.end(), 1.0f);
  src.bias = {-1.0f, -2.0f, -3.0f};
  BOOST_REQUIRE(save_safetensors(path, src.views()));
  model dst;
  auto* kernel_buffer = dst.kernel.data();
  auto views = dst.views();
  auto st = load_into(path, views);
  BOOST_REQUIRE_MESSAGE(st, describe(st));
  BOOST_TEST(dst.kernel.data() == kernel_buffer);
  BOOST_TEST(dst.kernel == src.kernel, boost::test_tools::per_element());
  BOOST_TEST(dst.bias == src.bias, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(load_into_reports_a_shape_mismatch_and_writes_nothing) {
  temp_dir tmp;
  auto path = tmp.path / "m.safetensors";
  model src;
  src.kernel.assign(6, 9.0f);
  src.bias.assign(3, 9.0f);
  BOOST_REQUIRE(save_safetensors(path, src.views()));
  std::vector<float> kernel(6, 0.0f);
  std::vector<float> bias(3, 0.0f);
  // The bias matches and comes first, yet must stay untouched.
  std::vector<tensor_view> wrong{{"dense/bias", {3}, bias.data()},
                                 {"dense/kernel", {3, 2}, kernel.data()}};
  auto st = load_into(path, wrong);
  BOOST_REQUIRE(!st);
  BOOST_TEST(st.error().code == errc::shape_mismatch);
  auto& msg = st.error().message;
  BOOST_TEST(contains(msg, "dense/kernel"), msg);
  BOOST_TEST(contains(msg, "[2, 3]"), msg);
  BOOST_TEST(contains(msg, "[3, 2]"), msg);
  BOOST_TEST(bias == std::vector<float>(3, 0.0f), boost::test_tools::per_element());
  BOOST_TEST(kernel == std::vector<float>(6, 0.0f), boost::test_tools::per_element());
  // A missing tensor and an extra tensor are mismatches too.
  std::vector<tensor_view> too_few{{"dense/bias", {3}, bias.data()}};
  auto few = load_into(path, too_few);
  BOOST_REQUIRE(!few);
  BOOST_TEST(contains(few.error().message, "dense/kernel"), few.error().message);
  std::vector<float> extra(1);
  auto views = src.views();
  views.push_back({"dense/extra", {1}, extra.data()});
  auto many = load_into(path, views);
  BOOST_REQUIRE(!many);
  BOOST_TEST(contains(many.error().message, "dense/extra"), many.error().message);
}

BOOST_AUTO_TEST_CASE(corrupt_headers_are_rejected_with_a_reason) {
  auto f8 = float_bytes({1, 2});
  auto ok = R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  BOOST_REQUIRE_MESSAGE(parse_safetensors(as_span(file_with(ok, f8))), "baseline parses");
  struct case_t {
    const char* what;
    std::string file;
    const char* needle;
  };
  std::vector<case_t> cases{
    {"short", "abc", "too short"},
    {"length past the end", le64(1000) + "{}", "exceeds the 2 bytes"},
    {"absurd length", le64(uint64_t{1} << 62) + "{}", "exceeds the limit"},
    {"not JSON", file_with("{nope", ""), "not valid JSON"},
    {"leading space", file_with(" {}", ""), "does not start with '{'"},
    {"empty header", file_with("", ""), "does not start with '{'"},
    {"two JSON values", file_with("{}[]", ""), "not valid JSON"},
    {"F16", file_with(R"({"t":{"dtype":"F16","shape":[4],"data_offsets":[0,8]}})", f8),
     "dtype F16 is not supported; only F32"},
    {"negative dim", file_with(R"({"t":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", f8),
     "non-negative integers"},
    {"float dim", file_with(R"({"t":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}})", f8),
     "non-negative integers"},
    {"size mismatch", file_with(R"({"t":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", f8),
     "needs 12 bytes but data_offsets span 8"},
    {"reversed offsets", file_with(R"({"t":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}})", f8),
     "end before they begin"},
    {"past the end",
     file_with(R"({"t":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", f8),
     "reach past the end"},
    {"gap", file_with(R"({"t":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", f8),
     "gap of 4 bytes"},
    {"overlap",
     file_with(R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
               R"("u":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
               f8),
     "overlap"},
    {"trailing data", file_with(R"({"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", f8),
     "4 trailing bytes"},
    {"duplicate tensor",
     file_with(R"({"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
               R"("t":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
               f8),
     "duplicate key 't'"},
    {"duplicate field",
     file_with(R"({"t":{"dtype":"F32","dtype":"F16","shape":[2],"data_offsets":[0,8]}})", f8),
     "duplicate key 'dtype'"},
    {"missing offsets", file_with(R"({"t":{"dtype":"F32","shape":[2]}})", f8), "data_offsets"},
    {"tensor not an object", file_with(R"({"t":3})", ""), "expected an object"},
    {"metadata value", file_with(R"({"__metadata__":{"k":1}})", ""), "is not a string"},
    {"metadata not an object", file_with(R"({"__metadata__":[]})", ""), "is not an object"},
    {"bad UTF-8", file_with("{\"\xff\":{}}", ""), "not valid JSON"},
    {"deep nesting", file_with(std::string(40, '[') + std::string(40, ']'), ""),
     "does not start with '{'"},
    {"deep object",
     file_with("{\"a\":" + std::string(30, '[') + std::string(30, ']') + "}", ""),
     "nested deeper"},
  };
  for (auto& c : cases) {
    BOOST_TEST_CONTEXT(c.what) {
      auto result = parse_safetensors(as_span(c.file), "some.safetensors");
      BOOST_TEST(!result);
      if (!result) {
        auto& msg = result.error().message;
        BOOST_TEST(contains(msg, "some.safetensors: "), msg);
        BOOST_TEST(contains(msg, c.needle), msg);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(files_from_other_writers_parse_in_any_key_order_without_padding) {
  // Keys not sorted, data not in name order, no padding, extra fields.
  auto header = R"({"z":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                R"("__metadata__":{"format":"np"},)"
                R"("a":{"shape":[2],"data_offsets":[4,12],"dtype":"F32","x":1}})";
  auto file = file_with(header, float_bytes({7.0f, 8.0f, 9.0f}));
  auto result = parse_safetensors(as_span(file));
  BOOST_REQUIRE_MESSAGE(result, describe(result));
  BOOST_REQUIRE(result->tensors.size() == 2u);
  BOOST_TEST(result->tensors[0].name == "a");
  BOOST_TEST(result->tensors[0].values == (std::vector<float>{8.0f, 9.0f}),
             boost::test_tools::per_element());
  BOOST_TEST(result->tensors[1].values == std::vector<float>{7.0f},
             boost::test_tools::per_element());
  BOOST_TEST(result->metadata.at("format") == "np");
}

BOOST_AUTO_TEST_CASE(a_missing_file_is_an_io_error_naming_it) {
  auto result = load_safetensors("/nonexistent/model.safetensors");
  BOOST_REQUIRE(!result);
  BOOST_TEST(result.error().code == errc::io_error);
  BOOST_TEST(contains(result.error().message, "/nonexistent/model.safetensors"));
}
