#include "run_registry.hpp"

#include <cstdlib>
#include <fstream>
#include <span>
#include <sstream>

#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "swarm/common/atomic_file.hpp"

namespace swarm::launcher {

namespace fs = std::filesystem;

fs::path run_directory() {
  if (const char* dir = std::getenv("SWARM_RUN_DIR"); dir != nullptr && *dir != '\0')
    return dir;
  return fs::temp_directory_path() / ("swarm-run-" + std::to_string(::getuid()));
}

uint64_t process_start_ticks(pid_t pid) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/stat"};
  std::string text;
  if (!std::getline(in, text))
    return 0;
  // The command name (field 2) may hold spaces and parentheses: count the
  // fields after its last ')'. Start time is field 22, the 20th after it.
  auto close = text.rfind(')');
  if (close == std::string::npos)
    return 0;
  std::istringstream rest{text.substr(close + 1)};
  std::string field;
  rest >> field;
  // A zombie has exited; only its parent's wait is missing.
  if (field == "Z" || field == "X")
    return 0;
  for (int i = 4; i < 22 && rest >> field; ++i)
    ; // skip fields 4 (ppid) .. 21 (itrealvalue)
  uint64_t ticks = 0;
  rest >> ticks;
  return ticks;
}

namespace {

// The directory holds pid entries other users must not forge: 0700, ours.
status ensure_private_dir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  struct stat st{};
  if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return make_error(errc::io_error, "cannot create run directory " + dir.string());
  if (st.st_uid != ::getuid())
    return make_error(errc::io_error,
                      "run directory " + dir.string() + " belongs to another user");
  if ((st.st_mode & 0077) != 0 && ::chmod(dir.c_str(), 0700) != 0)
    return make_error(errc::io_error, "cannot make " + dir.string() + " private");
  return status::ok();
}

std::optional<run_entry> read_entry(const fs::path& file) {
  std::ifstream in{file};
  auto json = nlohmann::json::parse(in, nullptr, false);
  if (json.is_discarded() || !json.is_object())
    return std::nullopt;
  run_entry x;
  x.role = json.value("role", "");
  x.pid = json.value("pid", 0);
  x.start_ticks = json.value("start_ticks", uint64_t{0});
  x.host = json.value("host", "");
  x.file = file;
  if (x.role.empty() || x.pid <= 0)
    return std::nullopt;
  return x;
}

} // namespace

run_registration::run_registration(std::string role, std::string host) {
  auto dir = run_directory();
  if (auto st = ensure_private_dir(dir); !st) {
    spdlog::warn("swarm stop will not see this process: {}", st.error().message);
    return;
  }
  auto pid = ::getpid();
  nlohmann::json json{{"role", role},
                      {"pid", pid},
                      {"start_ticks", process_start_ticks(pid)},
                      {"host", host}};
  auto file = dir / (role + "-" + std::to_string(pid) + ".json");
  auto text = json.dump() + "\n";
  auto bytes = std::as_bytes(std::span{text.data(), text.size()});
  if (auto st = write_file_atomically(file, bytes, 0600); !st) {
    spdlog::warn("swarm stop will not see this process: {}", st.error().message);
    return;
  }
  file_ = file;
}

run_registration::~run_registration() {
  if (file_.empty())
    return;
  std::error_code ec;
  fs::remove(file_, ec);
}

std::vector<run_entry> list_runs(const fs::path& dir) {
  std::vector<run_entry> result;
  std::error_code ec;
  for (const auto& item : fs::directory_iterator{dir, ec}) {
    if (item.path().extension() != ".json")
      continue;
    auto entry = read_entry(item.path());
    if (entry && entry->start_ticks != 0
        && process_start_ticks(entry->pid) == entry->start_ticks) {
      result.push_back(std::move(*entry));
      continue;
    }
    fs::remove(item.path(), ec); // stale: the process is gone
  }
  return result;
}

} // namespace swarm::launcher
