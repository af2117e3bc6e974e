// Spec validation: every kind of error names the file, the line, the key path and what is
// allowed; the shipped examples parse.
#include "core/spec.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace hrsnn;

namespace {
const std::string kBase = R"([simulation]
dt_ms = 1.0
steps = 10
seed = 3

[[populations]]
name = "E"
size = 10

[[populations]]
name = "I"
size = 5
kind = "inhibitory"

[[projections]]
name = "EI"
pre = "E"
post = "I"
p = 0.5
weight = 0.1
)";

// Parses kBase + extra and returns the error message (or "" if it parsed).
std::string error_of(const std::string& text) {
  try {
    parse_spec(text, "test.toml");
  } catch (const SpecError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("the shipped example specs parse", "[spec]") {
  for (const char* name : {"mrsnn", "hrsnn"}) {
    const NetworkSpec s = load_spec(std::string(HRSNN_SOURCE_DIR) + "/examples/" + name + ".toml");
    CHECK(s.total_neurons() == 1000);
    REQUIRE(s.populations.size() == 2);
    CHECK(s.populations[0].size == 800);
    CHECK(s.populations[1].size == 200);
    for (const auto& p : s.projections) CHECK(p.p == 0.1);
  }
  const NetworkSpec h = load_spec(std::string(HRSNN_SOURCE_DIR) + "/examples/hrsnn.toml");
  CHECK(h.populations[0].lif.tau_mem_ms.kind == Distribution::Kind::Gamma);
  REQUIRE(h.projections[0].stdp);
  CHECK(h.projections[0].stdp->eta_plus.kind == Distribution::Kind::LogNormal);
}

TEST_CASE("an unknown key names its line, path and the allowed keys", "[spec]") {
  const std::string msg = error_of(kBase + "tau_mem = 3.0\n");
  CHECK_THAT(msg, Catch::Contains("test.toml:21: projections[0].tau_mem: unknown key"));
  CHECK_THAT(msg, Catch::Contains("allowed keys here:"));
}

TEST_CASE("a wrong type names the expected type", "[spec]") {
  std::string text = kBase;
  text.replace(text.find("size = 10"), 9, "size = \"ten\"");
  CHECK_THAT(error_of(text), Catch::Contains("test.toml:8: populations[0].size: expected an integer, got a string"));
}

TEST_CASE("an out-of-range value names the allowed range", "[spec]") {
  std::string text = kBase;
  text.replace(text.find("p = 0.5"), 7, "p = 1.5");
  CHECK_THAT(error_of(text),
             Catch::Contains("test.toml:19: projections[0].p: value 1.5 out of range (allowed: [0, 1])"));
  CHECK_THAT(error_of(kBase + "delay_steps = 0\n"),
             Catch::Contains("projections[0].delay_steps: value 0 out of range"));
  std::string dt = kBase;
  dt.replace(dt.find("dt_ms = 1.0"), 11, "dt_ms = -1");
  CHECK_THAT(error_of(dt),
             Catch::Contains("test.toml:2: simulation.dt_ms: value -1 out of range (allowed: [0.001, 1000]"));
}

TEST_CASE("non-finite numbers are refused at their file, line and key (issue 18 F1)", "[spec]") {
  for (const char* v : {"inf", "+inf", "-inf", "nan"}) {
    std::string text = kBase;
    text.replace(text.find("weight = 0.1"), 12, std::string("weight = ") + v);
    CHECK_THAT(error_of(text), Catch::Contains("test.toml:20: projections[0].weight: value"));
    CHECK_THAT(error_of(kBase + "[projections.stdp]\nw_max = " + v + "\n"),
               Catch::Contains("test.toml:22: projections[0].stdp.w_max: value"));
    std::string bias = kBase;
    bias.replace(bias.find("size = 10\n"), 10, std::string("size = 10\nbias = ") + v + "\n");
    CHECK_THAT(error_of(bias), Catch::Contains("test.toml:9: populations[0].bias: value"));
  }
  CHECK_THAT(error_of(kBase + "[input]\nweight = { dist = \"uniform\", low = -inf, high = 1.0 }\n"),
             Catch::Contains("input.weight.low: value -inf is not a finite number"));
}

TEST_CASE("an empty population list and an absurd dt are refused (issue 18 F5, F6)", "[spec]") {
  CHECK_THAT(error_of("populations = []\n"), Catch::Contains("test.toml:1: populations: an empty array"));
  for (const char* dt : {"5e-324", "1e-9", "0.0009"}) {
    std::string text = kBase;
    text.replace(text.find("dt_ms = 1.0"), 11, std::string("dt_ms = ") + dt);
    CHECK_THAT(error_of(text), Catch::Contains("test.toml:2: simulation.dt_ms: value"));
  }
  std::string ok = kBase;
  ok.replace(ok.find("dt_ms = 1.0"), 11, "dt_ms = 0.001");
  CHECK(error_of(ok).empty());
}

TEST_CASE("distributions that cannot be sampled are refused at their key (issue 18 F3)", "[spec]") {
  auto with_bias = [](const std::string& dist) {
    std::string text = kBase;
    text.replace(text.find("size = 10\n"), 10, "size = 10\nbias = " + dist + "\n");
    return error_of(text);
  };
  // shape = 1 / cv^2 overflows to inf.
  CHECK_THAT(with_bias("{ dist = \"gamma\", mean = 1.0, cv = 1e-200 }"),
             Catch::Contains("test.toml:9: populations[0].bias: distribution gamma"));
  // A truncation window holding no mass.
  CHECK_THAT(with_bias("{ dist = \"normal\", mean = 0.0, std = 1.0, min = 100.0, max = 101.0 }"),
             Catch::Contains("test.toml:9: populations[0].bias: distribution normal") &&
                 Catch::Contains("rejected 10^6 draws"));
  // A width that overflows, a std whose draws overflow.
  CHECK_THAT(with_bias("{ dist = \"uniform\", low = -1e308, high = 1e308 }"),
             Catch::Contains("populations[0].bias: distribution uniform"));
  CHECK_THAT(with_bias("{ dist = \"normal\", mean = 0.0, std = 1e308 }"),
             Catch::Contains("populations[0].bias: distribution normal"));
  CHECK_THAT(with_bias("{ dist = \"lognormal\", mu = 700.0, sigma = 10.0 }"),
             Catch::Contains("populations[0].bias: distribution lognormal"));
  // A gamma whose draws underflow to 0 where the range excludes 0.
  std::string tau = kBase;
  tau.replace(tau.find("size = 10\n"), 10,
              "size = 10\ntau_mem_ms = { dist = \"gamma\", shape = 1e-300, scale = 1.0 }\n");
  CHECK_THAT(error_of(tau), Catch::Contains("populations[0].tau_mem_ms: distribution gamma"));
  // Ordinary distributions still parse.
  CHECK(with_bias("{ dist = \"gamma\", mean = 0.5, cv = 0.3 }").empty());
  CHECK(with_bias("{ dist = \"normal\", mean = 0.0, std = 1.0, min = -1.0, max = 1.0 }").empty());
}

TEST_CASE("a distribution whose support leaves the allowed range is rejected", "[spec]") {
  std::string text = kBase;
  text.replace(text.find("size = 10\n"), 10, "size = 10\ntau_mem_ms = { dist = \"normal\", mean = 20.0, std = 5.0 }\n");
  CHECK_THAT(error_of(text), Catch::Contains("populations[0].tau_mem_ms: distribution normal(mean=20, std=5)"));
  CHECK_THAT(error_of(text), Catch::Contains("add min/max bounds"));
  std::string ok = kBase;
  ok.replace(ok.find("size = 10\n"), 10,
             "size = 10\ntau_mem_ms = { dist = \"normal\", mean = 20.0, std = 5.0, min = 1.0 }\n");
  CHECK(error_of(ok).empty());
  std::string bad_dist = kBase;
  bad_dist.replace(bad_dist.find("size = 10\n"), 10, "size = 10\ntau_mem_ms = { dist = \"cauchy\" }\n");
  CHECK_THAT(error_of(bad_dist),
             Catch::Contains("'cauchy' is not one of: constant, uniform, normal, lognormal, gamma"));
  std::string both = kBase;
  both.replace(both.find("size = 10\n"), 10,
               "size = 10\ntau_mem_ms = { dist = \"gamma\", shape = 2.0, mean = 20.0, cv = 0.5 }\n");
  CHECK_THAT(error_of(both), Catch::Contains("either (shape, scale) or (mean, cv)"));
}

TEST_CASE("impossible combinations are rejected with a reason", "[spec]") {
  std::string reset = kBase;
  reset.replace(reset.find("size = 10\n"), 10, "size = 10\nv_reset = 1.0\n");
  CHECK_THAT(error_of(reset), Catch::Contains("v_reset (up to 1) must stay below v_thresh"));

  std::string indeg = kBase;
  indeg.replace(indeg.find("p = 0.5"), 7, "connect = \"in_degree\"\nin_degree = 11");
  CHECK_THAT(error_of(indeg), Catch::Contains("in_degree 11 exceeds the 10 available presynaptic neurons"));

  CHECK_THAT(error_of(kBase + "[projections.stdp]\nw_min = 0.0\nw_max = 0.05\n"),
             Catch::Contains("initial signed weights of 'EI' span [0.1, 0.1], outside the STDP bounds"));

  const std::string two_plastic = kBase + "[projections.stdp]\ntau_plus_ms = 10.0\n" +
                                  "[[projections]]\nname = \"EE\"\npre = \"E\"\npost = \"E\"\nweight = 0.1\n"
                                  "[projections.stdp]\ntau_plus_ms = 30.0\n";
  CHECK_THAT(error_of(two_plastic), Catch::Contains("share presynaptic population 'E' but give different tau_plus_ms"));

  CHECK_THAT(error_of(kBase + "[[projections]]\npre = \"E\"\npost = \"X\"\n"),
             Catch::Contains("unknown population 'X' (known: E, I)"));
  CHECK_THAT(error_of(kBase + "[input]\nencoder = \"poisson\"\nrate_max_hz = 5000.0\n"),
             Catch::Contains("exceeds 1 (allowed: rate_max_hz <= 1000)"));
}

TEST_CASE("syntax errors and missing files are reported with their location", "[spec]") {
  CHECK_THAT(error_of("[simulation\n"), Catch::Contains("test.toml:1: <syntax>:"));
  CHECK_THAT(error_of("[simulation]\n"), Catch::Contains("missing [[populations]]"));
  CHECK_THROWS_WITH(load_spec("/nonexistent/spec.toml"),
                    Catch::Contains("/nonexistent/spec.toml:0: <file>: cannot open"));
}
