#define BOOST_TEST_MODULE api metrics
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <thread>
#include <vector>

#include "swarm/api/metrics.hpp"
#include "swarm/api/sn_metrics.hpp"

using namespace swarm::api;

BOOST_AUTO_TEST_SUITE(text_format)

BOOST_AUTO_TEST_CASE(a_counter_without_labels_renders_help_type_and_one_sample) {
  metrics_registry reg;
  auto fam = reg.add_counter("swarm_suspicions_total", "Times this SN started suspecting.");
  BOOST_REQUIRE(fam);
  (*fam)->get().inc();
  (*fam)->get().inc(2);
  BOOST_TEST(reg.render()
             == "# HELP swarm_suspicions_total Times this SN started suspecting.\n"
                "# TYPE swarm_suspicions_total counter\n"
                "swarm_suspicions_total 3\n");
}

BOOST_AUTO_TEST_CASE(a_metric_without_labels_reads_zero_before_its_first_event) {
  metrics_registry reg;
  BOOST_REQUIRE(reg.add_gauge("g", "A gauge."));
  BOOST_TEST(reg.render() == "# HELP g A gauge.\n# TYPE g gauge\ng 0\n");
}

BOOST_AUTO_TEST_CASE(families_render_in_name_order_and_label_sets_in_value_order) {
  metrics_registry reg;
  auto members = reg.add_gauge("swarm_members", "Members by state.", {"state"});
  auto bytes = reg.add_counter("swarm_gossip_bytes_total", "Gossip bytes.", {"direction"});
  BOOST_REQUIRE(members && bytes);
  (*members)->with({"suspect"}).set(1);
  (*members)->with({"alive"}).set(3);
  (*members)->with({"dead"}).set(0);
  (*bytes)->with({"out"}).inc(1024);
  (*bytes)->with({"in"}).inc(512.5);
  BOOST_TEST(reg.render()
             == "# HELP swarm_gossip_bytes_total Gossip bytes.\n"
                "# TYPE swarm_gossip_bytes_total counter\n"
                "swarm_gossip_bytes_total{direction=\"in\"} 512.5\n"
                "swarm_gossip_bytes_total{direction=\"out\"} 1024\n"
                "# HELP swarm_members Members by state.\n"
                "# TYPE swarm_members gauge\n"
                "swarm_members{state=\"alive\"} 3\n"
                "swarm_members{state=\"dead\"} 0\n"
                "swarm_members{state=\"suspect\"} 1\n");
}

BOOST_AUTO_TEST_CASE(label_values_escape_backslash_quote_and_newline) {
  metrics_registry reg;
  auto fam = reg.add_counter("c_total", "C.", {"a", "b"});
  BOOST_REQUIRE(fam);
  (*fam)->with({"back\\slash", "say \"hi\"\nbye"}).inc();
  BOOST_TEST(reg.render()
             == "# HELP c_total C.\n"
                "# TYPE c_total counter\n"
                "c_total{a=\"back\\\\slash\",b=\"say \\\"hi\\\"\\nbye\"} 1\n");
}

BOOST_AUTO_TEST_CASE(help_text_escapes_backslash_and_newline_but_not_quotes) {
  BOOST_TEST(escape_help("a\\b\n\"c\"") == "a\\\\b\\n\"c\"");
  BOOST_TEST(escape_label_value("plain") == "plain");
}

BOOST_AUTO_TEST_CASE(a_histogram_renders_cumulative_buckets_then_sum_and_count) {
  metrics_registry reg;
  auto fam = reg.add_histogram("swarm_probe_rtt_seconds", "Probe RTT.", {0.25, 0.5, 1});
  BOOST_REQUIRE(fam);
  auto& h = (*fam)->get();
  // Binary fractions, so the sum is exact.
  for (double v : {0.125, 0.25, 0.375, 0.75, 2.0})
    h.observe(v);
  BOOST_TEST(reg.render()
             == "# HELP swarm_probe_rtt_seconds Probe RTT.\n"
                "# TYPE swarm_probe_rtt_seconds histogram\n"
                "swarm_probe_rtt_seconds_bucket{le=\"0.25\"} 2\n"
                "swarm_probe_rtt_seconds_bucket{le=\"0.5\"} 3\n"
                "swarm_probe_rtt_seconds_bucket{le=\"1\"} 4\n"
                "swarm_probe_rtt_seconds_bucket{le=\"+Inf\"} 5\n"
                "swarm_probe_rtt_seconds_sum 3.5\n"
                "swarm_probe_rtt_seconds_count 5\n");
}

