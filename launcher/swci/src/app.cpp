#include "swarm/swci/app.hpp"

#include <charconv>
#include <cstdlib>
#include <iostream>

#include <unistd.h>

#include "swarm/swci/https_client.hpp"
#include "swarm/swci/line_reader.hpp"
#include "swarm/swci/script.hpp"

namespace swarm::swci {

namespace {

// Reads a whole number from environment variable `name` into `value`.
status read_env(const char* name, long long& value, bool& found) {
  found = false;
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0')
    return status::ok();
  std::string_view view{text};
  long long parsed = 0;
  auto [end, ec] = std::from_chars(view.data(), view.data() + view.size(), parsed);
  if (ec != std::errc{} || end != view.data() + view.size() || parsed < 0)
    return make_error(errc::invalid_argument,
                      std::string{name} + " must be a whole number, not '" + text + "'");
  value = parsed;
  found = true;
  return status::ok();
}

template <class Duration>
status env_duration(const char* name, Duration& target) {
  long long value = 0;
  bool found = false;
  if (auto st = read_env(name, value, found); !st)
    return st;
  if (found)
    target = Duration{value};
  return status::ok();
}

client_factory make_factory(const app_options& options, std::ostream& err, bool& failed) {
  failed = false;
  if (options.identity.key.empty() && options.identity.cert.empty())
    return [](const endpoint&) -> expected<std::shared_ptr<sn_client>> {
      return make_error(errc::invalid_argument,
                        "SWCI has no identity to reach an SN: start it with --key, --cert and "
                        "--capath (or --cacert)");
    };
  https_options https;
  https.identity = options.identity;
  auto factory = make_https_factory(https);
  if (!factory) {
    err << "swarm swci: " << factory.error().message << '\n';
    failed = true;
    return {};
  }
  return *factory;
}

int run_interactive(session& s, std::ostream& out, std::ostream& err) {
  line_reader reader{default_history_file()};
  size_t count = 0;
  auto next = [&]() {
    auto line = reader.read("SWCI:" + std::to_string(count++) + " > ");
    // Ctrl-D leaves the cursor after the prompt.
    if (!line)
      out << '\n';
    return line;
  };
  return run_lines(s, next, "<terminal>", err, true).exit_code;
}

} // namespace

status apply_environment(session_options& options) {
  for (auto st : {env_duration("SWCI_RUN_TASK_MAX_WAIT_TIME", options.run_task_max_wait),
                  env_duration("SWCI_GENERIC_TASK_MAX_WAIT_TIME", options.generic_task_max_wait),
                  env_duration("SWCI_WAIT_FOR_IP_INTERVAL_MS", options.wait_for_ip_interval),
                  env_duration("SWCI_TASKRUNNER_POLL_INTERVAL_MS",
                               options.taskrunner_poll_interval)})
    if (!st)
      return st;
  return status::ok();
}

int run_app(const app_options& options, std::istream& in, std::ostream& out, std::ostream& err) {
  session_options opts;
  opts.usr_dir = options.usr_dir;
  opts.start_dir = options.usr_dir.empty() ? std::filesystem::current_path() : options.usr_dir;
  if (auto st = apply_environment(opts); !st) {
    err << "swarm swci: " << st.error().message << '\n';
    return 1;
  }
  bool failed = false;
  auto factory = make_factory(options, err, failed);
  if (failed)
    return 1;
  system_clock time;
  session s{std::move(opts), std::move(factory), time, out};
  if (!options.sn_ip.empty()) {
    auto st = s.contexts().create({"default", {options.sn_ip, options.sn_api_port}, false, {}});
    if (st)
      st = s.contexts().switch_to("default");
  }
  if (!options.init_script_name.empty()) {
    auto base = options.usr_dir.empty() ? std::filesystem::current_path() : options.usr_dir;
    auto outcome = run_script_file(s, base / options.init_script_name, err);
    if (!outcome) {
      err << "swarm swci: " << outcome.error().message << '\n';
      return 1;
    }
    if (outcome->stopped)
      return outcome->exit_code;
  }
  if (&in == &std::cin && ::isatty(STDIN_FILENO) == 1)
    return run_interactive(s, out, err);
  return run_stream(s, in, "<stdin>", err).exit_code;
}

} // namespace swarm::swci
