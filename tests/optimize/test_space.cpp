// Tests of optimize/space.hpp: parsing SPACE.toml, unit-cube maps, applying a point to a spec,
// and the errors a person gets for a bad space or a space that does not fit the spec.
#include "optimize/space.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <tuple>

using Catch::Matchers::Contains;
using hrsnn::opt::Scale;
using hrsnn::opt::SearchSpace;
using hrsnn::opt::SpaceError;

namespace {

// A network spec in the shape the spec layer uses: tables per population, an array of
// projections named by a `name` field.
constexpr const char* kSpec = R"(dt_ms = 1.0
seed = 3

[populations.E]
size = 800
tau_mem_ms = { mean = 20.0, shape = 3.0 }

[populations.I]
size = 200
tau_mem_ms = { mean = 10.0, shape = 3.0 }

[[projections]]
name = "EE"
delay_steps = 1
weight = { low = 0.0, high = 0.5 }

[[projections]]
name = "EI"
delay_steps = 2
weight = { low = 0.0, high = 1.0 }
)";

constexpr const char* kSpace = R"(# the heterogeneity searched by the paper's BO
[[dimension]]
name = "tau_E"
path = "populations.E.tau_mem_ms.mean"
low = 5.0
high = 80.0
scale = "log"

[[dimension]]
path = "projections.EE.weight.high"
low = 0.05
high = 2

[[dimension]]
name = "delay_EI"
path = "projections.EI.delay_steps"
low = 1
high = 4
integer = true
)";

toml::table spec() { return toml::parse(std::string_view(kSpec), std::string_view("net.toml")); }

std::string space_error(const std::string& text) {
  try {
    SearchSpace::from_string(text, "SPACE.toml");
  } catch (const SpaceError& e) {
    return e.what();
  }
  return "(no error)";
}

std::string dimension(const std::string& body) { return "[[dimension]]\n" + body; }

}  // namespace

TEST_CASE("A SPACE.toml is parsed into named dimensions with bounds, scale and integer flag", "[space]") {
  const SearchSpace space = SearchSpace::from_string(kSpace, "SPACE.toml");
  REQUIRE(space.size() == 3);
  const auto& d = space.dimensions();
  CHECK(d[0].name == "tau_E");
  CHECK(d[0].scale == Scale::log);
  CHECK(d[0].line == 2);
  CHECK(d[1].name == "projections.EE.weight.high");  // the path when no name is given
  CHECK(d[1].high == 2.0);
  CHECK(d[1].scale == Scale::linear);
  CHECK(d[2].integer);
}

TEST_CASE("Unit-cube maps: linear, log and integer dimensions round-trip", "[space]") {
  const SearchSpace space = SearchSpace::from_string(kSpace, "SPACE.toml");
  CHECK(space.from_unit(0, 0.0) == Approx(5.0));
  CHECK(space.from_unit(0, 1.0) == Approx(80.0));
  CHECK(space.from_unit(0, 0.5) == Approx(20.0));  // geometric mean of 5 and 80
  CHECK(space.from_unit(1, 0.5) == Approx(1.025));
  CHECK(space.from_unit(1, -3.0) == Approx(0.05));  // clamped into the cube
  // Integers 1..4 each own a quarter of the unit interval.
  CHECK(space.from_unit(2, 0.0) == 1.0);
  CHECK(space.from_unit(2, 0.24) == 1.0);
  CHECK(space.from_unit(2, 0.26) == 2.0);
  CHECK(space.from_unit(2, 0.74) == 3.0);
  CHECK(space.from_unit(2, 1.0) == 4.0);
  CHECK(space.to_unit(2, 3.0) == Approx(0.625));
  for (double u : {0.0, 0.1, 0.33, 0.5, 0.9, 1.0}) {
    CHECK(space.to_unit(0, space.from_unit(0, u)) == Approx(u).margin(1e-12));
    CHECK(space.to_unit(1, space.from_unit(1, u)) == Approx(u).margin(1e-12));
  }
}

