#pragma once

// A scripted SN behind the sn_client interface, a clock that only moves
// when someone sleeps, and a session wired to both.

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "swarm/swci/clock.hpp"
#include "swarm/swci/script.hpp"
#include "swarm/swci/session.hpp"
#include "swarm/swci/sn_client.hpp"

namespace swci_test {

using json = nlohmann::json;
using namespace swarm::swci;

/// One request the fake SN received.
struct seen_request {
  std::string host;
  std::string line;  // "GET /v1/tasks"
  json body;
};

/// Answers from a script: per "VERB path", a queue of replies whose last
/// one repeats; unknown requests get 404. An SN that is `down` answers
/// nothing, like a dead host.
struct fake_sn {
  std::map<std::string, std::deque<swarm::expected<api_reply>>> replies;
  std::vector<seen_request> requests;
  bool down = false;

  /// Queues `body` with `status` for `line`.
  void on(const std::string& line, json body, int status = 200) {
    replies[line].push_back(api_reply{status, std::move(body)});
  }

  swarm::expected<api_reply> answer(const endpoint& api, http_verb verb,
                                    const std::string& path, const json* body) {
    static const char* verbs[] = {"GET", "POST", "DELETE"};
    auto line = std::string{verbs[static_cast<int>(verb)]} + " " + path;
    requests.push_back({api.host, line, body != nullptr ? *body : json{}});
    if (down)
      return swarm::make_error(swarm::errc::io_error, "cannot reach SN at " + api.to_string()
                                                        + ": connection refused");
    auto i = replies.find(line);
    if (i == replies.end() || i->second.empty())
      return api_reply{404, {{"status", 404}, {"message", "no route for " + line}}};
    auto reply = i->second.front();
    if (i->second.size() > 1)
      i->second.pop_front();
    return reply;
  }

  /// Returns how many requests were `line`.
  size_t count(const std::string& line) const {
    size_t n = 0;
    for (const auto& r : requests)
      n += r.line == line ? 1 : 0;
    return n;
  }
};

/// The client a session gets: forwards to the shared fake SN.
class fake_client final : public sn_client {
public:
  fake_client(std::shared_ptr<fake_sn> sn, endpoint api) : sn_(std::move(sn)), api_(api) {
  }

  swarm::expected<api_reply> send(http_verb verb, const std::string& path,
                                  const json* body) override {
    return sn_->answer(api_, verb, path, body);
  }

private:
  std::shared_ptr<fake_sn> sn_;
  endpoint api_;
};

/// Time that passes only by sleeping.
struct fake_clock final : clock {
  time_point t{};
  std::vector<std::chrono::milliseconds> sleeps;

  time_point now() override {
    return t;
  }

  void sleep_for(std::chrono::milliseconds d) override {
    sleeps.push_back(d);
    t += d;
  }
};

/// A session against a fake SN, with its output captured.
struct harness {
  fake_clock time;
  std::shared_ptr<fake_sn> sn = std::make_shared<fake_sn>();
  std::vector<endpoint> dialled;
  std::ostringstream out;
  std::ostringstream err;
  session s;

  explicit harness(session_options options = {})
    : s(std::move(options), factory(), time, out) {
  }

  client_factory factory() {
    return [this](const endpoint& api) -> swarm::expected<std::shared_ptr<sn_client>> {
      dialled.push_back(api);
      return std::shared_ptr<sn_client>{std::make_shared<fake_client>(sn, api)};
    };
  }

  /// Runs `script` as the init script "swci-init".
  run_outcome run(const std::string& script) {
    std::istringstream in{script};
    return run_stream(s, in, "swci-init", err);
  }

  /// Creates and switches to a context for the fake SN.
  void connect() {
    auto o = run("CREATE CONTEXT c WITH IP 127.0.1.1\nSWITCH CONTEXT c\n");
    if (o.failures != 0)
      throw std::runtime_error(err.str());
    out.str("");
  }
};

} // namespace swci_test
