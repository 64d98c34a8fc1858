#include "child_process.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

namespace swarm::launcher {

namespace {

int decode_status(int raw) {
  if (WIFEXITED(raw))
    return WEXITSTATUS(raw);
  if (WIFSIGNALED(raw))
    return 128 + WTERMSIG(raw);
  return 1;
}

[[noreturn]] void exec_child(const std::string& command, const std::filesystem::path& workdir,
                             const std::vector<std::pair<std::string, std::string>>& env) {
  sigset_t all;
  sigfillset(&all);
  sigprocmask(SIG_UNBLOCK, &all, nullptr);
  if (!workdir.empty() && chdir(workdir.c_str()) != 0) {
    // Only async-signal-safe calls after fork: write, _exit.
    const char msg[] = "swarm: cannot enter the ML working directory\n";
    (void) !write(STDERR_FILENO, msg, sizeof(msg) - 1);
    _exit(127);
  }
  for (const auto& [key, value] : env)
    setenv(key.c_str(), value.c_str(), 1);
  execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
  _exit(127);
}

} // namespace

expected<child_process> child_process::start(
  const std::string& command, const std::filesystem::path& workdir,
  const std::vector<std::pair<std::string, std::string>>& env) {
  if (!workdir.empty() && !std::filesystem::is_directory(workdir))
    return make_error(errc::invalid_argument,
                      "working directory " + workdir.string() + " does not exist");
  pid_t pid = fork();
  if (pid < 0)
    return make_error(errc::io_error, std::string{"fork failed: "} + std::strerror(errno));
  if (pid == 0)
    exec_child(command, workdir, env);
  return child_process{pid};
}

child_process::child_process(child_process&& other) noexcept
  : pid_(std::exchange(other.pid_, -1)), status_(other.status_) {
}

child_process& child_process::operator=(child_process&& other) noexcept {
  if (this != &other) {
    if (pid_ > 0 && !status_)
      stop(2'000);
    pid_ = std::exchange(other.pid_, -1);
    status_ = other.status_;
  }
  return *this;
}

child_process::~child_process() {
  if (pid_ > 0 && !status_)
    stop(2'000);
}

std::optional<int> child_process::poll() {
  if (status_ || pid_ <= 0)
    return status_;
  int raw = 0;
  pid_t r = waitpid(pid_, &raw, WNOHANG);
  if (r == pid_)
    status_ = decode_status(raw);
  return status_;
}

int child_process::stop(int grace_ms) {
  if (poll())
    return *status_;
  kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds{grace_ms};
  while (std::chrono::steady_clock::now() < deadline) {
    if (poll())
      return *status_;
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  kill(pid_, SIGKILL);
  int raw = 0;
  while (waitpid(pid_, &raw, 0) < 0 && errno == EINTR) {
  }
  status_ = decode_status(raw);
  return *status_;
}

expected<std::pair<std::string, std::string>> parse_env_assignment(const std::string& text) {
  auto eq = text.find('=');
  if (eq == 0 || eq == std::string::npos)
    return make_error(errc::invalid_argument,
                      "'" + text + "' is not KEY=VALUE (as in docker run -e)");
  return std::pair{text.substr(0, eq), text.substr(eq + 1)};
}

} // namespace swarm::launcher
