// Hostile input (issue 18): a deterministic mutation driver over the example specs and the
// checkpoint journal, and the checked-in reproducers of tests/data/fuzz/. Every case must end in
// a clear error (ConfigError, JournalError, or a std::exception whose message says what is
// wrong) or a valid result, never a crash, a hang, a bare std::bad_alloc or a raw library
// message. Accepted specs are run (properties): 50 steps in float64 and fixed, float64 twice
// with the same raster. Bounded: a few hundred cases, seconds under ASan+UBSan.
#include "core/fixed/quantize.hpp"
#include "core/foundation/journal.hpp"
#include "core/foundation/random.hpp"
#include "core/input.hpp"
#include "core/network.hpp"
#include "core/run.hpp"
#include "core/spec.hpp"
#include "tests/support/mutation.hpp"
#include "tests/support/scratch_dir.hpp"

#include <fmt/core.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

using namespace hrsnn;
using namespace hrsnn::test;

namespace {

const std::filesystem::path kSource = HRSNN_SOURCE_DIR;

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Tally {
  std::map<std::string, int> outcomes;
  int cases = 0;
};

// Parses, builds, quantizes and runs one spec text; returns the outcome, or FAILs the test.
std::string exercise_spec(const std::string& text, const std::string& name, const Case* c) {
  NetworkSpec spec;
  try {
    spec = parse_spec(text, name);
  } catch (const ConfigError& e) {
    CHECK(e.line() >= 0);
    return "refused at parse";
  }
  // Property: a non-finite value never parses.
  if (c && c->kind == Mutation::NonFinite) {
    INFO(c->what);
    FAIL_CHECK("a spec with a non-finite value was accepted");
  }
  // Keep the runs small: a mutated size could ask for a large (but allowed) network.
  uint64_t synapses = 0;
  for (const auto& pr : spec.projections) {
    const auto pre = spec.populations[static_cast<size_t>(spec.population_index(pr.pre))].size;
    const auto post = spec.populations[static_cast<size_t>(spec.population_index(pr.post))].size;
    synapses +=
        pr.rule == ConnectRule::InDegree ? uint64_t{pr.in_degree} * post : static_cast<uint64_t>(pr.p * pre * post);
  }
  if (spec.total_neurons() > 300 || synapses > 100'000) {
    // The 1000-neuron examples: built and quantized, not run (the _small ones are run).
    if (synapses > 2'000'000) return "accepted (too large to build here)";
    try {
      const Network net = build_network(spec);
      (void)fixed::quantize(net, spec.hardware);
    } catch (const std::exception& e) {
      INFO(name << ": " << e.what());
      CHECK(clear_message(e.what()));
      return "accepted, refused at build or quantize()";
    }
    return "accepted, built and quantized (too large to run here)";
  }
  RunOptions opt;
  opt.steps = 50;
  try {
    const RunResult a = run_spec(spec, opt);
    const RunResult b = run_spec(spec, opt);
    CHECK(a.raster.hash() == b.raster.hash());  // property: float64 rerun identity
  } catch (const std::exception& e) {
    INFO(name << ": " << e.what());
    CHECK(clear_message(e.what()));
    return "refused at build/run (float64)";
  }
  opt.arith = Arith::Fixed;
  try {
    (void)run_spec(spec, opt);
  } catch (const std::invalid_argument& e) {
    INFO(e.what());
    CHECK(clear_message(e.what()));
    const std::string m = e.what();
    return "accepted in float64, refused by quantize(): " + m.substr(0, m.find_first_of("0123456789"));
  }
  return "accepted, ran 50 steps in float64 and fixed";
}

}  // namespace

TEST_CASE("mutated example specs end in a clear error or a run, never a crash (issue 18)", "[fuzz]") {
  Rng rng(18, "fuzz/spec");
  Tally tally;
  for (const char* name : {"mrsnn_small", "hrsnn_small", "hrsnn_narrow_stdp", "hrsnn_slow", "mrsnn"}) {
    const std::filesystem::path path = kSource / "examples" / (std::string(name) + ".toml");
    const std::string text = read_text(path);
    REQUIRE(!text.empty());
    // The original runs.
    CHECK_THAT(exercise_spec(text, path.string(), nullptr), Catch::StartsWith("accepted"));
    for (const Case& c : mutants(text, rng, 40)) {
      INFO(name << ": " << c.what);
      ++tally.cases;
      ++tally.outcomes[exercise_spec(c.text, path.string(), &c)];
    }
  }
  std::string summary;
  for (const auto& [k, v] : tally.outcomes) summary += fmt::format("  {}: {}\n", k, v);
  WARN(fmt::format("{} mutated specs:\n{}", tally.cases, summary));
  CHECK(tally.cases == 200);
}

