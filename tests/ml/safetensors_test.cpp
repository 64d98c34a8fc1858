#define BOOST_TEST_MODULE safetensors
#include <boost/test/unit_test.hpp>

// Writing safetensors files: bit-exact round trips, the reference layout,
// and files left intact by a writer that fails or is killed mid-write.

#include "safetensors_support.hpp"

using namespace safetensors_test;

BOOST_AUTO_TEST_CASE(a_round_trip_is_bit_exact_including_nan_inf_denormals_and_negative_zero) {
  temp_dir tmp;
  auto specials = special_values();
  std::vector<float> big(1000);
  for (size_t i = 0; i < big.size(); ++i)
    big[i] = std::sin(static_cast<float>(i)) * 1e-3f;
  float scalar = 42.0f;
  std::vector<tensor_view> views{{"specials", {4, 4}, specials.data()},
                                 {"big", {10, 10, 10}, big.data()},
                                 {"scalar", {}, &scalar},
                                 {"empty", {0, 3}, nullptr}};
  safetensors_metadata meta{{"format", "pt"}, {"round", "7"}, {"note", "ünïcode \"quoted\""}};
  auto path = tmp.path / "model.safetensors";
  auto saved = save_safetensors(path, views, meta);
  BOOST_REQUIRE_MESSAGE(saved, describe(saved));
  auto loaded = read_safetensors(path);
  BOOST_REQUIRE_MESSAGE(loaded, describe(loaded));
  BOOST_TEST((loaded->metadata == meta));
  auto& ts = loaded->tensors;
  BOOST_REQUIRE(ts.size() == 4u);
  // Sorted by name.
  BOOST_TEST(ts[0].name == "big");
  BOOST_TEST(ts[1].name == "empty");
  BOOST_TEST(ts[2].name == "scalar");
  BOOST_TEST(ts[3].name == "specials");
  BOOST_TEST(ts[1].shape == (std::vector<int64_t>{0, 3}), boost::test_tools::per_element());
  BOOST_TEST(ts[1].values.empty());
  BOOST_TEST(ts[2].shape.empty());
  BOOST_TEST(ts[2].values == std::vector<float>{42.0f}, boost::test_tools::per_element());
  BOOST_TEST(ts[3].shape == (std::vector<int64_t>{4, 4}), boost::test_tools::per_element());
  BOOST_REQUIRE(ts[3].values.size() == specials.size());
  for (size_t i = 0; i < specials.size(); ++i)
    BOOST_TEST(bits(ts[3].values[i]) == bits(specials[i]), "element " << i);
  BOOST_REQUIRE(ts[0].values.size() == big.size());
  BOOST_TEST(std::memcmp(ts[0].values.data(), big.data(), big.size() * 4) == 0);
  auto plain = load_safetensors(path);
  BOOST_REQUIRE(plain);
  BOOST_TEST(plain->size() == 4u);
}

BOOST_AUTO_TEST_CASE(the_file_has_the_exact_layout_of_the_reference_writer) {
  std::vector<float> b{1.0f, -2.0f};
  std::vector<float> a{0.5f, 0.25f, -0.0f};
  // Passed out of order: the file sorts tensors by name.
  std::vector<tensor_view> views{{"b", {2}, b.data()}, {"a", {1, 3}, a.data()}};
  auto bytes = serialize_safetensors(views, {{"format", "pt"}});
  BOOST_REQUIRE_MESSAGE(bytes, describe(bytes));
  std::string file(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  std::string json = R"({"__metadata__":{"format":"pt"},)"
                     R"("a":{"dtype":"F32","shape":[1,3],"data_offsets":[0,12]},)"
                     R"("b":{"dtype":"F32","shape":[2],"data_offsets":[12,20]}})";
  auto padded = json + std::string((8 - json.size() % 8) % 8, ' ');
  BOOST_TEST(padded.size() % 8 == 0u);
  BOOST_TEST(file.substr(0, 8) == le64(padded.size()));
  BOOST_TEST(file.substr(8, padded.size()) == padded);
  BOOST_TEST(file.substr(8 + padded.size()) == float_bytes({0.5f, 0.25f, -0.0f, 1.0f, -2.0f}));
  auto empty = serialize_safetensors({});
  BOOST_REQUIRE(empty);
  BOOST_TEST(std::string(reinterpret_cast<const char*>(empty->data()), empty->size())
             == le64(8) + "{}      ");
}

BOOST_AUTO_TEST_CASE(a_writer_killed_mid_write_leaves_the_old_file_intact) {
  temp_dir tmp;
  auto path = tmp.path / "model.safetensors";
  model old_model;
  old_model.kernel.assign(6, 1.5f);
  BOOST_REQUIRE(save_safetensors(path, old_model.views()));
  auto old_bytes = slurp(path);
  auto wstatus = save_huge_model_in_limited_child(path, true);
  BOOST_REQUIRE_MESSAGE(WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGXFSZ,
                        "the writer died by SIGXFSZ");
  BOOST_TEST(slurp(path) == old_bytes);
  auto loaded = load_safetensors(path);
  BOOST_REQUIRE_MESSAGE(loaded, describe(loaded));
  BOOST_TEST((*loaded)[1].values == old_model.kernel, boost::test_tools::per_element());
  // The crash left its partial temporary file beside the target, unnamed.
  size_t partial = 0;
  for (auto& entry : fs::directory_iterator(tmp.path))
    if (contains(entry.path().filename().string(), "model.safetensors.tmp."))
      partial += entry.file_size() == fsize_limit;
  BOOST_TEST(partial == 1u);
}

BOOST_AUTO_TEST_CASE(a_failed_write_returns_an_error_and_leaves_the_old_file_intact) {
  temp_dir tmp;
  auto path = tmp.path / "model.safetensors";
  model old_model;
  BOOST_REQUIRE(save_safetensors(path, old_model.views()));
  auto old_bytes = slurp(path);
  auto wstatus = save_huge_model_in_limited_child(path, false);
  BOOST_TEST((WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0),
             "save failed with io_error and removed its temporary file");
  BOOST_TEST(slurp(path) == old_bytes);
}

BOOST_AUTO_TEST_CASE(invalid_tensors_are_rejected_before_the_file_is_touched) {
  temp_dir tmp;
  auto path = tmp.path / "model.safetensors";
  model m;
  BOOST_REQUIRE(save_safetensors(path, m.views()));
  auto old_bytes = slurp(path);
  float x = 1.0f;
  std::vector<std::vector<tensor_view>> bad{
    {{"a", {1}, &x}, {"a", {1}, &x}},
    {{"", {1}, &x}},
    {{"__metadata__", {1}, &x}},
    {{"a", {-1}, &x}},
    {{"a", {4}, nullptr}},
    {{"bad\xff utf8", {1}, &x}},
  };
  for (auto& views : bad) {
    auto st = save_safetensors(path, views);
    BOOST_TEST(!st);
    if (!st) {
      BOOST_TEST(st.error().code == errc::invalid_argument);
      BOOST_TEST_MESSAGE(st.error().message);
    }
  }
  BOOST_TEST(slurp(path) == old_bytes);
}