TEST_CASE("A point is written into the spec by path and serialized back to TOML", "[space]") {
  const SearchSpace space = SearchSpace::from_string(kSpace, "SPACE.toml");
  toml::table net = spec();
  space.check(net);
  CHECK(space.read(net) == std::vector<double>{20.0, 0.5, 2.0});
  const std::string text = space.apply_to_text({33.5, 1.25, 3.0}, net);
  const toml::table back = toml::parse(text);
  CHECK(back["populations"]["E"]["tau_mem_ms"]["mean"].value<double>() == 33.5);
  CHECK(back["populations"]["I"]["tau_mem_ms"]["mean"].value<double>() == 10.0);  // untouched
  CHECK(back["projections"][0]["weight"]["high"].value<double>() == 1.25);
  CHECK(back["projections"][1]["delay_steps"].is_integer());  // integers stay integers
  CHECK(back["projections"][1]["delay_steps"].value<int64_t>() == 3);
  CHECK(back["seed"].value<int64_t>() == 3);
  CHECK(net["populations"]["E"]["tau_mem_ms"]["mean"].value<double>() == 20.0);  // the original is a copy
  CHECK(space.to_json({33.5, 1.25, 3.0}).dump() ==
        R"({"tau_E":33.5,"projections.EE.weight.high":1.25,"delay_EI":3.0})");
}

TEST_CASE("Array elements are addressed by name or, failing that, by index", "[space]") {
  toml::table net = spec();
  const SearchSpace by_index({{"w", "projections.1.weight.high", 0.1, 2.0, Scale::linear, false, 0, {}}});
  by_index.apply({0.75}, net);
  CHECK(net["projections"][1]["weight"]["high"].value<double>() == 0.75);
}

TEST_CASE("Bad bounds, scales and keys in SPACE.toml are reported with file, line and key", "[space][errors]") {
  CHECK_THAT(space_error(dimension("path = \"a.b\"\nlow = 3.0\nhigh = 1.0\n")),
             Contains("SPACE.toml:1: dimension[0].high: low must be below high (low = 3, high = 1)"));
  CHECK_THAT(space_error("\n\n" + dimension("path = \"a.b\"\nlow = 0.0\nhigh = 1.0\nscale = \"log\"\n")),
             Contains("SPACE.toml:3: dimension[0].scale: scale = \"log\" needs low > 0"));
  CHECK_THAT(space_error(dimension("path = \"a.b\"\nlow = 0.0\nhigh = 1.0\nscale = \"cubic\"\n")),
             Contains("SPACE.toml:5: dimension[0].scale: 'cubic' is not one of: linear, log"));
  CHECK_THAT(space_error(dimension("path = \"a.b\"\nlow = 0.0\nhigh = 1.0\nstep = 0.1\n")),
             Contains("SPACE.toml:5: dimension[0].step: unknown key; allowed keys here: name, path"));
  CHECK_THAT(space_error(dimension("path = \"a.b\"\nlow = \"small\"\nhigh = 1.0\n")),
             Contains("SPACE.toml:3: dimension[0].low: expected a number, got a string"));
  CHECK_THAT(space_error(dimension("path = \"a.b\"\nhigh = 1.0\n")),
             Contains("SPACE.toml:1: dimension[0]: missing required key 'dimension[0].low'"));
  CHECK_THAT(space_error(dimension("low = 0.0\nhigh = 1.0\n")),
             Contains("SPACE.toml:1: dimension[0]: missing required key 'dimension[0].path'"));
  CHECK_THAT(space_error(dimension("path = \"a..b\"\nlow = 0.0\nhigh = 1.0\n")),
             Contains("dimension[0].path: 'a..b' is not a dotted key path"));
  CHECK_THAT(space_error(dimension("path = \"a.b\"\nlow = 0.5\nhigh = 4\ninteger = true\n")),
             Contains("dimension[0].integer: integer = true needs whole-number bounds"));
  CHECK_THAT(
      space_error(dimension("path = \"a.b\"\nlow = 0\nhigh = 1\n") + dimension("path = \"a.b\"\nlow = 0\nhigh = 1\n")),
      Contains("SPACE.toml:5: dimension[1].name: duplicate name 'a.b'"));
  CHECK_THAT(space_error("budget = 40\n" + dimension("path = \"a.b\"\nlow = 0\nhigh = 1\n")),
             Contains("SPACE.toml:1: budget: unknown key; allowed keys here: dimension"));
  CHECK_THAT(space_error("# nothing yet\n"), Contains("dimension: missing: at least one [[dimension]] table"));
  CHECK_THAT(space_error("dimension = 3\n"),
             Contains("SPACE.toml:1: dimension: expected an array of tables ([[dimension]]), got an integer"));
  CHECK_THAT(space_error("[[dimension]\n"), Contains("SPACE.toml:1: <syntax>"));  // TOML syntax error
  // A caller that reads its own sections says so.
  CHECK_NOTHROW(SearchSpace::from_string(
      "[optimizer]\nbudget = 40\n" + dimension("path = \"a.b\"\nlow = 0\nhigh = 1\n"), "SPACE.toml", {"optimizer"}));
}

