#include "swarm/membership/state_taskrunner_record.hpp"

#include <array>
#include <set>
#include <utility>

#include "record_fields.hpp"
#include "swarm/membership/state_task_record.hpp"

namespace swarm::membership {

namespace {

/// Most targets one assignment names.
constexpr size_t max_targets = 1024;

/// Longest peer message.
constexpr size_t max_message_bytes = 1024;

/// Smallest encoded target: a 1-byte uuid text with its length.
constexpr size_t min_target_bytes = 2;

constexpr std::array peer_state_names{
  std::pair{peer_state::enrolled, std::string_view{"ENROLLED"}},
  std::pair{peer_state::running, std::string_view{"RUNNING"}},
  std::pair{peer_state::complete, std::string_view{"COMPLETE"}},
  std::pair{peer_state::failed, std::string_view{"FAILED"}},
};

std::string where(const taskrunner_record& x) {
  return "taskrunner '" + detail::shown(x.name) + "'";
}

std::string where(const taskrunner_peer_record& x) {
  return "taskrunner '" + detail::shown(x.taskrunner) + "' peer '"
         + detail::shown(x.swop_uuid) + "'";
}

// A SWOP uuid: non-empty, no '/' (it is part of a key), within the limit.
status check_uuid_text(std::string_view w, std::string_view what, std::string_view uuid) {
  if (uuid.empty())
    return make_error(errc::invalid_argument, std::string{w} + ": " + std::string{what}
                                                + " is empty");
  if (uuid.find('/') != std::string_view::npos)
    return make_error(errc::invalid_argument, std::string{w} + ": " + std::string{what}
                                                + " contains '/'");
  return detail::check_text(w, what, uuid, task_max_text_bytes);
}

} // namespace

std::string_view to_string(peer_state x) noexcept {
  for (const auto& [value, name] : peer_state_names)
    if (value == x)
      return name;
  return "UNKNOWN";
}

status taskrunner_record::check() const {
  if (auto st = detail::check_name("taskrunner", name); !st)
    return st;
  auto w = where(*this);
  if (!task.empty())
    if (auto st = detail::check_name("task", task); !st)
      return make_error(st.error().code, w + ": " + st.error().message);
  if (auto st = detail::check_text(w, "task type", task_type, task_max_text_bytes); !st)
    return st;
  if (targets.size() > max_targets)
    return make_error(errc::invalid_argument,
                      w + ": " + std::to_string(targets.size())
                        + " targets, the limit is " + std::to_string(max_targets));
  std::set<std::string_view> seen;
  for (const auto& t : targets) {
    if (auto st = check_uuid_text(w, "target", t); !st)
      return st;
    if (!seen.insert(t).second)
      return make_error(errc::invalid_argument,
                        w + ": target '" + detail::shown(t) + "' appears twice");
  }
  return status::ok();
}

void taskrunner_record::encode(byte_writer& out) const {
  out.u8(format_version);
  out.string(name);
  out.string(task);
  out.string(task_type);
  out.varint(run_id);
  out.varint(peers_wanted);
  out.u8(all_peers ? 1 : 0);
  out.varint(targets.size());
  for (const auto& t : targets)
    out.string(t);
  out.varint(assigned_ms);
  out.varint(created_ms);
  out.varint(targeted_ms);
}

expected<taskrunner_record> taskrunner_record::decode(std::span<const std::byte> bytes) {
  byte_reader in{bytes};
  taskrunner_record x;
  auto version = detail::read_version(in);
  x.name = in.string("name", task_max_text_bytes);
  x.task = in.string("task", task_max_text_bytes);
  x.task_type = in.string("task type", task_max_text_bytes);
  x.run_id = in.varint();
  x.peers_wanted = detail::read_u32(in, "peers_wanted");
  x.all_peers = detail::read_bool(in, "all_peers");
  auto n = in.count("target", min_target_bytes);
  if (in.ok() && n > max_targets)
    in.fail(std::to_string(n) + " targets, the limit is " + std::to_string(max_targets));
  if (in.ok())
    x.targets.reserve(n);
  for (size_t i = 0; i < n && in.ok(); ++i)
    x.targets.push_back(in.string("target", task_max_text_bytes));
  x.assigned_ms = in.varint();
  x.created_ms = in.varint();
  x.targeted_ms = in.varint();
  auto st = detail::finish_decode(in, version, format_version,
                                  in.ok() ? x.check() : status::ok(), "taskrunner record");
  if (!st)
    return st.error();
  return x;
}

status taskrunner_peer_record::check() const {
  if (auto st = detail::check_name("taskrunner", taskrunner); !st)
    return st;
  auto w = where(*this);
  if (auto st = check_uuid_text(w, "SWOP uuid", swop_uuid); !st)
    return st;
  if (auto st = detail::check_text(w, "SWOP name", swop_name, task_max_text_bytes); !st)
    return st;
  if (auto st = detail::check_text(w, "host", host, task_max_text_bytes); !st)
    return st;
  if (message.size() > max_message_bytes)
    return make_error(errc::invalid_argument,
                      w + ": message has " + std::to_string(message.size())
                        + " bytes, the limit is " + std::to_string(max_message_bytes));
  if (nodes_done > nodes)
    return make_error(errc::invalid_argument,
                      w + ": " + std::to_string(nodes_done) + " nodes done of "
                        + std::to_string(nodes));
  return status::ok();
}

void taskrunner_peer_record::encode(byte_writer& out) const {
  out.u8(format_version);
  out.string(taskrunner);
  out.string(swop_uuid);
  out.string(swop_name);
  out.string(host);
  out.varint(run_id);
  out.u8(static_cast<uint8_t>(state));
  out.string(message);
  out.varint(nodes);
  out.varint(nodes_done);
  out.varint(enrolled_ms);
  out.varint(started_ms);
  out.varint(ended_ms);
}

expected<taskrunner_peer_record>
taskrunner_peer_record::decode(std::span<const std::byte> bytes) {
  byte_reader in{bytes};
  taskrunner_peer_record x;
  auto version = detail::read_version(in);
  x.taskrunner = in.string("taskrunner", task_max_text_bytes);
  x.swop_uuid = in.string("SWOP uuid", task_max_text_bytes);
  x.swop_name = in.string("SWOP name", task_max_text_bytes);
  x.host = in.string("host", task_max_text_bytes);
  x.run_id = in.varint();
  auto state = in.u8();
  if (in.ok() && state >= peer_state_names.size())
    in.fail("unknown peer state " + std::to_string(state));
  x.state = static_cast<peer_state>(state);
  x.message = in.string("message", max_message_bytes);
  x.nodes = detail::read_u32(in, "nodes");
  x.nodes_done = detail::read_u32(in, "nodes_done");
  x.enrolled_ms = in.varint();
  x.started_ms = in.varint();
  x.ended_ms = in.varint();
  auto st = detail::finish_decode(in, version, format_version,
                                  in.ok() ? x.check() : status::ok(),
                                  "taskrunner peer record");
  if (!st)
    return st.error();
  return x;
}

} // namespace swarm::membership
