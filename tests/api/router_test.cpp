#define BOOST_TEST_MODULE api router
#include <boost/test/unit_test.hpp>

#include <stdexcept>

#include "swarm/api/router.hpp"

using namespace swarm::api;

namespace {

request make(std::string method, std::string path) {
  request req;
  req.method = std::move(method);
  req.path = std::move(path);
  return req;
}

std::string header(const response& res, const std::string& name) {
  for (const auto& [key, value] : res.headers)
    if (key == name)
      return value;
  return {};
}

handler says(std::string text) {
  return [text](const request&) { return response::text(text, "text/plain"); };
}

} // namespace

BOOST_AUTO_TEST_CASE(a_registered_route_answers_its_method_and_path) {
  router r;
  BOOST_REQUIRE(r.get("/v1/health", says("healthy")));
  auto req = make("GET", "/v1/health");
  auto res = r.dispatch(req);
  BOOST_TEST(res.status == 200);
  BOOST_TEST(res.body == "healthy");
  BOOST_TEST(res.content_type == "text/plain");
}

BOOST_AUTO_TEST_CASE(get_routes_also_answer_head) {
  router r;
  BOOST_REQUIRE(r.get("/metrics", says("m")));
  auto req = make("HEAD", "/metrics");
  BOOST_TEST(r.dispatch(req).status == 200);
}

BOOST_AUTO_TEST_CASE(an_unknown_path_gets_a_json_404) {
  router r;
  BOOST_REQUIRE(r.get("/v1/health", says("x")));
  for (const char* path : {"/v1/nope", "/v1/health/", "/", "/v1", "/v1/health/x"}) {
    auto req = make("GET", path);
    auto res = r.dispatch(req);
    BOOST_TEST(res.status == 404, path);
    BOOST_TEST(res.content_type == "application/json");
    auto body = nlohmann::json::parse(res.body);
    BOOST_TEST(body["status"] == 404);
    BOOST_TEST(body["error"] == "Not Found");
    BOOST_TEST(body["message"].get<std::string>().find(path) != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(another_method_on_a_known_path_gets_405_with_an_allow_header) {
  router r;
  BOOST_REQUIRE(r.get("/v1/nodes", says("x")));
  for (const char* method : {"POST", "PUT", "PATCH", "DELETE", "CONNECT", "TRACE", "BREW"}) {
    auto req = make(method, "/v1/nodes");
    auto res = r.dispatch(req);
    BOOST_TEST(res.status == 405, method);
    BOOST_TEST(header(res, "Allow") == "GET, HEAD, OPTIONS");
    BOOST_TEST(nlohmann::json::parse(res.body)["error"] == "Method Not Allowed");
  }
}

BOOST_AUTO_TEST_CASE(options_on_a_known_path_lists_the_allowed_methods) {
  router r;
  BOOST_REQUIRE(r.get("/v1/tasks", says("list")));
  BOOST_REQUIRE(r.add(http_method::post, "/v1/tasks", says("create")));
  auto req = make("OPTIONS", "/v1/tasks");
  auto res = r.dispatch(req);
  BOOST_TEST(res.status == 204);
  BOOST_TEST(res.body.empty());
  BOOST_TEST(header(res, "Allow") == "GET, HEAD, POST, OPTIONS");
}

BOOST_AUTO_TEST_CASE(parameter_segments_capture_one_segment_each) {
  router r;
  BOOST_REQUIRE(r.get("/v1/contracts/{name}/rounds/{round}", [](const request& req) {
    return response::text(std::string(req.param("name")) + "#" + std::string(req.param("round")),
                          "text/plain");
  }));
  auto req = make("GET", "/v1/contracts/mnist/rounds/7");
  BOOST_TEST(r.dispatch(req).body == "mnist#7");
  auto empty = make("GET", "/v1/contracts//rounds/7");
  BOOST_TEST(r.dispatch(empty).status == 404);
}

BOOST_AUTO_TEST_CASE(literal_segments_win_over_parameters) {
  router r;
  BOOST_REQUIRE(r.get("/v1/tasks/{name}", says("by name")));
  BOOST_REQUIRE(r.get("/v1/tasks/summary", says("summary")));
  auto a = make("GET", "/v1/tasks/summary");
  auto b = make("GET", "/v1/tasks/mnist");
  BOOST_TEST(r.dispatch(a).body == "summary");
  BOOST_TEST(r.dispatch(b).body == "by name");
}

BOOST_AUTO_TEST_CASE(malformed_and_duplicate_patterns_are_refused) {
  router r;
  BOOST_TEST(!r.get("v1/health", says("x")));
  BOOST_TEST(!r.get("/v1//health", says("x")));
  BOOST_TEST(!r.get("/v1/{}", says("x")));
  BOOST_TEST(!r.get("/v1/{a-b}", says("x")));
  BOOST_TEST(!r.get("/v1/x{a}", says("x")));
  BOOST_TEST(!r.get("/v1/x", handler{}));
  BOOST_REQUIRE(r.get("/v1/tasks/{name}", says("x")));
  BOOST_TEST(!r.get("/v1/tasks/{other}", says("x")), "same shape, different parameter name");
  BOOST_TEST(static_cast<bool>(r.add(http_method::del, "/v1/tasks/{name}", says("x"))));
}

BOOST_AUTO_TEST_CASE(a_throwing_handler_becomes_a_500_without_internal_details) {
  router r;
  BOOST_REQUIRE(r.get("/boom", [](const request&) -> response {
    throw std::runtime_error("secret internal detail");
  }));
  auto req = make("GET", "/boom");
  auto res = r.dispatch(req);
  BOOST_TEST(res.status == 500);
  BOOST_TEST(res.body.find("secret") == std::string::npos);
  BOOST_TEST(nlohmann::json::parse(res.body)["error"] == "Internal Server Error");
}

BOOST_AUTO_TEST_CASE(json_responses_survive_invalid_utf8) {
  auto res = response::json(nlohmann::json{{"name", std::string("SN-\xff")}});
  BOOST_TEST(res.status == 200);
  BOOST_TEST(!nlohmann::json::parse(res.body)["name"].get<std::string>().empty());
}

BOOST_AUTO_TEST_CASE(methods_round_trip_through_their_names) {
  for (auto m : {http_method::get, http_method::post, http_method::put, http_method::patch,
                 http_method::del})
    BOOST_TEST((parse_http_method(to_string(m)) == m));
  BOOST_TEST(!parse_http_method("HEAD"));
  BOOST_TEST(!parse_http_method("get"));
}
