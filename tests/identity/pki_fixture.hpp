#pragma once

// Test helpers: temporary directories, files with chosen modes, and CAs and
// certificates with arbitrary validity (to make expired and not-yet-valid
// ones without waiting).

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

#include "swarm/identity/failure.hpp"
#include "swarm/identity/pki.hpp"

namespace fixture {

namespace fs = std::filesystem;
using swarm::identity::clock;
using swarm::identity::key_and_cert;

inline constexpr std::chrono::hours day{24};

/// A fresh directory under /tmp, removed on destruction.
struct temp_dir {
  fs::path path;

  temp_dir() {
    char tmpl[] = "/tmp/swarm-identity-XXXXXX";
    path = ::mkdtemp(tmpl);
  }

  ~temp_dir() {
    std::error_code ec;
    fs::permissions(path, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path, ec);
  }

  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
};

inline std::string read_text(const fs::path& path) {
  std::ifstream in{path, std::ios::binary};
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline void write_text(const fs::path& path, const std::string& text, unsigned mode = 0644) {
  fs::create_directories(path.parent_path());
  {
    std::ofstream out{path, std::ios::binary | std::ios::trunc};
    out << text;
  }
  ::chmod(path.c_str(), mode);
}

inline unsigned mode_of(const fs::path& path) {
  struct stat st {};
  ::stat(path.c_str(), &st);
  return st.st_mode & 07777;
}

/// Returns a spec valid from `now + from` to `now + until`.
inline swarm::identity::cert_spec spec(std::string cn, clock::duration from,
                                       clock::duration until,
                                       std::vector<std::string> sans = {}) {
  auto now = clock::now();
  swarm::identity::cert_spec result;
  result.common_name = std::move(cn);
  result.sans = std::move(sans);
  result.not_before = now + from;
  result.not_after = now + until;
  return result;
}

/// A CA valid from ten years ago to ten years ahead, so that leaves with
/// any dates in between can be issued under it.
inline key_and_cert make_ca(const std::string& cn = "CA-1") {
  auto ca = swarm::identity::make_ca(spec(cn, -3650 * day, 3650 * day, {"DNS:" + cn}));
  if (!ca)
    throw std::runtime_error(ca.error().to_string());
  return *ca;
}

/// A leaf issued by `ca`, valid from `now + from` to `now + until`.
inline key_and_cert make_leaf(const key_and_cert& ca, const std::string& cn,
                              clock::duration from = -day, clock::duration until = 30 * day,
                              std::vector<std::string> extra_sans = {}) {
  std::vector<std::string> sans{"DNS:" + cn};
  sans.insert(sans.end(), extra_sans.begin(), extra_sans.end());
  auto leaf = swarm::identity::issue_cert(spec(cn, from, until, std::move(sans)), ca);
  if (!leaf)
    throw std::runtime_error(leaf.error().to_string());
  return *leaf;
}

/// Returns the error of `x`, or "ok". Boost.Test evaluates messages even
/// when the assertion holds, so they must not touch `error()` blindly.
template <class T>
std::string why(const swarm::expected<T>& x) {
  return x ? std::string{"ok"} : x.error().to_string();
}

/// Returns the failure an error carries, or `internal` if none (so that a
/// BOOST_TEST comparison prints something useful).
inline swarm::identity::failure failure_in(const swarm::error& err) {
  return swarm::identity::failure_of(err).value_or(swarm::identity::failure::internal);
}

} // namespace fixture
