// The shared configuration reader: every error names file, line, key path and what is allowed,
// in one wording for every file kind.
#include "core/foundation/config.hpp"

#include <catch2/catch.hpp>

#include <limits>
#include <string>

using namespace hrsnn;

namespace {

// The ConfigError that reading `key` of `text` with `read` throws.
template <typename Read>
ConfigError error_of(const std::string& text, Read read) {
  const toml::table root = parse_config_text(text, "cfg.toml");
  const ConfigTable t("cfg.toml", root, "");
  try {
    read(t);
  } catch (const ConfigError& e) {
    return e;
  }
  FAIL("no ConfigError was thrown");
  throw;  // unreachable
}

}  // namespace

TEST_CASE("a syntax error is a ConfigError at its line") {
  try {
    parse_config_text("a = 1\nb = = 2\n", "cfg.toml");
    FAIL("parsed");
  } catch (const ConfigError& e) {
    CHECK(e.file() == "cfg.toml");
    CHECK(e.line() == 2);
    CHECK(e.key_path() == "<syntax>");
  }
}

TEST_CASE("a missing file is a ConfigError at line 0") {
  try {
    parse_config_file("/nonexistent/hrsnn/cfg.toml");
    FAIL("parsed");
  } catch (const ConfigError& e) {
    CHECK(e.line() == 0);
    CHECK(std::string(e.what()).find("cannot open") != std::string::npos);
  }
}

TEST_CASE("a wrong type names the type found and the allowed range") {
  const ConfigError e =
      error_of("\n\nx = \"high\"\n", [](const ConfigTable& t) { t.number("x", 0.0, ConfigRange::positive()); });
  CHECK(e.line() == 3);
  CHECK(e.key_path() == "x");
  CHECK(std::string(e.what()) == "cfg.toml:3: x: expected a number, got a string (allowed: (0, inf))");
}

TEST_CASE("an out-of-range value gives the value and the range, at the key's path") {
  const ConfigError e = error_of("[run]\nthreads = 0\n", [](const ConfigTable& t) {
    const ConfigTable run = t.sub(*t.subtable("run"), "run");
    run.integer("threads", 1, ConfigRange::integers(1, 64));
  });
  CHECK(std::string(e.what()) == "cfg.toml:2: run.threads: value 0 out of range (allowed: integer in [1, 64])");
}

TEST_CASE("a float where an integer is expected is refused, a whole float included") {
  const ConfigError e = error_of("n = 3.0\n", [](const ConfigTable& t) { t.integer("n", 1, ConfigRange::any()); });
  CHECK(e.message() == "expected an integer, got a floating-point number (allowed: (-inf, inf))");
}

TEST_CASE("NaN is never in range") {
  CHECK_FALSE(ConfigRange::any().contains(std::numeric_limits<double>::quiet_NaN()));
  const ConfigError e = error_of("x = nan\n", [](const ConfigTable& t) { t.number("x", 0.0, ConfigRange::any()); });
  CHECK(e.line() == 1);
}

TEST_CASE("infinite numbers are refused whatever the range, in arrays too") {
  for (const char* text : {"x = inf\n", "x = +inf\n", "x = -inf\n"}) {
    const ConfigError e = error_of(text, [](const ConfigTable& t) { t.number("x", 0.0, ConfigRange::any()); });
    CHECK(e.line() == 1);
    CHECK(e.key_path() == "x");
    CHECK(e.message().find("not a finite number") != std::string::npos);
  }
  const ConfigError p =
      error_of("x = inf\n", [](const ConfigTable& t) { t.required_number("x", ConfigRange::positive()); });
  CHECK(std::string(p.what()) == "cfg.toml:1: x: value inf is not a finite number (allowed: (0, inf))");
  const ConfigError a =
      error_of("xs = [1.0,\n -inf]\n", [](const ConfigTable& t) { t.number_array("xs", ConfigRange::any()); });
  CHECK(a.line() == 2);
  CHECK(a.key_path() == "xs");
}

TEST_CASE("unknown keys are listed with the allowed ones") {
  const ConfigError e = error_of("a = 1\nbee = 2\n", [](const ConfigTable& t) { t.only_keys({"a", "b"}); });
  CHECK(e.line() == 2);
  CHECK(e.key_path() == "bee");
  CHECK(e.message() == "unknown key; allowed keys here: a, b");
}

TEST_CASE("a string choice lists the allowed values") {
  const ConfigError e = error_of("mode = \"fast\"\n", [](const ConfigTable& t) {
    t.string("mode", "exact", {"exact", "approximate"});
  });
  CHECK(e.message() == "'fast' is not one of: exact, approximate");
}

TEST_CASE("arrays are checked element by element, at the element's line") {
  const ConfigError e = error_of("bits = [\n  4,\n  99,\n]\n",
                                 [](const ConfigTable& t) { t.integer_array("bits", ConfigRange::integers(1, 16)); });
  CHECK(e.line() == 3);
  CHECK(e.key_path() == "bits");
  const toml::table root = parse_config_text("names = [\"a\", \"b\"]\n", "cfg.toml");
  CHECK(ConfigTable("cfg.toml", root, "").string_array("names") == std::vector<std::string>{"a", "b"});
}

TEST_CASE("a missing required key is reported at its table") {
  const ConfigError e = error_of("[model]\nname = \"x\"\n", [](const ConfigTable& t) {
    t.sub(*t.subtable("model"), "model").required_number("energy_pj", ConfigRange::non_negative());
  });
  CHECK(e.line() == 1);
  CHECK(e.key_path() == "model");
  CHECK(e.message() == "missing required key 'model.energy_pj' ([0, inf))");
}

TEST_CASE("a table expected but a value found names both") {
  const ConfigError e = error_of("run = 3\n", [](const ConfigTable& t) { t.subtable("run"); });
  CHECK(e.message() == "expected a table, got an integer");
}
