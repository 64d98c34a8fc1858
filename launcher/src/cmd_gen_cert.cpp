#include "cmd_gen_cert.hpp"

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "swarm/identity/gen_cert.hpp"
#include "swarm/identity/pki.hpp"

namespace swarm::launcher {

namespace {

struct gen_cert_args {
  std::string example;
  int host_index = 0;
  std::string dir = "workspace";
  int days = identity::default_validity_days;
  bool force = false;
  std::vector<std::string> sans;
  std::string host_name;
};

// CLI11's PositiveNumber would print its range as a 300-digit double.
std::string check_positive_integer(std::string& text) {
  bool digits = !text.empty() && text.size() < 10
                && text.find_first_not_of("0123456789") == std::string::npos;
  if (digits && std::stol(text) > 0)
    return {};
  return "must be a positive integer, not \"" + text + "\"";
}

// The example becomes a directory under the workspace: one component only.
std::string check_example(std::string& text) {
  if (text.empty() || text == "." || text == ".." || text.find('/') != std::string::npos)
    return "must be a single directory name, not \"" + text + "\"";
  return {};
}

// Bad SANs are usage errors (exit 2), caught before anything is generated.
std::string check_san(std::string& text) {
  auto san = identity::normalize_san(text);
  return san ? std::string{} : san.error().message;
}

std::string check_host_name(std::string& text) {
  auto san = identity::normalize_san("DNS:" + text);
  return san ? std::string{} : san.error().message;
}

void print_tree(const identity::cert_tree& tree, const gen_cert_args& args) {
  std::cout << "Wrote certificates of host " << args.host_index << " (valid " << args.days
            << " days) to " << tree.dir.string() << "\n  trust store (--capath): "
            << tree.capath.string() << "\n  CA key (keep it off the network): "
            << tree.ca_key.string() << '\n';
  for (auto comp : identity::gen_cert_components)
    std::cout << "  " << comp << ": --key " << tree.key(comp).string() << " --cert "
              << tree.cert(comp).string() << '\n';
  std::cout << "Copy " << tree.ca_cert.string()
            << " into the capath of every other host (the launcher does this for you).\n";
}

void run_gen_cert(const gen_cert_args& args) {
  identity::gen_cert_options opts;
  opts.root = args.dir;
  opts.example = args.example;
  opts.host_index = args.host_index;
  opts.days = args.days;
  opts.force = args.force;
  opts.extra_sans = args.sans;
  if (!args.host_name.empty())
    opts.extra_sans.push_back("DNS:" + args.host_name);
  auto tree = identity::gen_cert(opts);
  if (!tree) {
    std::cerr << "swarm gen-cert: " << tree.error().message << '\n';
    throw CLI::RuntimeError(1);
  }
  print_tree(*tree, args);
}

} // namespace

void add_gen_cert_command(CLI::App& app) {
  auto args = std::make_shared<gen_cert_args>();
  auto* cmd = app.add_subcommand("gen-cert",
                                 "Generate a CA and the sn/sl/swop/swci keys and "
                                 "certificates of one host (HPE's gen-cert tree)");
  cmd->add_option("-e,--example", args->example, "Example name, e.g. mnist")
    ->required()
    ->check(CLI::Validator{check_example, "NAME"});
  cmd->add_option("-i,--host-index", args->host_index, "Host index I (names CA-I, SN-I, ...)")
    ->required()
    ->check(CLI::Validator{check_positive_integer, "POSITIVE"});
  cmd->add_option("--dir", args->dir, "Workspace root; writes <dir>/<example>/cert/")
    ->capture_default_str();
  cmd->add_option("--days", args->days, "Validity in days")
    ->capture_default_str()
    ->check(CLI::Range(1, 36500));
  cmd->add_flag("--force", args->force, "Replace this host's existing keys");
  cmd->add_option("--san", args->sans,
                  "Extra subjectAltName for every component certificate, e.g. "
                  "IP:127.0.1.1 or DNS:host1.example (repeatable)")
    ->check(CLI::Validator{check_san, "DNS:NAME|IP:ADDR"});
  cmd->add_option("--host-name", args->host_name,
                  "This host's name, added as a DNS subjectAltName (same as --san DNS:NAME)")
    ->check(CLI::Validator{check_host_name, "NAME"});
  cmd->callback([args] { run_gen_cert(*args); });
}

} // namespace swarm::launcher
