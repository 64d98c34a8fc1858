#define BOOST_TEST_MODULE mnist
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <string>
#include <vector>

#include "swarm/common/sha256.hpp"
#include "swarm/ml/idx.hpp"
#include "swarm/ml/mnist.hpp"

namespace fs = std::filesystem;
using namespace swarm;
using namespace swarm::ml;

namespace {

const fs::path data_dir = SWARM_SOURCE_DIR "/examples/mnist/data";

constexpr const char* test_images = "t10k-images-idx3-ubyte";
constexpr const char* test_labels = "t10k-labels-idx1-ubyte";

template <class T>
std::string describe(const expected<T>& x) {
  return x ? std::string{} : x.error().to_string();
}

void spit(const fs::path& path, const std::string& content) {
  std::ofstream out{path, std::ios::binary};
  out << content;
  BOOST_REQUIRE(out.good());
}

std::string digest_of(const fs::path& path) {
  auto d = sha256_of_file(path);
  BOOST_REQUIRE(d);
  return to_hex(*d);
}

/// Serializes an IDX file, so tests can make raw variants of the real data.
std::string make_idx(uint32_t magic, const std::vector<uint32_t>& dims,
                     const std::vector<uint8_t>& payload) {
  std::string out;
  auto put = [&out](uint32_t x) {
    for (int shift = 24; shift >= 0; shift -= 8)
      out.push_back(static_cast<char>(x >> shift));
  };
  put(magic);
  for (auto d : dims)
    put(d);
  out.append(payload.begin(), payload.end());
  return out;
}

/// A temp dir holding copies of the bundled test split (and no SHA256SUMS).
struct test_split_dir {
  fs::path path;
  test_split_dir() {
    std::string tmpl = (fs::temp_directory_path() / "swarm-mnist-XXXXXX").string();
    BOOST_REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
    for (auto stem : {test_images, test_labels})
      fs::copy_file(data_dir / (std::string{stem} + ".gz"),
                    path / (std::string{stem} + ".gz"));
  }
  ~test_split_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path gz(const char* stem) const {
    return path / (std::string{stem} + ".gz");
  }
  /// Writes a correct SHA256SUMS for both files, except that `wrong` (if
  /// set) gets a digest of all zeros.
  void write_sums(const char* wrong = nullptr, const char* sep = "  ") const {
    std::string text;
    for (auto stem : {test_images, test_labels}) {
      auto digest = wrong == stem ? std::string(64, '0') : digest_of(gz(stem));
      text += digest + sep + std::string{stem} + ".gz\n";
    }
    spit(path / "SHA256SUMS", text);
  }
};

/// Returns whether the test split in `dir` loads, printing the error if not.
bool loads(const fs::path& dir, checksum_policy policy) {
  auto result = load_mnist(dir, mnist_split::test, policy);
  if (!result)
    BOOST_TEST_MESSAGE(describe(result));
  return static_cast<bool>(result);
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

} // namespace

BOOST_AUTO_TEST_CASE(the_bundled_training_split_loads_with_required_checksums) {
  auto train = load_mnist(data_dir, mnist_split::train, checksum_policy::require);
  BOOST_REQUIRE_MESSAGE(train, describe(train));
  BOOST_TEST(train->size() == 60000u);
  BOOST_TEST(train->rows == 28u);
  BOOST_TEST(train->cols == 28u);
  BOOST_TEST(train->images.size() == 60000u * 784);
  BOOST_TEST(train->labels[0] == 5);
  BOOST_TEST(train->labels[59999] < 10);
  auto [lo, hi] = std::minmax_element(train->images.begin(), train->images.end());
  BOOST_TEST(*lo == 0.0f);
  BOOST_TEST(*hi == 1.0f);
  // Pixel (14, 14) of the first image is 240; its first full-ink pixel is at 161.
  auto first = train->image(0);
  BOOST_TEST(first[14 * 28 + 14] == 240.0f / 255.0f);
  BOOST_TEST(first[161] == 1.0f);
  BOOST_TEST(std::count(first.begin(), first.begin() + 161, 1.0f) == 0);
}

BOOST_AUTO_TEST_CASE(pixels_are_the_idx_bytes_divided_by_255) {
  auto test = load_mnist(data_dir, mnist_split::test, checksum_policy::require);
  BOOST_REQUIRE_MESSAGE(test, describe(test));
  BOOST_TEST(test->size() == 10000u);
  BOOST_TEST(test->labels[0] == 7);
  auto raw = read_idx(data_dir / "t10k-images-idx3-ubyte.gz", idx_kind::images);
  BOOST_REQUIRE(raw);
  BOOST_REQUIRE(raw->values.size() == test->images.size());
  size_t differences = 0;
  for (size_t i = 0; i < raw->values.size(); ++i)
    differences += test->images[i] != static_cast<float>(raw->values[i]) / 255.0f;
  BOOST_TEST(differences == 0u);
  // The bytes of the whole split sum to 264923200 (computed with NumPy).
  auto total = std::accumulate(raw->values.begin(), raw->values.end(), uint64_t{0});
  BOOST_TEST(total == 264923200u);
}

BOOST_AUTO_TEST_CASE(a_checksum_mismatch_is_detected_by_require_and_verify_if_listed) {
  test_split_dir dir;
  dir.write_sums(test_labels);
  for (auto policy : {checksum_policy::require, checksum_policy::verify_if_listed}) {
    auto result = load_mnist(dir.path, mnist_split::test, policy);
    BOOST_REQUIRE(!result);
    BOOST_TEST(result.error().code == errc::checksum_mismatch);
    auto& msg = result.error().message;
    BOOST_TEST(contains(msg, dir.gz(test_labels).string()), msg);
    BOOST_TEST(contains(msg, std::string(64, '0')), msg);
    BOOST_TEST(contains(msg, digest_of(dir.gz(test_labels))), msg);
  }
  auto skipped = load_mnist(dir.path, mnist_split::test, checksum_policy::skip);
  BOOST_TEST(static_cast<bool>(skipped), describe(skipped));
}

BOOST_AUTO_TEST_CASE(a_changed_byte_in_a_listed_file_is_detected) {
  test_split_dir dir;
  dir.write_sums();
  BOOST_TEST(loads(dir.path, checksum_policy::require));
  // Flip a byte of the gzip header's mtime: the file still decompresses
  // cleanly, so only the digest can tell.
  auto path = dir.gz(test_images);
  fs::permissions(path, fs::perms::owner_write, fs::perm_options::add);
  std::fstream f{path, std::ios::binary | std::ios::in | std::ios::out};
  f.seekp(4);
  f.put('\x7f');
  f.close();
  BOOST_TEST(loads(dir.path, checksum_policy::skip));
  auto result = load_mnist(dir.path, mnist_split::test, checksum_policy::verify_if_listed);
  BOOST_REQUIRE(!result);
  BOOST_TEST(result.error().code == errc::checksum_mismatch);
  BOOST_TEST(contains(result.error().message, path.string()));
}

BOOST_AUTO_TEST_CASE(require_needs_an_entry_while_verify_if_listed_does_not) {
  test_split_dir dir;
  auto no_sums = load_mnist(dir.path, mnist_split::test, checksum_policy::require);
  BOOST_REQUIRE(!no_sums);
  BOOST_TEST(no_sums.error().code == errc::checksum_mismatch);
  BOOST_TEST(contains(no_sums.error().message, "SHA256SUMS"));
  BOOST_TEST(loads(dir.path, checksum_policy::verify_if_listed));
  // Only the images are listed: the labels lack an entry.
  spit(dir.path / "SHA256SUMS",
       digest_of(dir.gz(test_images)) + "  " + test_images + ".gz\n");
  auto partial = load_mnist(dir.path, mnist_split::test, checksum_policy::require);
  BOOST_REQUIRE(!partial);
  BOOST_TEST(contains(partial.error().message, dir.gz(test_labels).string()));
  BOOST_TEST(loads(dir.path, checksum_policy::verify_if_listed));
}

BOOST_AUTO_TEST_CASE(sha256sums_accepts_binary_markers_and_rejects_malformed_lines) {
  test_split_dir dir;
  dir.write_sums(nullptr, " *");
  auto binary = load_mnist(dir.path, mnist_split::test, checksum_policy::require);
  BOOST_TEST(static_cast<bool>(binary), describe(binary));
  spit(dir.path / "SHA256SUMS", "# comment\n\nnot a digest  file.gz\n");
  auto bad = load_mnist(dir.path, mnist_split::test, checksum_policy::verify_if_listed);
  BOOST_REQUIRE(!bad);
  BOOST_TEST(bad.error().code == errc::parse_error);
  BOOST_TEST(contains(bad.error().message, "SHA256SUMS:3"), bad.error().message);
}

BOOST_AUTO_TEST_CASE(raw_files_are_a_fallback_and_gzip_files_are_preferred) {
  test_split_dir dir;
  auto gz_data = load_mnist(dir.path, mnist_split::test, checksum_policy::skip);
  BOOST_REQUIRE(gz_data);
  // Raw copies next to the .gz files are ignored, even when broken.
  spit(dir.path / test_images, "garbage");
  spit(dir.path / test_labels, "garbage");
  BOOST_TEST(loads(dir.path, checksum_policy::skip));
  // Without the .gz files, the raw ones are read.
  for (auto [stem, kind] : {std::pair{test_images, idx_kind::images},
                            std::pair{test_labels, idx_kind::labels}}) {
    auto parsed = read_idx(dir.gz(stem), kind);
    BOOST_REQUIRE(parsed);
    spit(dir.path / stem, make_idx(static_cast<uint32_t>(kind), parsed->dims, parsed->values));
    fs::remove(dir.gz(stem));
  }
  auto raw_data = load_mnist(dir.path, mnist_split::test, checksum_policy::skip);
  BOOST_REQUIRE_MESSAGE(raw_data, describe(raw_data));
  BOOST_TEST((raw_data->labels == gz_data->labels));
  BOOST_TEST((raw_data->images == gz_data->images));
}

BOOST_AUTO_TEST_CASE(image_and_label_counts_must_agree) {
  test_split_dir dir;
  fs::remove(dir.gz(test_labels));
  spit(dir.path / test_labels, make_idx(2049, {9999}, std::vector<uint8_t>(9999, 3)));
  auto result = load_mnist(dir.path, mnist_split::test, checksum_policy::skip);
  BOOST_REQUIRE(!result);
  auto& msg = result.error().message;
  BOOST_TEST(contains(msg, "10000 images"), msg);
  BOOST_TEST(contains(msg, "9999 labels"), msg);
  BOOST_TEST(contains(msg, (dir.path / test_labels).string()), msg);
}

BOOST_AUTO_TEST_CASE(labels_outside_0_to_9_are_rejected) {
  test_split_dir dir;
  fs::remove(dir.gz(test_labels));
  std::vector<uint8_t> labels(10000, 1);
  labels[1234] = 10;
  spit(dir.path / test_labels, make_idx(2049, {10000}, labels));
  auto result = load_mnist(dir.path, mnist_split::test, checksum_policy::skip);
  BOOST_REQUIRE(!result);
  auto& msg = result.error().message;
  BOOST_TEST(contains(msg, "label 10 at index 1234"), msg);
  BOOST_TEST(contains(msg, (dir.path / test_labels).string()), msg);
}

BOOST_AUTO_TEST_CASE(a_missing_split_is_an_io_error_naming_the_file) {
  test_split_dir dir;
  auto result = load_mnist(dir.path, mnist_split::train, checksum_policy::skip);
  BOOST_REQUIRE(!result);
  BOOST_TEST(result.error().code == errc::io_error);
  BOOST_TEST(contains(result.error().message, "train-images-idx3-ubyte.gz"));
}

BOOST_AUTO_TEST_CASE(subset_copies_the_chosen_samples_in_order) {
  dataset d;
  d.rows = 1;
  d.cols = 2;
  d.images = {0.0f, 0.1f, 1.0f, 1.1f, 2.0f, 2.1f};
  d.labels = {7, 8, 9};
  std::vector<size_t> pick{2, 0, 2};
  auto s = d.subset(pick);
  BOOST_TEST(s.size() == 3u);
  BOOST_TEST(s.rows == 1u);
  BOOST_TEST(s.cols == 2u);
  BOOST_TEST(s.labels == (std::vector<uint8_t>{9, 7, 9}), boost::test_tools::per_element());
  BOOST_TEST(s.images == (std::vector<float>{2.0f, 2.1f, 0.0f, 0.1f, 2.0f, 2.1f}),
             boost::test_tools::per_element());
  BOOST_TEST(d.subset({}).size() == 0u);
}
