#include "swarm/swop/child_process.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <map>
#include <set>
#include <thread>

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace swarm::swop {

namespace {

int decode_status(int raw) {
  if (WIFEXITED(raw))
    return WEXITSTATUS(raw);
  if (WIFSIGNALED(raw))
    return 128 + WTERMSIG(raw);
  return 1;
}

// Everything exec needs, built before fork: after fork in a threaded
// process only async-signal-safe calls are allowed (no malloc, no setenv).
struct exec_plan {
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::vector<char*> argv;
  std::vector<char*> envp;
  bool search_path = false;

  void seal() {
    for (auto& x : args)
      argv.push_back(x.data());
    argv.push_back(nullptr);
    for (auto& x : env)
      envp.push_back(x.data());
    envp.push_back(nullptr);
  }
};

// Whether `command` runs one program: no list, pipe, group, subshell or
// substitution, and its first word is neither an assignment nor one of the
// shell's own commands. Such a line is run with `exec`, so the program
// replaces the shell rather than run as its child (dash forks for `sh -c`):
// then it is the process that gets the death signal and is reaped.
bool one_program(const std::string& command) {
  if (command.find_first_of(";&|(){}`\n") != std::string::npos)
    return false;
  auto begin = command.find_first_not_of(" \t");
  if (begin == std::string::npos)
    return false;
  auto word = command.substr(begin, command.find_first_of(" \t", begin) - begin);
  static const std::set<std::string> shell_words{
    "!", ".", ":", "case", "cd", "eval", "exec", "exit", "export", "for", "if", "read", "readonly",
    "return", "set", "shift", "source", "trap", "ulimit", "umask", "unset", "until", "wait",
    "while"};
  return word.find('=') == std::string::npos && !shell_words.contains(word);
}

exec_plan plan_of(const spawn_options& opts) {
  exec_plan plan;
  if (opts.argv.empty()) {
    plan.args = {"/bin/sh", "-c",
                 one_program(opts.command) ? "exec " + opts.command : opts.command};
  } else {
    plan.args = opts.argv;
    plan.search_path = opts.argv.front().find('/') == std::string::npos;
  }
  // Keep the parent's order, replace overridden values, append new names.
  std::map<std::string, size_t> index;
  for (char** e = environ; e && *e; ++e) {
    std::string entry{*e};
    auto eq = entry.find('=');
    index[entry.substr(0, eq)] = plan.env.size();
    plan.env.push_back(std::move(entry));
  }
  for (const auto& [key, value] : opts.env) {
    auto entry = key + "=" + value;
    if (auto i = index.find(key); i != index.end())
      plan.env[i->second] = std::move(entry);
    else {
      index[key] = plan.env.size();
      plan.env.push_back(std::move(entry));
    }
  }
  if (plan.search_path) {
    // execvpe would search the parent's PATH; the child's may differ.
    std::string path = "/usr/local/bin:/usr/bin:/bin";
    if (auto i = index.find("PATH"); i != index.end())
      path = plan.env[i->second].substr(5);
    size_t begin = 0;
    while (begin <= path.size()) {
      auto end = path.find(':', begin);
      auto dir = path.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
      auto candidate = (dir.empty() ? std::string{"."} : dir) + "/" + plan.args.front();
      if (access(candidate.c_str(), X_OK) == 0) {
        plan.args.front() = candidate;
        break;
      }
      if (end == std::string::npos)
        break;
      begin = end + 1;
    }
  }
  plan.seal();
  return plan;
}

[[noreturn]] void exec_child(const exec_plan& plan, const spawn_options& opts, int log_fd,
                             pid_t parent) {
  // Only async-signal-safe calls from here on: write, dup2, chdir, _exit.
  setpgid(0, 0);
  if (opts.death_signal != 0) {
    prctl(PR_SET_PDEATHSIG, opts.death_signal);
    // The parent may have died before prctl: then nobody would signal us.
    if (getppid() != parent)
      _exit(128 + opts.death_signal);
  }
  sigset_t all;
  sigfillset(&all);
  sigprocmask(SIG_UNBLOCK, &all, nullptr);
  if (log_fd >= 0) {
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
  }
  if (!opts.workdir.empty() && chdir(opts.workdir.c_str()) != 0) {
    const char msg[] = "swarm: cannot enter the working directory\n";
    (void) !write(STDERR_FILENO, msg, sizeof(msg) - 1);
    _exit(127);
  }
  execve(plan.argv[0], plan.argv.data(), plan.envp.data());
  const char msg[] = "swarm: cannot execute ";
  (void) !write(STDERR_FILENO, msg, sizeof(msg) - 1);
  (void) !write(STDERR_FILENO, plan.argv[0], std::strlen(plan.argv[0]));
  (void) !write(STDERR_FILENO, ": ", 2);
  const char* why = std::strerror(errno);
  (void) !write(STDERR_FILENO, why, std::strlen(why));
  (void) !write(STDERR_FILENO, "\n", 1);
  _exit(127);
}

} // namespace

expected<child_process> child_process::start(const spawn_options& opts) {
  if (opts.argv.empty() && opts.command.empty())
    return make_error(errc::invalid_argument, "nothing to run: empty command");
  if (!opts.workdir.empty() && !std::filesystem::is_directory(opts.workdir))
    return make_error(errc::invalid_argument,
                      "working directory " + opts.workdir.string() + " does not exist");
  int log_fd = -1;
  if (!opts.log_file.empty()) {
    log_fd = open(opts.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd < 0)
      return make_error(errc::io_error, "cannot open " + opts.log_file.string() + ": "
                                          + std::strerror(errno));
  }
  auto plan = plan_of(opts);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0)
    exec_child(plan, opts, log_fd, parent);
  int fork_errno = errno;
  if (log_fd >= 0)
    close(log_fd);
  if (pid < 0)
    return make_error(errc::io_error, std::string{"fork failed: "} + std::strerror(fork_errno));
  // Also here, so the group exists before stop() could signal it.
  setpgid(pid, pid);
  return child_process{pid};
}

expected<child_process> child_process::start(
  const std::string& command, const std::filesystem::path& workdir,
  const std::vector<std::pair<std::string, std::string>>& env) {
  spawn_options opts;
  opts.command = command;
  opts.workdir = workdir;
  opts.env = env;
  opts.death_signal = SIGTERM;
  return start(opts);
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
  // Look without reaping first: while the child is a zombie its pid (the
  // group id) cannot be reused, so killing the rest of its group is safe.
  siginfo_t info{};
  if (waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) != 0
      || info.si_pid != pid_)
    return status_;
  killpg(pid_, SIGKILL);
  int raw = 0;
  while (waitpid(pid_, &raw, 0) < 0 && errno == EINTR) {
  }
  status_ = decode_status(raw);
  return status_;
}

int child_process::stop(int grace_ms) {
  if (poll())
    return *status_;
  killpg(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds{grace_ms};
  while (std::chrono::steady_clock::now() < deadline) {
    if (poll())
      return *status_;
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  killpg(pid_, SIGKILL);
  int raw = 0;
  while (waitpid(pid_, &raw, 0) < 0 && errno == EINTR) {
  }
  status_ = decode_status(raw);
  return *status_;
}

} // namespace swarm::swop
