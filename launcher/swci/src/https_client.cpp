#include "swarm/swci/https_client.hpp"

#include <memory>

#include <httplib.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "reach.hpp"

namespace swarm::swci {

namespace {

using json = nlohmann::json;

// Index of the SSL_CTX slot where the verification callback records why an
// SN's certificate was rejected (0 if it was not).
int verify_slot() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

int record_verify_result(int ok, X509_STORE_CTX* store_ctx) {
  if (ok != 1) {
    auto* ssl = static_cast<SSL*>(
      X509_STORE_CTX_get_ex_data(store_ctx, SSL_get_ex_data_X509_STORE_CTX_idx()));
    auto* slot = static_cast<int*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), verify_slot()));
    if (slot != nullptr)
      *slot = X509_STORE_CTX_get_error(store_ctx);
  }
  return ok;
}

class https_client final : public sn_client {
public:
  https_client(const endpoint& api, std::shared_ptr<const identity::checked_identity> id,
               const https_options& options)
    : api_(api),
      id_(std::move(id)),
      options_(options),
      client_(api.host, api.port, id_->cert.native(), id_->key.native()) {
    configure();
  }

  expected<api_reply> send(http_verb verb, const std::string& path, const json* body) override {
    verify_error_ = 0;
    httplib::Result res{nullptr, httplib::Error::Unknown};
    auto text = body != nullptr ? body->dump() : std::string{};
    switch (verb) {
      case http_verb::get:
        res = client_.Get(path.c_str());
        break;
      case http_verb::post:
        res = client_.Post(path.c_str(), text, "application/json");
        break;
      case http_verb::del:
        res = client_.Delete(path.c_str());
        break;
    }
    ERR_clear_error();
    if (!res)
      return make_error(errc::io_error, describe(res.error()));
    api_reply reply;
    reply.status = res->status;
    reply.body = json::parse(res->body, nullptr, false);
    if (reply.body.is_discarded())
      reply.body = nullptr;
    return reply;
  }

private:
  // The SN must present a certificate chained to one of our CAs (and we
  // present ours): the trust store goes onto the SSL_CTX with
  // SSL_VERIFY_PEER, and httplib's own check stays off because it would
  // also demand that the certificate name the address we dialled.
  void configure() {
    auto* ctx = client_.ssl_context();
    auto* store = X509_STORE_new();
    for (const auto& ca : id_->trust.cas())
      X509_STORE_add_cert(store, ca.native());
    SSL_CTX_set_cert_store(ctx, store);
    for (const auto& cert : id_->intermediates)
      SSL_CTX_add1_chain_cert(ctx, cert.native());
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_ex_data(ctx, verify_slot(), &verify_error_);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, record_verify_result);
    client_.enable_server_certificate_verification(false);
    auto connect_us = std::chrono::duration_cast<std::chrono::microseconds>(
      options_.connect_timeout);
    client_.set_connection_timeout(connect_us.count() / 1'000'000, connect_us.count() % 1'000'000);
    client_.set_read_timeout(options_.io_timeout);
    client_.set_write_timeout(options_.io_timeout);
    client_.set_keep_alive(false);
  }

  std::string describe(httplib::Error err) const {
    auto where = "SN at " + api_.to_string();
    switch (err) {
      case httplib::Error::Connection:
      case httplib::Error::ConnectionTimeout: {
        auto why = detail::connect_failure(api_.host, api_.port, options_.connect_timeout);
        return "cannot reach " + where + ": " + (why.empty() ? "connection failed" : why);
      }
      case httplib::Error::SSLConnection:
      case httplib::Error::SSLServerVerification:
        if (verify_error_ != 0)
          return "refusing " + where + ": its certificate does not verify against the trusted "
                 "CAs (" + X509_verify_cert_error_string(verify_error_) + ")";
        return "TLS handshake with " + where
               + " failed (does the SN trust this SWCI's CA? is it an HTTPS port?)";
      case httplib::Error::Read:
        return "no answer from " + where + " (connection closed or timed out)";
      case httplib::Error::Write:
        return "cannot send to " + where + " (connection closed or timed out)";
      default:
        return "request to " + where + " failed: " + httplib::to_string(err);
    }
  }

  endpoint api_;
  std::shared_ptr<const identity::checked_identity> id_;
  https_options options_;
  int verify_error_ = 0;
  httplib::SSLClient client_;
};

} // namespace

expected<client_factory> make_https_factory(const https_options& options) {
  auto checked = identity::check_identity(options.identity, identity::clock::now());
  if (!checked)
    return checked.error();
  auto id = std::make_shared<const identity::checked_identity>(std::move(*checked));
  return client_factory{[id, options](const endpoint& api) -> expected<std::shared_ptr<sn_client>> {
    return std::shared_ptr<sn_client>{std::make_shared<https_client>(api, id, options)};
  }};
}

} // namespace swarm::swci