TEST_CASE("Bad input to a SPACE.toml is a ConfigError with file, line and key from the shared reader",
          "[space][errors]") {
  const auto error = [](const std::string& text) {
    try {
      SearchSpace::from_string(text, "SPACE.toml");
    } catch (const hrsnn::ConfigError& e) {
      return std::make_tuple(e.file(), e.line(), e.key_path(), e.message());
    }
    return std::make_tuple(std::string(), -1, std::string(), std::string("(no error)"));
  };
  const std::string ok = dimension("path = \"a.b\"\nlow = 0\nhigh = 1\n");
  CHECK(error(ok + "\n" + dimension("path = \"c.d\"\nlow = 0\nhigh = true\n")) ==
        std::make_tuple(std::string("SPACE.toml"), 9, std::string("dimension[1].high"),
                        std::string("expected a number, got a boolean (allowed: (-inf, inf))")));
  CHECK(error(dimension("path = \"a.b\"\nlow = 0\nhigh = 1\ninteger = \"yes\"\n")) ==
        std::make_tuple(std::string("SPACE.toml"), 5, std::string("dimension[0].integer"),
                        std::string("expected true or false, got a string")));
  CHECK(error("[optimizer]\nbudget = 3\n" + ok) ==
        std::make_tuple(std::string("SPACE.toml"), 1, std::string("optimizer"),
                        std::string("unknown key; allowed keys here: dimension")));
}

TEST_CASE("A space that does not fit the spec names the spec location and the space entry", "[space][errors]") {
  const toml::table net = spec();
  const auto check = [&](const std::string& path, bool integer = false) -> std::string {
    const SearchSpace space = SearchSpace::from_string(
        dimension("name = \"d\"\npath = \"" + path + "\"\nlow = 1\nhigh = 3\n" + (integer ? "integer = true\n" : "")),
        "SPACE.toml");
    try {
      space.check(net);
    } catch (const SpaceError& e) {
      return e.what();
    }
    return "(no error)";
  };
  CHECK_THAT(check("populations.X.tau_mem_ms.mean"), Contains("net.toml:4") &&
                                                         Contains("populations: has no key 'X' (keys: E, I)") &&
                                                         Contains("dimension 'd' at SPACE.toml:1"));
  CHECK_THAT(check("projections.XX.weight.high"),
             Contains("net.toml:12") && Contains("no element with name = \"XX\" (names: EE, EI"));
  CHECK_THAT(check("populations.E.tau_mem_ms"), Contains("populations.E.tau_mem_ms: is a table; a number is required"));
  CHECK_THAT(check("dt_ms.value"),
             Contains("net.toml:1") && Contains("dt_ms: is a floating-point number, not a table"));
  CHECK_THAT(check("projections.EE.name"), Contains("projections.EE.name: is a string; a number is required"));
  CHECK_THAT(check("projections.EE.delay_steps"),
             Contains("is an integer in the spec; declare the dimension with integer = true"));
  CHECK(check("projections.EE.delay_steps", true) == "(no error)");
}

