#define BOOST_TEST_MODULE safetensors
#include <boost/test/unit_test.hpp>

#include <bit>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "swarm/ml/safetensors.hpp"

namespace fs = std::filesystem;
using namespace swarm;
using namespace swarm::ml;

namespace {

/// Returns the error of an expected or status as text, or "" on success.
template <class T>
std::string describe(const T& x) {
  return x ? std::string{} : x.error().to_string();
}

std::string slurp(const fs::path& path) {
  std::ifstream in{path, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, {}};
}

std::string le64(uint64_t x) {
  std::string out;
  for (int i = 0; i < 8; ++i, x >>= 8)
    out.push_back(static_cast<char>(x & 0xff));
  return out;
}

std::string float_bytes(std::initializer_list<float> xs) {
  std::string out;
  for (auto x : xs) {
    char buf[4];
    std::memcpy(buf, &x, 4);
    out.append(buf, 4);
  }
  return out;
}

/// A safetensors file with the given JSON header (unpadded) and data bytes.
std::string file_with(const std::string& header, const std::string& data) {
  return le64(header.size()) + header + data;
}

std::span<const std::byte> as_span(const std::string& s) {
  return std::as_bytes(std::span{s.data(), s.size()});
}

uint32_t bits(float x) {
  return std::bit_cast<uint32_t>(x);
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

struct temp_dir {
  fs::path path;
  temp_dir() {
    std::string tmpl = (fs::temp_directory_path() / "swarm-st-XXXXXX").string();
    BOOST_REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

/// Every float32 class that a careless writer could mangle: NaNs with sign
/// and payload, infinities, denormals, signed zeros, extremes.
std::vector<float> special_values() {
  using lim = std::numeric_limits<float>;
  auto from_bits = [](uint32_t x) { return std::bit_cast<float>(x); };
  return {lim::quiet_NaN(),       -lim::quiet_NaN(),
          from_bits(0x7fa00001),  // signalling NaN
          from_bits(0xffc12345),  // negative NaN with a payload
          lim::infinity(),        -lim::infinity(),
          lim::denorm_min(),      -lim::denorm_min(),
          from_bits(0x007fffff),  // largest denormal
          lim::min(),             lim::max(),
          -lim::max(),            0.0f,
          -0.0f,                  1.0f / 3.0f,
          -2.5f};
}

/// A model-like set of tensors over buffers owned by the fixture.
struct model {
  std::vector<float> kernel = std::vector<float>(6);
  std::vector<float> bias = std::vector<float>(3);
  std::vector<tensor_view> views() {
    return {{"dense/kernel", {2, 3}, kernel.data()}, {"dense/bias", {3}, bias.data()}};
  }
};

/// The file size limit of the writer processes below.
constexpr rlim_t fsize_limit = 65536;

/// Forks a child that saves a 4 MB model to `path` under a file size limit
/// of `fsize_limit` and returns its wait status. If `crash`, SIGXFSZ keeps its
/// default action and the kernel kills the child inside write(2): a real
/// crash mid-write. Otherwise write(2) fails with EFBIG and the child exits
/// 0 if and only if the save reported an io_error and removed its temp file.
int save_huge_model_in_limited_child(const fs::path& path, bool crash) {
  auto pid = ::fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    std::signal(SIGXFSZ, crash ? SIG_DFL : SIG_IGN);
    rlimit no_core{0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);
    rlimit small{fsize_limit, fsize_limit};
    ::setrlimit(RLIMIT_FSIZE, &small);
    std::vector<float> huge(1 << 20, 3.0f);
    std::vector<tensor_view> views{{"dense/kernel", {1 << 20}, huge.data()}};
    auto st = save_safetensors(path, views);
    auto dir = path.parent_path();
    bool clean = std::distance(fs::directory_iterator(dir), fs::directory_iterator{}) == 1;
    ::_exit(!st && st.error().code == errc::io_error && clean ? 0 : 1);
  }
  int wstatus = 0;
  BOOST_REQUIRE(::waitpid(pid, &wstatus, 0) == pid);
  return wstatus;
}

} // namespace

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
