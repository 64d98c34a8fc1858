#include "document.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include "walk.hpp"

namespace swarm::config::detail {

namespace {

// Consumes parser events without building nodes; remembers where the last
// document began.
class document_counter : public YAML::EventHandler {
public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    start = mark;
  }
  void OnDocumentEnd() override {
    // nop
  }
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {
    // nop
  }
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {
    // nop
  }
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {
    // nop
  }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    // nop
  }
  void OnSequenceEnd() override {
    // nop
  }
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    // nop
  }
  void OnMapEnd() override {
    // nop
  }

  YAML::Mark start;
};

// Returns where a second document starts, if there is one. We cannot use
// YAML::LoadAll: on a stray ',' at document level it yields empty documents
// forever without consuming input, until memory runs out. Asking the parser
// for at most two documents cannot loop.
std::optional<YAML::Mark> second_document(std::string_view text) {
  std::istringstream in{std::string{text}};
  YAML::Parser parser{in};
  document_counter counter;
  if (!parser.HandleNextDocument(counter) || !parser.HandleNextDocument(counter))
    return std::nullopt;
  return counter.start;
}

// yaml-cpp reports problems as exceptions; this turns every kind into a
// diagnostic so no input escapes as an exception.
template <class F>
bool guarded(context& ctx, F&& parse) {
  try {
    parse();
    return true;
  } catch (const YAML::Exception& e) {
    // ParserException and DeepRecursion (nesting past yaml-cpp's guard)
    // both carry the position.
    ctx.report_syntax(e.mark, "YAML syntax error: " + e.msg);
  } catch (const std::exception& e) {
    ctx.report_syntax(YAML::Mark{}, std::string{"cannot parse YAML: "} + e.what());
  }
  return false;
}

} // namespace

std::optional<field> load_document(context& ctx, std::string_view text) {
  if (text.size() > max_document_bytes) {
    ctx.report_syntax(YAML::Mark{}, "document is " + std::to_string(text.size())
                                      + " bytes; the limit is "
                                      + std::to_string(max_document_bytes));
    return std::nullopt;
  }
  YAML::Node root;
  std::optional<YAML::Mark> second;
  if (!guarded(ctx, [&] { root = YAML::Load(std::string{text}); })
      || !guarded(ctx, [&] { second = second_document(text); }))
    return std::nullopt;
  if (second) {
    ctx.report(*second, std::string{},
               "expected a single YAML document, but more content starts here "
               "(a second document or a stray ',')");
    return std::nullopt;
  }
  if (root.IsNull()) {
    ctx.report(YAML::Mark{}, std::string{},
               "the document is empty; expected a mapping of keys");
    return std::nullopt;
  }
  field root_field{root, std::string{}, root.Mark()};
  if (!root.IsMap()) {
    ctx.report(root_field, "expected a mapping of keys at the top level, got "
                             + describe(root));
    return std::nullopt;
  }
  return root_field;
}

expected<std::string> read_document(const std::filesystem::path& path) {
  auto fail = [&](std::string what) {
    return make_error(errc::io_error, path.string() + ": " + what);
  };
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return fail("is a directory, expected a YAML file");
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return fail(std::string{"cannot open: "} + std::strerror(errno));
  // Read one byte past the limit to tell "exactly at" from "over".
  std::string text(max_document_bytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad())
    return fail("read error");
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > max_document_bytes)
    return fail("larger than " + std::to_string(max_document_bytes)
                + " bytes; refusing to parse");
  return text;
}

} // namespace swarm::config::detail
