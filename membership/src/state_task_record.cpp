#include "swarm/membership/state_task_record.hpp"

#include <algorithm>
#include <cstdio>

#include "record_fields.hpp"

namespace swarm::membership {

namespace {

// Smallest encoded body line: its length varint.
constexpr size_t min_line_bytes = 1;

std::string where(const task_record& x) {
  return "task '" + detail::shown(x.name) + "'";
}

// Renders `text` as a YAML double-quoted scalar, so any header text parses
// back as the same string (quotes, colons, '#' and leading spaces included).
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof(hex), "\\x%02x", u);
      out += hex;
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

} // namespace

bool is_valid_object_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > task_max_text_bytes)
    return false;
  return std::ranges::all_of(name, [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
           || c == '.' || c == '_' || c == '-';
  });
}

status task_record::check() const {
  if (auto st = detail::check_name("task", name); !st)
    return st;
  auto w = where(*this);
  for (auto [what, text] : {std::pair{"type", &type}, std::pair{"author", &author},
                            std::pair{"prereq", &prereq}, std::pair{"outcome", &outcome}})
    if (auto st = detail::check_text(w, what, *text, task_max_text_bytes); !st)
      return st;
  if (body.size() > task_max_body_lines)
    return make_error(errc::invalid_argument,
                      w + ": " + std::to_string(body.size())
                        + " body lines, the limit is " + std::to_string(task_max_body_lines));
  size_t total = 0;
  for (size_t i = 0; i < body.size(); ++i) {
    auto what = "body line " + std::to_string(i + 1);
    if (auto st = detail::check_text(w, what, body[i], task_max_line_bytes); !st)
      return st;
    total += body[i].size();
  }
  if (total > task_max_body_bytes)
    return make_error(errc::invalid_argument,
                      w + ": the body has " + std::to_string(total)
                        + " bytes, the limit is " + std::to_string(task_max_body_bytes));
  return status::ok();
}

void task_record::encode(byte_writer& out) const {
  out.u8(format_version);
  out.string(name);
  out.string(type);
  out.string(author);
  out.string(prereq);
  out.string(outcome);
  out.varint(body.size());
  for (const auto& line : body)
    out.string(line);
  out.u8(finalized ? 1 : 0);
  out.varint(created_ms);
}

expected<task_record> task_record::decode(std::span<const std::byte> bytes) {
  byte_reader in{bytes};
  task_record x;
  auto version = detail::read_version(in);
  x.name = in.string("name", task_max_text_bytes);
  x.type = in.string("type", task_max_text_bytes);
  x.author = in.string("author", task_max_text_bytes);
  x.prereq = in.string("prereq", task_max_text_bytes);
  x.outcome = in.string("outcome", task_max_text_bytes);
  auto n = in.count("body line", min_line_bytes);
  if (in.ok() && n > task_max_body_lines)
    in.fail(std::to_string(n) + " body lines, the limit is "
            + std::to_string(task_max_body_lines));
  if (in.ok())
    x.body.reserve(n);
  for (size_t i = 0; i < n && in.ok(); ++i)
    x.body.push_back(in.string("body line", task_max_line_bytes));
  x.finalized = detail::read_bool(in, "finalized");
  x.created_ms = in.varint();
  auto st = detail::finish_decode(in, version, format_version,
                                  in.ok() ? x.check() : status::ok(), "task record");
  if (!st)
    return st.error();
  return x;
}

std::string task_record::to_yaml() const {
  std::string out;
  out += "Name: " + quoted(name) + "\n";
  out += "TaskType: " + quoted(type) + "\n";
  out += "Author: " + quoted(author) + "\n";
  out += "Prereq: " + quoted(prereq) + "\n";
  out += "Outcome: " + quoted(outcome) + "\n";
  out += "Body:\n";
  for (const auto& line : body) {
    // Indenting blank lines would only add trailing spaces.
    if (!line.empty())
      out += "  " + line;
    out += "\n";
  }
  return out;
}

} // namespace swarm::membership
