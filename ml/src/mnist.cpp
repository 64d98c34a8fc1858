#include "swarm/ml/mnist.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "idx_read_file.hpp"
#include "swarm/common/sha256.hpp"
#include "swarm/ml/idx.hpp"

namespace swarm::ml {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view sums_name = "SHA256SUMS";

constexpr uint8_t num_classes = 10;

/// SHA256SUMS entries: file name to lower-case hex digest.
using digest_map = std::map<std::string, std::string, std::less<>>;

/// A parsed IDX file and where it came from, for error messages.
struct loaded_idx {
  fs::path path;
  idx_data data;
};

/// Picks `stem.gz`, else `stem`, in `dir`.
expected<fs::path> locate(const fs::path& dir, std::string_view stem) {
  std::error_code ec;
  auto gz = dir / (std::string{stem} + ".gz");
  if (fs::is_regular_file(gz, ec))
    return gz;
  auto raw = dir / stem;
  if (fs::is_regular_file(raw, ec))
    return raw;
  return make_error(errc::io_error, dir.string() + ": neither " + std::string{stem}
                                      + ".gz nor " + std::string{stem} + " found");
}

/// Parses one line of sha256sum(1) output: "<64 hex>  <name>" (text mode)
/// or "<64 hex> *<name>" (binary mode).
bool parse_sums_line(std::string_view line, digest_map& out) {
  if (line.size() < 67 || line[64] != ' ' || (line[65] != ' ' && line[65] != '*'))
    return false;
  std::string hex{line.substr(0, 64)};
  for (auto& c : hex) {
    if (!std::isxdigit(static_cast<unsigned char>(c)))
      return false;
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  out.insert_or_assign(std::string{line.substr(66)}, std::move(hex));
  return true;
}

/// Reads `dir`/SHA256SUMS; returns no map when the file does not exist.
expected<std::optional<digest_map>> read_sums(const fs::path& dir) {
  auto path = dir / sums_name;
  std::error_code ec;
  if (!fs::exists(path, ec))
    return std::optional<digest_map>{};
  auto bytes = detail::read_file_bytes(path, size_t{1} << 20);
  if (!bytes)
    return bytes.error();
  std::string_view text{reinterpret_cast<const char*>(bytes->data()), bytes->size()};
  digest_map result;
  size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    auto eol = std::min(text.find('\n'), text.size());
    auto line = text.substr(0, eol);
    text.remove_prefix(std::min(eol + 1, text.size()));
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (line.empty() || line.front() == '#')
      continue;
    if (!parse_sums_line(line, result))
      return make_error(errc::parse_error,
                        path.string() + ":" + std::to_string(line_no)
                          + ": expected '<64 hex digits>  <file name>'");
  }
  return std::optional<digest_map>{std::move(result)};
}

status verify(const fs::path& file, std::span<const std::byte> bytes,
              checksum_policy policy, const std::optional<digest_map>& sums) {
  if (policy == checksum_policy::skip)
    return status::ok();
  auto name = file.filename().string();
  auto sums_path = (file.parent_path() / sums_name).string();
  auto entry = sums ? sums->find(name) : digest_map::const_iterator{};
  if (!sums || entry == sums->end()) {
    if (policy == checksum_policy::verify_if_listed)
      return status::ok();
    return make_error(errc::checksum_mismatch,
                      file.string() + ": no entry in " + sums_path
                        + " (checksum policy 'require')");
  }
  auto actual = to_hex(sha256_of(bytes.data(), bytes.size()));
  if (actual != entry->second)
    return make_error(errc::checksum_mismatch,
                      file.string() + ": SHA-256 mismatch: " + sums_path + " lists "
                        + entry->second + ", the file has " + actual);
  return status::ok();
}

expected<loaded_idx> load_file(const fs::path& dir, std::string_view stem,
                               idx_kind kind, checksum_policy policy,
                               const std::optional<digest_map>& sums) {
  auto path = locate(dir, stem);
  if (!path)
    return path.error();
  // Read once, then hash and parse the same bytes: no second pass over the
  // disk, and no window in which the file could change between the two.
  auto bytes = detail::read_file_bytes(*path, 2 * idx_max_payload_bytes);
  if (!bytes)
    return bytes.error();
  if (auto st = verify(*path, *bytes, policy, sums); !st)
    return st.error();
  auto data = parse_idx(*bytes, kind, path->string());
  if (!data)
    return data.error();
  return loaded_idx{std::move(*path), std::move(*data)};
}

/// Checks what the IDX parser cannot know: the two files belong together and
/// the labels are digits.
status check_pair(const loaded_idx& images, const loaded_idx& labels) {
  auto n = images.data.count();
  if (n != labels.data.count())
    return make_error(errc::corrupt_data,
                      images.path.string() + " has " + std::to_string(n)
                        + " images but " + labels.path.string() + " has "
                        + std::to_string(labels.data.count()) + " labels");
  if (n == 0 || images.data.dims[1] == 0 || images.data.dims[2] == 0)
    return make_error(errc::corrupt_data, images.path.string() + ": no pixels ("
                                            + std::to_string(n) + " images of "
                                            + std::to_string(images.data.dims[1]) + "x"
                                            + std::to_string(images.data.dims[2]) + ")");
  auto& values = labels.data.values;
  auto bad = std::find_if(values.begin(), values.end(),
                          [](uint8_t x) { return x >= num_classes; });
  if (bad != values.end())
    return make_error(errc::corrupt_data,
                      labels.path.string() + ": label " + std::to_string(*bad)
                        + " at index " + std::to_string(bad - values.begin())
                        + " is outside 0..9");
  return status::ok();
}

} // namespace

expected<dataset> load_mnist(const fs::path& dir, mnist_split split,
                             checksum_policy policy) {
  bool train = split == mnist_split::train;
  auto images_stem = train ? "train-images-idx3-ubyte" : "t10k-images-idx3-ubyte";
  auto labels_stem = train ? "train-labels-idx1-ubyte" : "t10k-labels-idx1-ubyte";
  std::optional<digest_map> sums;
  if (policy != checksum_policy::skip) {
    auto parsed = read_sums(dir);
    if (!parsed)
      return parsed.error();
    sums = std::move(*parsed);
  }
  auto images = load_file(dir, images_stem, idx_kind::images, policy, sums);
  if (!images)
    return images.error();
  auto labels = load_file(dir, labels_stem, idx_kind::labels, policy, sums);
  if (!labels)
    return labels.error();
  if (auto st = check_pair(*images, *labels); !st)
    return st.error();
  dataset result;
  result.rows = images->data.dims[1];
  result.cols = images->data.dims[2];
  result.labels = std::move(labels->data.values);
  // Division, not multiplication by 1/255: matches NumPy's `x / 255` (and so
  // Keras's preprocessing) bit for bit. A table makes it as cheap as a load.
  std::array<float, 256> scale;
  for (size_t i = 0; i < scale.size(); ++i)
    scale[i] = static_cast<float>(i) / 255.0f;
  auto& pixels = images->data.values;
  result.images.resize(pixels.size());
  std::transform(pixels.begin(), pixels.end(), result.images.begin(),
                 [&scale](uint8_t p) { return scale[p]; });
  return result;
}

} // namespace swarm::ml
