#define BOOST_TEST_MODULE idx
#include <boost/test/unit_test.hpp>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "swarm/common/sha256.hpp"
#include "swarm/ml/idx.hpp"

namespace fs = std::filesystem;
using namespace swarm;
using namespace swarm::ml;

namespace {

const fs::path data_dir = SWARM_SOURCE_DIR "/examples/mnist/data";

using bytes = std::vector<uint8_t>;

bytes slurp(const fs::path& path) {
  std::ifstream in{path, std::ios::binary};
  BOOST_REQUIRE_MESSAGE(in, "cannot open " << path);
  return {std::istreambuf_iterator<char>{in}, {}};
}

void spit(const fs::path& path, const bytes& content) {
  std::ofstream out{path, std::ios::binary};
  out.write(reinterpret_cast<const char*>(content.data()),
            static_cast<std::streamsize>(content.size()));
  BOOST_REQUIRE(out.good());
}

std::span<const std::byte> as_span(const bytes& b) {
  return std::as_bytes(std::span{b});
}

void put_be32(bytes& out, uint32_t x) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<uint8_t>(x >> shift));
}

void put_le32(bytes& out, uint32_t x) {
  for (int shift = 0; shift < 32; shift += 8)
    out.push_back(static_cast<uint8_t>(x >> shift));
}

