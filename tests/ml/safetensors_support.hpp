#pragma once

// What the safetensors tests share: byte helpers, a temporary directory,
// special float values, a small model, and a child process that saves a
// model under a file-size limit (to fail or crash mid-write).

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

namespace safetensors_test {

namespace fs = std::filesystem;
using namespace swarm;
using namespace swarm::ml;


/// Returns the error of an expected or status as text, or "" on success.
template <class T>
inline std::string describe(const T& x) {
  return x ? std::string{} : x.error().to_string();
}

inline std::string slurp(const fs::path& path) {
  std::ifstream in{path, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, {}};
}

inline std::string le64(uint64_t x) {
  std::string out;
  for (int i = 0; i < 8; ++i, x >>= 8)
    out.push_back(static_cast<char>(x & 0xff));
  return out;
}

inline std::string float_bytes(std::initializer_list<float> xs) {
  std::string out;
  for (auto x : xs) {
    char buf[4];
    std::memcpy(buf, &x, 4);
    out.append(buf, 4);
  }
  return out;
}

/// A safetensors file with the given JSON header (unpadded) and data bytes.
inline std::string file_with(const std::string& header, const std::string& data) {
  return le64(header.size()) + header + data;
}

inline std::span<const std::byte> as_span(const std::string& s) {
  return std::as_bytes(std::span{s.data(), s.size()});
}

inline uint32_t bits(float x) {
  return std::bit_cast<uint32_t>(x);
}

inline bool contains(const std::string& haystack, const std::string& needle) {
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
inline std::vector<float> special_values() {
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
inline int save_huge_model_in_limited_child(const fs::path& path, bool crash) {
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

} // namespace safetensors_test