BOOST_AUTO_TEST_CASE(histogram_labels_come_before_le) {
  metrics_registry reg;
  auto fam = reg.add_histogram("h", "H.", {1}, {"peer"});
  BOOST_REQUIRE(fam);
  (*fam)->with({"SN-2"}).observe(0.5);
  BOOST_TEST(reg.render()
             == "# HELP h H.\n# TYPE h histogram\n"
                "h_bucket{peer=\"SN-2\",le=\"1\"} 1\n"
                "h_bucket{peer=\"SN-2\",le=\"+Inf\"} 1\n"
                "h_sum{peer=\"SN-2\"} 0.5\n"
                "h_count{peer=\"SN-2\"} 1\n");
}

BOOST_AUTO_TEST_CASE(sample_values_use_the_shortest_exact_form_and_prometheus_specials) {
  BOOST_TEST(format_sample_value(3.0) == "3");
  BOOST_TEST(format_sample_value(0.25) == "0.25");
  BOOST_TEST(format_sample_value(-2.5) == "-2.5");
  BOOST_TEST(format_sample_value(1e-6) == "1e-06");
  BOOST_TEST(format_sample_value(std::numeric_limits<double>::infinity()) == "+Inf");
  BOOST_TEST(format_sample_value(-std::numeric_limits<double>::infinity()) == "-Inf");
  BOOST_TEST(format_sample_value(std::nan("")) == "NaN");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(semantics)

BOOST_AUTO_TEST_CASE(counters_ignore_negative_and_nan_increments) {
  counter c;
  c.inc(2);
  c.inc(-1);
  c.inc(std::nan(""));
  BOOST_TEST(c.value() == 2.0);
}

BOOST_AUTO_TEST_CASE(gauges_go_up_and_down) {
  gauge g;
  g.set(5);
  g.inc();
  g.dec(3);
  BOOST_TEST(g.value() == 3.0);
}

BOOST_AUTO_TEST_CASE(an_observation_equal_to_a_bound_counts_in_that_bucket) {
  auto bounds = std::make_shared<const std::vector<double>>(std::vector<double>{1, 2});
  histogram h{bounds};
  h.observe(1);
  h.observe(2);
  h.observe(std::nan(""));
  auto snap = h.collect();
  BOOST_TEST(snap.cumulative_counts == (std::vector<uint64_t>{1, 2, 2}));
  BOOST_TEST(snap.count == 2u);
  BOOST_TEST(snap.sum == 3.0);
}

BOOST_AUTO_TEST_CASE(with_returns_the_same_metric_for_the_same_labels) {
  metrics_registry reg;
  auto fam = reg.add_counter("c_total", "C.", {"x"});
  BOOST_REQUIRE(fam);
  auto& a = (*fam)->with({"1"});
  auto& b = (*fam)->with({"1"});
  BOOST_TEST(&a == &b);
  BOOST_TEST(&a != &(*fam)->with({"2"}));
}

BOOST_AUTO_TEST_CASE(concurrent_updates_are_all_counted) {
  metrics_registry reg;
  auto c = reg.add_counter("c_total", "C.", {"t"});
  auto h = reg.add_histogram("h", "H.", {0.5});
  BOOST_REQUIRE(c && h);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        (*c)->with({"same"}).inc();
        (*h)->get().observe(i % 2 == 0 ? 0.1 : 1.0);
        if (i % 1000 == 0)
          (void) reg.render();
      }
    });
  for (auto& t : threads)
    t.join();
  BOOST_TEST((*c)->with({"same"}).value() == 40000.0);
  auto snap = (*h)->get().collect();
  BOOST_TEST(snap.count == 40000u);
  BOOST_TEST(snap.cumulative_counts.front() == 20000u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(registration)

BOOST_AUTO_TEST_CASE(invalid_metric_and_label_names_are_refused) {
  metrics_registry reg;
  BOOST_TEST(!reg.add_counter("1abc", "x"));
  BOOST_TEST(!reg.add_counter("a-b", "x"));
  BOOST_TEST(!reg.add_counter("ok_total", "x", {"bad-label"}));
  BOOST_TEST(!reg.add_counter("ok_total", "x", {"__reserved"}));
  BOOST_TEST(!reg.add_counter("ok_total", "x", {"a", "a"}));
  BOOST_TEST(is_valid_metric_name("swarm:rule_total"));
  BOOST_TEST(!is_valid_label_name("a:b"));
}

BOOST_AUTO_TEST_CASE(a_name_can_be_registered_only_once) {
  metrics_registry reg;
  BOOST_TEST(static_cast<bool>(reg.add_counter("x_total", "x")));
  auto again = reg.add_gauge("x_total", "x");
  BOOST_REQUIRE(!again);
  BOOST_TEST(again.error().message.find("already registered") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(histogram_buckets_must_be_finite_and_strictly_ascending) {
  metrics_registry reg;
  BOOST_TEST(!reg.add_histogram("h1", "h", {}));
  BOOST_TEST(!reg.add_histogram("h2", "h", {1, 1}));
  BOOST_TEST(!reg.add_histogram("h3", "h", {2, 1}));
  BOOST_TEST(!reg.add_histogram("h4", "h", {1, std::numeric_limits<double>::infinity()}));
  BOOST_TEST(!reg.add_histogram("h5", "h", {1}, {"le"}));
  BOOST_TEST(static_cast<bool>(reg.add_histogram("h6", "h", {1, 2})));
}

BOOST_AUTO_TEST_CASE(the_sn_metrics_are_all_present_from_the_first_scrape) {
  metrics_registry reg;
  auto sn = sn_metrics::add_to(reg);
  BOOST_REQUIRE(sn);
  sn->members_alive->set(3);
  sn->gossip_messages_out->inc();
  sn->probe_rtt_s->observe(0.003);
  auto text = reg.render();
  for (const char* line :
       {"swarm_members{state=\"alive\"} 3\n", "swarm_members{state=\"suspect\"} 0\n",
        "swarm_members{state=\"dead\"} 0\n", "swarm_members{state=\"left\"} 0\n",
        "swarm_gossip_messages_total{direction=\"in\"} 0\n",
        "swarm_gossip_messages_total{direction=\"out\"} 1\n",
        "swarm_gossip_bytes_total{direction=\"in\"} 0\n",
        "swarm_gossip_bytes_total{direction=\"out\"} 0\n",
        "# TYPE swarm_probe_rtt_seconds histogram\n",
        "swarm_probe_rtt_seconds_bucket{le=\"0.005\"} 1\n",
        "swarm_probe_rtt_seconds_bucket{le=\"0.0025\"} 0\n",
        "swarm_probe_rtt_seconds_count 1\n", "swarm_suspicions_total 0\n",
        "swarm_refutations_total 0\n"})
    BOOST_TEST(text.find(line) != std::string::npos, "missing: " << line);
  BOOST_TEST(!sn_metrics::add_to(reg), "registering twice must fail");
}

BOOST_AUTO_TEST_CASE(a_removed_label_set_is_no_longer_exported) {
  metrics_registry reg;
  auto fam = reg.add_gauge("g", "G.", {"contract"});
  BOOST_REQUIRE(fam);
  (*fam)->with({"a"}).set(1);
  (*fam)->with({"b"}).set(2);
  BOOST_TEST(((*fam)->label_sets() == std::vector<label_values>{{"a"}, {"b"}}));
  BOOST_TEST((*fam)->remove({"a"}));
  BOOST_TEST(!(*fam)->remove({"a"}));
  BOOST_TEST(reg.render() == "# HELP g G.\n# TYPE g gauge\ng{contract=\"b\"} 2\n");
}

BOOST_AUTO_TEST_CASE(the_round_metrics_follow_the_round_table_per_contract) {
  metrics_registry reg;
  auto sn = sn_metrics::add_to(reg);
  BOOST_REQUIRE(sn);
  // Before any round the families exist without series.
  BOOST_TEST(reg.render().find("# TYPE swarm_rounds_committed gauge\n") != std::string::npos);
  BOOST_TEST(reg.render().find("swarm_rounds_committed{") == std::string::npos);
  auto round = [](uint64_t n, size_t participants) {
    round_view x;
    x.round = n;
    x.participants.resize(participants);
    return x;
  };
  round_table table;
  table["mnist"] = {round(1, 2), round(2, 2), round(4, 3)};
  table["old"] = {round(1, 1)};
  sn->set_round_metrics(table);
  auto text = reg.render();
  for (const char* line :
       {"swarm_rounds_committed{contract=\"mnist\"} 3\n",
        "swarm_round_last{contract=\"mnist\"} 4\n",
        "swarm_round_participants{contract=\"mnist\"} 3\n",
        "swarm_rounds_committed{contract=\"old\"} 1\n"})
    BOOST_TEST(text.find(line) != std::string::npos, "missing: " << line);
  table.erase("old");
  sn->set_round_metrics(table);
  BOOST_TEST(reg.render().find("contract=\"old\"") == std::string::npos);
  BOOST_TEST(reg.render().find("swarm_round_last{contract=\"mnist\"} 4\n") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
