// BuildSteps as a process build: Dockerfile lines interpreted in a build
// directory (build_steps.hpp).

#include "swarm/swop/build_steps.hpp"

#include <chrono>
#include <csignal>
#include <fstream>
#include <thread>

namespace swarm::swop {

namespace fs = std::filesystem;

namespace {

// The name of the file a build records its environment in.
constexpr const char* env_file = "swarm-build.env";

// Splits on blanks; double quotes group (and are removed).
std::vector<std::string> words_of(const std::string& text) {
  std::vector<std::string> result;
  std::string word;
  bool quoted = false, any = false;
  for (char c : text) {
    if (c == '"') {
      quoted = !quoted;
      any = true;
    } else if (!quoted && (c == ' ' || c == '\t')) {
      if (any)
        result.push_back(std::move(word));
      word.clear();
      any = false;
    } else {
      word += c;
      any = true;
    }
  }
  if (any)
    result.push_back(std::move(word));
  return result;
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos)
    return {};
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

error line_error(const build_step& s, const std::string& what) {
  return make_error(errc::invalid_config,
                    "BuildSteps line " + std::to_string(s.line) + " (" + s.text + "): " + what);
}

status parse_env(build_step& s) {
  auto words = words_of(s.argument);
  if (words.empty())
    return line_error(s, "ENV needs k=v or k v");
  if (words.front().find('=') == std::string::npos) {
    // Legacy form: the rest of the line is the value.
    auto name = words.front();
    auto rest = trim(s.argument.substr(s.argument.find(name) + name.size()));
    if (rest.size() >= 2 && rest.front() == '"' && rest.back() == '"')
      rest = rest.substr(1, rest.size() - 2);
    s.vars.emplace_back(name, rest);
    return {};
  }
  for (const auto& w : words) {
    auto eq = w.find('=');
    if (eq == 0 || eq == std::string::npos)
      return line_error(s, "expected k=v, got '" + w + "'");
    s.vars.emplace_back(w.substr(0, eq), w.substr(eq + 1));
  }
  return {};
}

} // namespace

expected<std::vector<build_step>> parse_build_steps(const std::vector<std::string>& lines) {
  std::vector<build_step> result;
  for (size_t i = 0; i < lines.size(); ++i) {
    build_step s;
    s.line = i + 1;
    s.text = trim(lines[i]);
    if (s.text.empty() || s.text.front() == '#')
      continue;
    auto space = s.text.find_first_of(" \t");
    auto keyword = s.text.substr(0, space);
    s.argument = space == std::string::npos ? std::string{} : trim(s.text.substr(space));
    if (keyword == "FROM") {
      s.kind = step_kind::from;
    } else if (keyword == "RUN") {
      s.kind = step_kind::run;
      if (s.argument.empty())
        return line_error(s, "RUN needs a command");
    } else if (keyword == "ENV") {
      s.kind = step_kind::env;
      if (auto st = parse_env(s); !st)
        return st.error();
    } else if (keyword == "COPY" || keyword == "ADD") {
      s.kind = step_kind::copy;
      for (auto& w : words_of(s.argument))
        if (w.rfind("--", 0) != 0) // --chown and friends mean nothing here
          s.words.push_back(std::move(w));
      if (s.words.size() < 2)
        return line_error(s, keyword + " needs a source and a destination");
    } else if (keyword == "WORKDIR") {
      s.kind = step_kind::workdir;
      if (s.argument.empty())
        return line_error(s, "WORKDIR needs a directory");
    } else if (keyword == "LABEL" || keyword == "USER" || keyword == "CMD"
               || keyword == "ENTRYPOINT" || keyword == "EXPOSE" || keyword == "ARG"
               || keyword == "VOLUME" || keyword == "SHELL" || keyword == "MAINTAINER"
               || keyword == "HEALTHCHECK" || keyword == "STOPSIGNAL" || keyword == "ONBUILD") {
      s.kind = step_kind::ignored;
    } else {
      s.kind = step_kind::run;
      s.argument = s.text;
    }
    result.push_back(std::move(s));
  }
  return result;
}

std::optional<int> wait_child(child_process& child, std::stop_token stop, int grace_ms) {
  for (;;) {
    if (auto code = child.poll())
      return code;
    if (stop.stop_requested()) {
      child.stop(grace_ms);
      return std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
}

namespace {

fs::path in_build(const build_dirs& dirs, const fs::path& cwd, const std::string& path) {
  fs::path p{path};
  return (p.is_absolute() ? dirs.build_dir / p.relative_path() : cwd / p).lexically_normal();
}

status copy_step(const build_step& s, const build_dirs& dirs, const fs::path& cwd) {
  auto dst = in_build(dirs, cwd, s.words.back());
  bool into = s.words.size() > 2 || s.words.back().ends_with('/') || fs::is_directory(dst);
  std::error_code ec;
  fs::create_directories(into ? dst : dst.parent_path(), ec);
  for (size_t i = 0; i + 1 < s.words.size(); ++i) {
    auto src = (dirs.context_dir / s.words[i]).lexically_normal();
    if (!fs::exists(src))
      return line_error(s, "source " + src.string() + " does not exist");
    auto to = into && !fs::is_directory(src) ? dst / src.filename() : dst;
    fs::copy(src, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing, ec);
    if (ec)
      return line_error(s, "cannot copy " + src.string() + " to " + to.string() + ": "
                             + ec.message());
  }
  return {};
}

status save_env(const env_vars& vars, const build_dirs& dirs) {
  std::ofstream out{dirs.build_dir / env_file, std::ios::trunc};
  for (const auto& [k, v] : vars)
    out << k << '=' << v << '\n';
  out.close();
  if (!out)
    return make_error(errc::io_error, "cannot write " + (dirs.build_dir / env_file).string());
  return {};
}

} // namespace

// The directory of the running `swarm` binary.
static fs::path swarm_bin_dir() {
  std::error_code ec;
  auto exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path{} : exe.parent_path();
}

status run_build_steps(const std::vector<build_step>& steps, const build_dirs& dirs,
                       std::stop_token stop) {
  std::error_code ec;
  fs::create_directories(dirs.build_dir / "bin", ec);
  if (ec)
    return make_error(errc::io_error, "cannot create " + dirs.build_dir.string() + ": "
                                        + ec.message());
  // A previous build's record must not survive a failed rebuild.
  fs::remove(dirs.build_dir / env_file, ec);
  env_vars recorded;
  auto cwd = dirs.build_dir;
  for (const auto& s : steps) {
    if (stop.stop_requested())
      return make_error(errc::invalid_argument, "build stopped");
    switch (s.kind) {
      case step_kind::from:
      case step_kind::ignored:
        break;
      case step_kind::env:
        for (const auto& [k, v] : s.vars)
          set_var(recorded, k, v);
        break;
      case step_kind::workdir:
        cwd = in_build(dirs, cwd, s.argument);
        fs::create_directories(cwd, ec);
        if (ec)
          return line_error(s, "cannot create " + cwd.string() + ": " + ec.message());
        break;
      case step_kind::copy:
        if (auto st = copy_step(s, dirs, cwd); !st)
          return st;
        break;
      case step_kind::run: {
        spawn_options opts;
        opts.command = s.argument;
        opts.workdir = cwd;
        opts.env = recorded;
        // Build steps may install programs built with Swarm itself (the
        // MNIST walkthrough links mnist-ml): say where this swarm lives.
        opts.env.emplace_back("SWARM_BIN", swarm_bin_dir().string());
        auto path = process_env()("PATH");
        opts.env.emplace_back("PATH", (dirs.build_dir / "bin").string()
                                        + (path ? ":" + *path : std::string{}));
        opts.log_file = dirs.log_file;
        opts.death_signal = SIGTERM;
        auto child = child_process::start(opts);
        if (!child)
          return line_error(s, child.error().message);
        auto code = wait_child(*child, stop, 5'000);
        if (!code)
          return make_error(errc::invalid_argument, "build stopped");
        if (*code != 0)
          return line_error(s, "failed with exit status " + std::to_string(*code)
                                 + (*code == 127 ? " (command not found)" : ""));
        break;
      }
    }
  }
  return save_env(recorded, dirs);
}

expected<build_env> load_build_env(const fs::path& build_dir) {
  std::ifstream in{build_dir / env_file};
  if (!in)
    return make_error(errc::io_error, "no completed build in " + build_dir.string());
  build_env result;
  std::string line;
  while (std::getline(in, line)) {
    auto eq = line.find('=');
    if (eq != std::string::npos && eq > 0)
      set_var(result.vars, line.substr(0, eq), line.substr(eq + 1));
  }
  result.bin_dir = build_dir / "bin";
  return result;
}

} // namespace swarm::swop