/// An IDX file with the given magic and dimensions, payload as given.
bytes make_idx(uint32_t magic, std::vector<uint32_t> dims, const bytes& payload) {
  bytes out;
  put_be32(out, magic);
  for (auto d : dims)
    put_be32(out, d);
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

uint32_t crc32(const bytes& data) {
  uint32_t crc = 0xffffffff;
  for (auto byte : data) {
    crc ^= byte;
    for (int k = 0; k < 8; ++k)
      crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

/// Wraps `data` in a gzip member made of stored (uncompressed) deflate
/// blocks: a valid gzip file built without any compressor, so the test does
/// not share code with the reader.
bytes gzip_stored(const bytes& data) {
  bytes out{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff};
  size_t pos = 0;
  do {
    auto len = std::min<size_t>(data.size() - pos, 65535);
    bool last = pos + len == data.size();
    out.push_back(last ? 1 : 0);
    out.push_back(static_cast<uint8_t>(len));
    out.push_back(static_cast<uint8_t>(len >> 8));
    out.push_back(static_cast<uint8_t>(~len));
    out.push_back(static_cast<uint8_t>(~len >> 8));
    out.insert(out.end(), data.begin() + pos, data.begin() + pos + len);
    pos += len;
  } while (pos < data.size());
  put_le32(out, crc32(data));
  put_le32(out, static_cast<uint32_t>(data.size()));
  return out;
}

/// A fresh directory under the system temp dir, removed afterwards.
struct temp_dir {
  fs::path path;
  temp_dir() {
    std::string tmpl = (fs::temp_directory_path() / "swarm-idx-XXXXXX").string();
    BOOST_REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

/// Reads `content` from a file called `name` in a temp dir and expects an
/// error whose message names the file and contains every one of `needles`.
void expect_error(const std::string& name, const bytes& content, idx_kind kind,
                  std::vector<std::string> needles) {
  temp_dir tmp;
  auto path = tmp.path / name;
  spit(path, content);
  auto result = read_idx(path, kind);
  BOOST_REQUIRE_MESSAGE(!result, name << " unexpectedly parsed");
  auto& msg = result.error().message;
  BOOST_TEST_MESSAGE("error: " << msg);
  BOOST_TEST(msg.find(path.string()) != std::string::npos, "'" << msg << "' names the file");
  for (auto& needle : needles)
    BOOST_TEST(msg.find(needle) != std::string::npos,
               "'" << msg << "' contains '" << needle << "'");
}

/// Returns the error of `x` as text, or "" (the message of a check is
/// evaluated even when the check passes).
template <class T>
std::string describe(const expected<T>& x) {
  return x ? std::string{} : x.error().to_string();
}

std::array<size_t, 10> histogram(const std::vector<uint8_t>& labels) {
  std::array<size_t, 10> result{};
  for (auto x : labels)
    ++result.at(x);
  return result;
}

} // namespace

BOOST_AUTO_TEST_CASE(the_bundled_training_files_have_the_documented_counts_and_labels) {
  auto images = read_idx(data_dir / "train-images-idx3-ubyte.gz", idx_kind::images);
  BOOST_REQUIRE_MESSAGE(images, describe(images));
  BOOST_TEST(images->dims == (std::vector<uint32_t>{60000, 28, 28}),
             boost::test_tools::per_element());
  BOOST_TEST(images->values.size() == 60000u * 28 * 28);
  auto labels = read_idx(data_dir / "train-labels-idx1-ubyte.gz", idx_kind::labels);
  BOOST_REQUIRE_MESSAGE(labels, describe(labels));
  BOOST_TEST(labels->count() == 60000u);
  std::vector<uint8_t> first(labels->values.begin(), labels->values.begin() + 10);
  BOOST_TEST(first == (std::vector<uint8_t>{5, 0, 4, 1, 9, 2, 1, 3, 1, 4}),
             boost::test_tools::per_element());
  std::array<size_t, 10> expected{5923, 6742, 5958, 6131, 5842,
                                  5421, 5918, 6265, 5851, 5949};
  BOOST_TEST(histogram(labels->values) == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(the_bundled_test_files_have_the_documented_counts_and_labels) {
  auto images = read_idx(data_dir / "t10k-images-idx3-ubyte.gz", idx_kind::images);
  BOOST_REQUIRE_MESSAGE(images, describe(images));
  BOOST_TEST(images->dims == (std::vector<uint32_t>{10000, 28, 28}),
             boost::test_tools::per_element());
  auto labels = read_idx(data_dir / "t10k-labels-idx1-ubyte.gz", idx_kind::labels);
  BOOST_REQUIRE_MESSAGE(labels, describe(labels));
  std::vector<uint8_t> first(labels->values.begin(), labels->values.begin() + 10);
  BOOST_TEST(first == (std::vector<uint8_t>{7, 2, 1, 0, 4, 1, 4, 9, 5, 9}),
             boost::test_tools::per_element());
  std::array<size_t, 10> expected{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009};
  BOOST_TEST(histogram(labels->values) == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(decompression_reproduces_the_published_uncompressed_files) {
  // Re-serializing what we decoded must give the exact bytes whose SHA-256
  // the data README publishes for the uncompressed originals; then reading
  // that raw file back must give the same data as the .gz.
  temp_dir tmp;
  struct case_t {
    const char* stem;
    idx_kind kind;
    const char* sha256;
  };
  for (auto c : {case_t{"t10k-labels-idx1-ubyte", idx_kind::labels,
                        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"},
                 case_t{"t10k-images-idx3-ubyte", idx_kind::images,
                        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"}}) {
    BOOST_TEST_CONTEXT(c.stem) {
      auto gz = read_idx(data_dir / (std::string{c.stem} + ".gz"), c.kind);
      BOOST_REQUIRE(gz);
      auto raw_bytes = make_idx(static_cast<uint32_t>(c.kind), gz->dims, gz->values);
      BOOST_TEST(to_hex(sha256_of(raw_bytes.data(), raw_bytes.size())) == c.sha256);
      spit(tmp.path / c.stem, raw_bytes);
      auto raw = read_idx(tmp.path / c.stem, c.kind);
      BOOST_REQUIRE_MESSAGE(raw, describe(raw));
      BOOST_TEST(raw->dims == gz->dims, boost::test_tools::per_element());
      BOOST_TEST((raw->values == gz->values));
    }
  }
}

BOOST_AUTO_TEST_CASE(a_truncated_gzip_file_is_reported_with_its_name_and_sizes) {
  auto gz = slurp(data_dir / "train-labels-idx1-ubyte.gz");
  gz.resize(gz.size() / 2);
  expect_error("train-labels-idx1-ubyte.gz", gz, idx_kind::labels,
               {"truncated", "60000 payload bytes", "cut off"});
}

BOOST_AUTO_TEST_CASE(a_gzip_file_cut_inside_its_trailer_is_reported_as_truncated) {
  auto gz = slurp(data_dir / "t10k-labels-idx1-ubyte.gz");
  gz.resize(gz.size() - 3);
  expect_error("t10k-labels-idx1-ubyte.gz", gz, idx_kind::labels,
               {"truncated gzip stream"});
}

BOOST_AUTO_TEST_CASE(a_gzip_file_with_a_wrong_crc_is_reported_as_corrupt) {
  auto gz = slurp(data_dir / "t10k-labels-idx1-ubyte.gz");
  gz[gz.size() - 8] ^= 0x01; // first byte of the CRC-32 trailer
  expect_error("t10k-labels-idx1-ubyte.gz", gz, idx_kind::labels,
               {"corrupt gzip data", "incorrect data check"});
}

BOOST_AUTO_TEST_CASE(corrupt_deflate_data_is_reported_with_the_file_name) {
  auto gz = slurp(data_dir / "t10k-labels-idx1-ubyte.gz");
  for (size_t i = 100; i < 140; ++i)
    gz[i] = 0xff;
  expect_error("t10k-labels-idx1-ubyte.gz", gz, idx_kind::labels, {"corrupt"});
}

BOOST_AUTO_TEST_CASE(a_truncated_raw_file_reports_expected_and_found_bytes) {
  auto raw = make_idx(2049, {10}, bytes(7, 1));
  expect_error("labels-idx1-ubyte", raw, idx_kind::labels,
               {"truncated", "10 payload bytes", "found 7"});
  expect_error("tiny", bytes{0, 0, 8}, idx_kind::labels, {"truncated", "found 3"});
  expect_error("empty", bytes{}, idx_kind::images, {"truncated", "needs 16 bytes"});
  expect_error("short-header", bytes{0, 0, 8, 3, 0, 0}, idx_kind::images,
               {"truncated", "found 6"});
}

BOOST_AUTO_TEST_CASE(a_count_that_disagrees_with_the_payload_is_an_error) {
  // Header claims 5 labels, the payload has 3 (truncated) or 7 (trailing).
  expect_error("short.gz", gzip_stored(make_idx(2049, {5}, bytes(3, 2))),
               idx_kind::labels, {"truncated", "5 payload bytes", "found 3"});
  expect_error("long.gz", gzip_stored(make_idx(2049, {5}, bytes(7, 2))),
               idx_kind::labels, {"trailing data", "5 payload bytes"});
  expect_error("long", make_idx(2049, {5}, bytes(7, 2)), idx_kind::labels,
               {"trailing data", "2 bytes follow"});
}

BOOST_AUTO_TEST_CASE(a_wrong_magic_number_is_reported_with_both_values) {
  expect_error("bad-magic", make_idx(2052, {1}, bytes(1)), idx_kind::labels,
               {"bad magic number 2052", "expected 2049"});
  expect_error("labels-as-images.gz", gzip_stored(make_idx(2049, {2}, bytes(2))),
               idx_kind::images, {"expected 2051", "this is an IDX file of labels"});
}

BOOST_AUTO_TEST_CASE(absurd_declared_sizes_are_refused_before_allocating) {
  expect_error("huge", make_idx(2051, {60000, 60000, 60000}, {}), idx_kind::images,
               {"more than the limit"});
  expect_error("negative", make_idx(2051, {0xffffffff, 28, 28}, {}), idx_kind::images,
               {"negative"});
  // 100 MB declared, but a few dozen compressed bytes cannot expand that far.
  expect_error("bomb.gz", gzip_stored(make_idx(2051, {100000, 1000, 1}, {})),
               idx_kind::images, {"cannot hold more than"});
}

BOOST_AUTO_TEST_CASE(small_hand_made_files_parse_raw_and_gzipped_alike) {
  auto raw = make_idx(2051, {2, 2, 3}, bytes{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255});
  auto from_raw = parse_idx(as_span(raw), idx_kind::images);
  BOOST_REQUIRE_MESSAGE(from_raw, describe(from_raw));
  BOOST_TEST(from_raw->dims == (std::vector<uint32_t>{2, 2, 3}),
             boost::test_tools::per_element());
  BOOST_TEST(from_raw->values.back() == 255);
  auto gz = gzip_stored(raw);
  auto from_gz = parse_idx(as_span(gz), idx_kind::images);
  BOOST_REQUIRE_MESSAGE(from_gz, describe(from_gz));
  BOOST_TEST((from_gz->values == from_raw->values));
  auto empty = make_idx(2049, {0}, {});
  auto none = parse_idx(as_span(empty), idx_kind::labels);
  BOOST_REQUIRE(none);
  BOOST_TEST(none->count() == 0u);
}

BOOST_AUTO_TEST_CASE(concatenated_gzip_members_decode_as_one_stream) {
  auto raw = make_idx(2049, {6}, bytes{1, 2, 3, 4, 5, 6});
  auto first = gzip_stored(bytes(raw.begin(), raw.begin() + 9));
  auto second = gzip_stored(bytes(raw.begin() + 9, raw.end()));
  first.insert(first.end(), second.begin(), second.end());
  auto result = parse_idx(as_span(first), idx_kind::labels);
  BOOST_REQUIRE_MESSAGE(result, describe(result));
  BOOST_TEST(result->values == (bytes{1, 2, 3, 4, 5, 6}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(garbage_after_the_gzip_stream_is_an_error) {
  auto gz = gzip_stored(make_idx(2049, {2}, bytes{1, 2}));
  gz.push_back(0);
  gz.push_back(0);
  expect_error("junk.gz", gz, idx_kind::labels, {"2 bytes of non-gzip data"});
}

BOOST_AUTO_TEST_CASE(a_missing_file_is_an_io_error_naming_it) {
  auto path = data_dir / "no-such-file";
  auto result = read_idx(path, idx_kind::labels);
  BOOST_REQUIRE(!result);
  BOOST_TEST(result.error().code == errc::io_error);
  BOOST_TEST(result.error().message.find(path.string()) != std::string::npos);
}