TEST_CASE("A spec evaluator becomes a unit-cube objective that sees each point written into the spec", "[space]") {
  const SearchSpace space = SearchSpace::from_string(kSpace, "SPACE.toml");
  const auto objective = hrsnn::opt::spec_objective(space, spec(), [](const toml::table& s, uint64_t index) {
    hrsnn::opt::Evaluation e;
    e.value = s["populations"]["E"]["tau_mem_ms"]["mean"].value_or(-1.0);
    e.metrics = {{"index", index}, {"delay", s["projections"][1]["delay_steps"].value_or(int64_t{-1})}};
    return e;
  });
  const auto e = objective({0.5, 0.0, 1.0}, 7);
  CHECK(e.value == Approx(20.0));
  CHECK(e.metrics["index"] == 7);
  CHECK(e.metrics["delay"] == 4);
  CHECK(e.metrics["values"]["tau_E"].get<double>() == Approx(20.0));
  CHECK(e.metrics["values"]["delay_EI"].get<double>() == 4.0);

  // A space that does not fit the spec is refused before any evaluation.
  const SearchSpace wrong({{"w", "projections.XX.weight.high", 0.1, 2.0, Scale::linear, false, 0, {}}});
  CHECK_THROWS_AS(
      hrsnn::opt::spec_objective(wrong, spec(), [](const toml::table&, uint64_t) { return hrsnn::opt::Evaluation{}; }),
      SpaceError);
}

TEST_CASE("A dimension's tied fields take factor x its value, bad ties are reported at their key", "[space]") {
  const SearchSpace space =
      SearchSpace::from_string(dimension("name = \"w\"\npath = \"projections.EE.weight.high\"\nlow = 0.1\nhigh = 2.0\n"
                                         "tie = [{ path = \"projections.EE.weight.low\", factor = -1.0 },\n"
                                         "       { path = \"populations.I.tau_mem_ms.mean\" }]\n"),
                               "SPACE.toml");
  REQUIRE(space.dimensions()[0].ties.size() == 2);
  CHECK(space.dimensions()[0].ties[1].factor == 1.0);  // the default
  toml::table net = spec();
  space.check(net);
  space.apply({0.75}, net);
  CHECK(net["projections"][0]["weight"]["high"].value<double>() == 0.75);
  CHECK(net["projections"][0]["weight"]["low"].value<double>() == -0.75);
  CHECK(net["populations"]["I"]["tau_mem_ms"]["mean"].value<double>() == 0.75);
  CHECK(net["populations"]["E"]["tau_mem_ms"]["mean"].value<double>() == 20.0);  // untouched

  const std::string base = "path = \"a.b\"\nlow = 0\nhigh = 1\n";
  CHECK_THAT(space_error(dimension(base + "tie = [{ path = \"c.d\", factor = 0.0 }]\n")),
             Contains("SPACE.toml:1: dimension[0].tie[0].factor: factor must be a finite non-zero number"));
  CHECK_THAT(space_error(dimension(base + "tie = [{ path = \"a.b\" }]\n")),
             Contains("dimension[0].tie[0].path: path 'a.b' already searched"));
  CHECK_THAT(space_error(dimension(base + "tie = [{ path = \"c..d\" }]\n")),
             Contains("dimension[0].tie[0].path: 'c..d' is not a dotted key path"));
  CHECK_THAT(space_error(dimension(base + "tie = [{ path = \"c.d\", scale = 2 }]\n")),
             Contains("SPACE.toml:5: dimension[0].tie[0].scale: unknown key; allowed keys here: path, factor"));
  CHECK_THAT(space_error(dimension(base + "tie = \"c.d\"\n")),
             Contains("SPACE.toml:5: dimension[0].tie: expected an array of tables"));
  // A tied path that is not in the spec is reported like a dimension's own path.
  const SearchSpace missing =
      SearchSpace::from_string(dimension("name = \"d\"\npath = \"projections.EE.weight.high\"\nlow = 0\nhigh = 1\n"
                                         "tie = [{ path = \"populations.X.size\" }]\n"),
                               "S");
  try {
    missing.check(net);
    FAIL("no error");
  } catch (const SpaceError& e) {
    CHECK_THAT(std::string(e.what()), Contains("populations: has no key 'X'"));
  }
}