TEST_CASE("every numeric value of a spec replaced by inf or nan is refused at its line", "[fuzz]") {
  const std::string text = read_text(kSource / "examples" / "hrsnn_small.toml");
  int cases = 0;
  for (const auto& [at, len] : numbers_in(text)) {
    for (const char* v : {"inf", "-inf", "nan"}) {
      std::string t = text;
      t.replace(at, len, v);
      const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
      INFO(text.substr(at, len) << " -> " << v << " at line " << line);
      try {
        parse_spec(t, "s.toml");
        FAIL_CHECK("accepted");
      } catch (const ConfigError& e) {
        CHECK(e.line() == line);
        CHECK_THAT(e.message(), Catch::Contains("not a finite number") || Catch::Contains("expected an integer"));
      }
      ++cases;
    }
  }
  CHECK(cases > 60);
}

TEST_CASE("mutated checkpoint journals are read back or refused at file:line", "[fuzz]") {
  const test::ScratchDir dir("fuzz_journal");
  JournalSchema schema;
  schema.kind = "test checkpoint";
  schema.format = "hrsnn-fuzz/1";
  schema.validate = [](const nlohmann::json& j) {
    if (!j.contains("job") || !j.at("job").is_string() || !j.contains("value") || !j.at("value").is_number())
      throw std::invalid_argument("expected {job: string, value: number}");
  };
  schema.key = [](const nlohmann::json& j) { return j.at("job").get<std::string>(); };
  const auto path = dir.path() / "ckpt.jsonl";
  {
    std::filesystem::remove(path);
    Journal j(path, schema, {{"sweep", "x"}});
    for (int k = 0; k < 6; ++k) j.append({{"job", fmt::format("job{}", k)}, {"value", k * 0.5}});
  }
  const std::string good = read_text(path);
  Rng rng(18, "fuzz/journal");
  std::map<std::string, int> outcomes;
  const int kCases = 300;
  for (int i = 0; i < kCases; ++i) {
    std::string t = good;
    switch (rng.below(5)) {
      case 0: t[rng.below(t.size())] ^= static_cast<char>(1 << rng.below(8)); break;
      case 1: t.resize(rng.below(t.size())); break;
      case 2: {  // duplicate a line
        const size_t s = t.find('\n', rng.below(t.size()));
        if (s != std::string::npos && s + 1 < t.size()) t.insert(s + 1, t.substr(s + 1, t.find('\n', s + 1) - s));
        break;
      }
      case 3: {  // a value of the wrong shape
        const size_t at = t.find("\"value\":", rng.below(t.size()));
        if (at != std::string::npos) t.insert(at + 8, rng.below(2) ? "\"text\"," : "[1],");
        break;
      }
      default: {  // a hostile number
        const size_t at = t.find("\"value\":", rng.below(t.size()));
        if (at != std::string::npos) t.insert(at + 8, kHostileNumbers[rng.below(kHostileNumbers.size())]);
        break;
      }
    }
    {
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out << t;
    }
    try {
      const Journal j(path, schema, {{"sweep", "x"}});
      CHECK(j.records().size() <= 6);
      ++outcomes["read"];
    } catch (const JournalError& e) {
      CHECK_THAT(e.what(), Catch::Contains("ckpt.jsonl:"));
      ++outcomes["refused at file:line"];
    } catch (const std::exception& e) {
      INFO(e.what());
      CHECK(clear_message(e.what()));
      ++outcomes[std::string("refused: ") + e.what()];
    }
  }
  std::string summary;
  for (const auto& [k, v] : outcomes) summary += fmt::format("  {}: {}\n", k, v);
  WARN(fmt::format("{} mutated journals:\n{}", kCases, summary));
}

TEST_CASE("the checked-in reproducers of tests/data/fuzz/spec are refused with their reason", "[fuzz]") {
  // Each file's first line is "# expect: TEXT": the refusal's message must contain TEXT.
  const std::filesystem::path dir = std::filesystem::path(HRSNN_TEST_DATA_DIR) / "fuzz" / "spec";
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".toml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 10);
  for (const auto& f : files) {
    const std::string text = read_text(f);
    const std::string tag = "# expect: ";
    REQUIRE(text.rfind(tag, 0) == 0);
    const std::string expect = text.substr(tag.size(), text.find('\n') - tag.size());
    INFO(f.filename().string());
    std::string error;
    try {
      const NetworkSpec spec = parse_spec(text, f.string());
      const Network net = build_network(spec);
      const fixed::RegisterImage image = fixed::quantize(net, spec.hardware);
      const InputSignal signal = make_spec_signal(spec, spec.simulation.steps);
      fixed::check_input_port(net, image, &signal);  // what the fixed core checks when it starts
    } catch (const std::exception& e) {
      error = e.what();
    }
    CHECK_THAT(error, Catch::Contains(expect));
  }
}
