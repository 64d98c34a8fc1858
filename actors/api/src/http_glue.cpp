#include "http_glue.hpp"

#include <exception>
#include <string>

#include <httplib.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace swarm::api::detail {

namespace {

/// Matches every path, newlines included (".*" would not), so that all
/// requests of a registered method reach the router.
const char* const any_path = "[\\s\\S]*";

std::string peer_common_name(const SSL* ssl) {
  if (ssl == nullptr)
    return {};
  X509* cert = SSL_get0_peer_certificate(ssl);
  if (cert == nullptr)
    return {};
  auto* name = X509_get_subject_name(cert);
  int index = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (index < 0)
    return {};
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index)));
  if (len < 0)
    return {};
  std::string result(reinterpret_cast<char*>(utf8), static_cast<size_t>(len));
  OPENSSL_free(utf8);
  return result;
}

/// Makes client-controlled text safe for a log line: control characters
/// escaped (no forged lines), length bounded.
std::string printable(std::string_view text, size_t max_len = 200) {
  std::string out;
  for (unsigned char c : text.substr(0, max_len)) {
    if (c < 0x20 || c == 0x7f) {
      static constexpr char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > max_len)
    out += "...";
  return out;
}

request to_request(const httplib::Request& in) {
  request req;
  req.method = in.method;
  req.path = in.path;
  req.query.insert(in.params.begin(), in.params.end());
  req.body = in.body;
  req.remote_addr = in.remote_addr;
  req.remote_port = static_cast<uint16_t>(in.remote_port);
  req.peer_name = peer_common_name(in.ssl);
  return req;
}

void write(const response& res, httplib::Response& out) {
  out.status = res.status;
  for (const auto& [key, value] : res.headers)
    out.set_header(key, value);
  if (!res.body.empty() || !res.content_type.empty())
    out.set_content(res.body, res.content_type);
}

std::string error_message(const httplib::Request& in, int status, const http_context& ctx) {
  switch (status) {
    case 400:
      return "malformed request";
    case 413:
      return "request body larger than " + std::to_string(ctx.max_body_bytes) + " bytes";
    case 414:
      return "request URI too long";
    default:
      return std::string(reason_phrase(status)) + " (" + printable(in.method, 16) + ")";
  }
}

/// Answers what never reached a handler. Responses of our handlers already
/// carry a body and are left alone (httplib calls this for every status
/// >= 400).
httplib::Server::HandlerResponse on_error(const httplib::Request& in, httplib::Response& out,
                                          const http_context& ctx) {
  if (!out.body.empty())
    return httplib::Server::HandlerResponse::Unhandled;
  response res;
  if (out.status == 404) {
    // A method httplib has no registration for (CONNECT, TRACE): the
    // router never calls a handler for those, but says 404 or 405.
    auto req = to_request(in);
    res = ctx.routes->dispatch(req);
  } else {
    res = response::error(out.status, error_message(in, out.status, ctx));
  }
  write(res, out);
  return httplib::Server::HandlerResponse::Handled;
}

void access_log(const httplib::Request& in, const httplib::Response& out,
                const http_context& ctx) {
  if (ctx.requests != nullptr)
    ctx.requests->with({std::to_string(out.status)}).inc();
  // Method, path, status and size only: no headers, query or body, which
  // may carry tokens in later routes.
  ctx.log->debug("{} {} {} {} bytes, client {}:{} ({})", printable(in.method, 16),
                 printable(in.path), out.status, out.body.size(), in.remote_addr,
                 in.remote_port, printable(peer_common_name(in.ssl), 64));
}

} // namespace

void install_handlers(httplib::Server& http, const http_context& ctx) {
  httplib::Server::Handler serve = [&ctx](const httplib::Request& in, httplib::Response& out) {
    auto req = to_request(in);
    write(ctx.routes->dispatch(req), out);
  };
  http.Get(any_path, serve);
  http.Post(any_path, serve);
  http.Put(any_path, serve);
  http.Patch(any_path, serve);
  http.Delete(any_path, serve);
  http.Options(any_path, serve);
  httplib::Server::HandlerWithResponse errors = [&ctx](const httplib::Request& in,
                                                         httplib::Response& out) {
    return on_error(in, out, ctx);
  };
  http.set_error_handler(std::move(errors));
  http.set_exception_handler(
    [&ctx](const httplib::Request& in, httplib::Response& out, std::exception_ptr) {
      ctx.log->warn("request {} {} failed with an exception", printable(in.method, 16),
                    printable(in.path));
      write(response::error(500, "internal error"), out);
    });
  http.set_logger([&ctx](const httplib::Request& in, const httplib::Response& out) {
    access_log(in, out, ctx);
  });
}

} // namespace swarm::api::detail
