// `hrsnn report` (tools/cmd_report.cpp, report/) on its tiny configuration (--quick): one
// self-contained page with every section, the sections without data saying so, the optional
// study / BO / quantization / RTL inputs rendered when given, and a clear failure naming the
// Debian package when matplotlib is missing.
#include "tests/support/cli.hpp"
#include "tests/support/scratch_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <unistd.h>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

namespace {

using hrsnn::test::run_cli;
using hrsnn::test::ScratchDir;
using Result = hrsnn::test::CliResult;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  REQUIRE(out);
}

size_t occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + what.size())) ++n;
  return n;
}

}  // namespace

TEST_CASE("hrsnn report --quick runs the tiny study and writes one self-contained page with every section",
          "[report][cli][slow]") {
  ScratchDir dir("quick");
  const Result r = run_cli("report --quick --out " + (dir / "report"));
  INFO(r.out);
  REQUIRE(r.status == 0);
  // The stdout summary: the examples' table, the energy table, the study, the sections and the files.
  CHECK_THAT(r.out, Catch::Contains("network  arith") && Catch::Contains("mrsnn    float64") &&
                        Catch::Contains("hrsnn    fixed") && Catch::Contains("energy per inference") &&
                        Catch::Contains("loihi_davies2018") && Catch::Contains("study (<report --quick>, 2 seeds") &&
                        Catch::Contains("sections: study shown (") && Catch::Contains("wrote "));

  const std::string page = read_file(dir / "report/index.html");
  for (const char* heading : {"Examples: MRSNN and HRSNN", "Spike rasters", "Membrane potential: float vs fixed",
                              "Energy from counted events", "Study: the paper", "The claims as tested", "Study table",
                              "Bayesian optimization", "Quantization sweeps"}) {
    INFO(heading);
    CHECK(page.find(std::string(heading)) != std::string::npos);
  }
  CHECK(page.find("<h2 id=\"examples\">") != std::string::npos);
  CHECK(page.find("<h2 id=\"quantization\">") != std::string::npos);
  // Figures embedded, nothing fetched from elsewhere.
  // rasters, membrane, energy x2, chip occupancy and traffic, study metrics, memory curves
  CHECK(occurrences(page, "src=\"data:image/png;base64,") == 8);
  CHECK(page.find("src=\"http") == std::string::npos);
  CHECK(page.find("<link") == std::string::npos);
  CHECK(page.find("<script") == std::string::npos);
  // Every model of the study is a column of its table, and every claim has a verdict.
  for (const char* model : {"mrsnn", "het-neurons", "het-stdp", "hrsnn", "esn", "linear"}) {
    INFO(model);
    CHECK(page.find(std::string("<th>") + model + "<br>") != std::string::npos);
  }
  CHECK(page.find("not tested yet") == std::string::npos);
  // BO and quantization: no data yet, said plainly; the RTL hook is labelled.
  CHECK(occurrences(page, "No data yet.") == 2);
  CHECK(page.find("RTL trace: not available yet") != std::string::npos);
  // Every run's energy under every model is in the comparison table.
  CHECK(page.find("MRSNN float64") != std::string::npos);
  CHECK(page.find("HRSNN fixed") != std::string::npos);
  CHECK(page.find("<code>truenorth</code>") != std::string::npos);

  const auto summary = nlohmann::json::parse(read_file(dir / "report/summary.json"));
  CHECK(summary["format"] == "hrsnn-report/1");
  REQUIRE(summary["runs"].size() == 4);
  CHECK(summary["runs"][1]["arith"] == "fixed");
  CHECK(summary["runs"][0]["summary"]["steps"] == 200);
  CHECK(summary["sections"]["study"] == true);
  // The study is written beside the page, in `hrsnn study`'s format.
  const auto study = nlohmann::json::parse(read_file(dir / "report/study/study.json"));
  CHECK(study["format"] == "hrsnn-study/1");
  CHECK(study["config"]["seeds"] == 2);
  CHECK(read_file(dir / "report/study/study.csv").rfind("model,arith,seed,task,metric,value", 0) == 0);
  // Nothing half-written is left beside the outputs.
  for (const auto* sub : {"report", "report/study"})
    for (const auto& e : std::filesystem::directory_iterator(dir / sub))
      CHECK(e.path().filename().string().find(".tmp") == std::string::npos);
}

TEST_CASE("hrsnn report --no-study says which sections have no data", "[report][cli]") {
  ScratchDir dir("nostudy");
  const Result r = run_cli("report --quick --no-study --out " + (dir / "report"));
  INFO(r.out);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("study no data yet"));
  const std::string page = read_file(dir / "report/index.html");
  CHECK(occurrences(page, "No data yet.") == 3);
  CHECK(page.find("not tested yet: needs the study's results") != std::string::npos);
  // rasters, membrane, energy x2, chip occupancy and traffic
  CHECK(occurrences(page, "src=\"data:image/png;base64,") == 6);
  CHECK(!std::filesystem::exists(dir / "report/study"));
  const auto summary = nlohmann::json::parse(read_file(dir / "report/summary.json"));
  CHECK(summary["sections"]["study"] == false);

  // A study configuration with nothing to configure is refused, as is a bad one.
  const Result both = run_cli("report --quick --no-study --config " + std::string(HRSNN_SOURCE_DIR) +
                              "/examples/study.toml --out " + (dir / "report2"));
  CHECK(both.status != 0);
  CHECK_THAT(both.out, Catch::Contains("excludes"));
  write_file(dir / "bad.toml", "[memory]\nsamples = 5\n");
  const Result bad = run_cli("report --quick --config " + (dir / "bad.toml") + " --out " + (dir / "report3"));
  CHECK(bad.status != 0);
  CHECK_THAT(bad.out, Catch::Contains("bad.toml:2") && Catch::Contains("memory.samples"));
}

namespace {

// Small files in the formats `hrsnn study`, `hrsnn optimize` and `hrsnn quantize` write.
const char* const kStudyV1 = R"({"format": "hrsnn-study/1", "wall_time_s": 7.3,
  "config": {"seeds": 2, "size_scale": 0.1, "tasks": ["memory"]},
  "claims": [{"id": "a", "arith": "float64", "statement": "heterogeneous membrane time constants raise the memory capacity",
              "verdict": "holds",
              "parts": [{"claim": "MC higher", "comparison": "het-neurons vs mrsnn", "metric": "memory.mc",
                         "stats": {"mean_a": 12.3, "mean_b": 9.1, "p_one_sided": 0.01, "n": 2}, "verdict": "holds"}]},
             {"id": "b", "arith": "float64", "statement": "heterogeneous STDP lowers spiking activity", "verdict": "fails",
              "parts": []}],
  "table": [{"model": "mrsnn", "arith": "float64", "metrics": {"memory.mc": {"mean": 9.1, "sd": 0.5, "n": 2},
                                                               "memory.S": {"mean": 0.021, "sd": 0.001, "n": 2}}},
            {"model": "hrsnn", "arith": "float64", "metrics": {"memory.mc": {"mean": 12.3, "sd": 0.7, "n": 2},
                                                               "memory.S": {"mean": 0.015, "sd": 0.002, "n": 2}}}],
  "records": [{"model": "mrsnn", "arith": "float64", "task": "memory", "seed": 1, "detail": {"mc_curve": [0.9, 0.5, 0.1]}},
              {"model": "hrsnn", "arith": "float64", "task": "memory", "seed": 1, "detail": {"mc_curve": [0.95, 0.7, 0.3]}}]})";

const char* const kBoHistory = R"({"format": "hrsnn-bo-history/1", "dims": 2, "evaluations_count": 3,
  "best": {"index": 1, "value": 0.5, "x": [0.2, 0.7]}, "convergence": [1.0, 0.5, 0.5],
  "timing": {"wall_seconds": 4.2},
  "evaluations": [{"index": 0, "value": 1.0, "ok": true}, {"index": 1, "value": 0.5, "ok": true},
                  {"index": 2, "value": null, "ok": false}]})";

const char* const kQuantV1 = R"({"format": "hrsnn-quant/1",
  "reference": {"arith": "float64", "metrics": {"tasks.memory.mc": {"mean": 0.81, "sd": 0, "n": 1}}},
  "points": [{"id": "weight_bits=4", "errors": [], "metrics": {"tasks.memory.mc": {"mean": 0.66, "sd": 0, "n": 1},
                                                               "fidelity.coincidence": {"mean": 0.18, "sd": 0, "n": 1}}},
             {"id": "weight_bits=8", "errors": [], "metrics": {"tasks.memory.mc": {"mean": 0.79, "sd": 0, "n": 1},
                                                               "fidelity.coincidence": {"mean": 0.64, "sd": 0, "n": 1}}}],
  "axes": [{"key": "weight_bits", "numeric": [4.0, 8.0], "points": ["weight_bits=4", "weight_bits=8"], "values": ["4", "8"]}],
  "grids": [], "findings": {"criterion": "MC within 2% of float", "passing": ["weight_bits=8"]}})";

}  // namespace

TEST_CASE("hrsnn report renders the study, BO, quantization and RTL results other commands wrote", "[report][cli]") {
  ScratchDir dir("inputs");
  write_file(dir / "study.json", kStudyV1);
  std::filesystem::create_directories(dir / "bo/bayesian-seed1");
  std::filesystem::create_directories(dir / "bo/random-seed1");
  write_file(dir / "bo/bayesian-seed1/history.json", kBoHistory);
  write_file(dir / "bo/random-seed1/history.json", kBoHistory);
  write_file(dir / "bo/bayesian-seed1/summary.json", R"({"format": "something else"})");
  write_file(dir / "quant.json", kQuantV1);
  // The RTL hook, fed with the fixed core's own probes of the same neuron: RTL - fixed = 0.
  REQUIRE(run_cli("run " + std::string(HRSNN_SOURCE_DIR) +
                  "/examples/mrsnn.toml --steps 200 --seed 1 --arith fixed --probe 1 --quiet --out " + (dir / "rtl"))
              .status == 0);

  const Result r = run_cli("report --quick --probe 1 --out " + (dir / "report") + " --study-json " +
                           (dir / "study.json") + " --bo-dir " + (dir / "bo") + " --quant-json " +
                           (dir / "quant.json") + " --rtl-probes mrsnn:" + (dir / "rtl/probes.csv"));
  INFO(r.out);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("study shown") && Catch::Contains("Bayesian optimization shown") &&
                        Catch::Contains("quantization shown") && Catch::Contains("RTL trace shown"));
  const std::string page = read_file(dir / "report/index.html");
  CHECK(page.find("No data yet.") == std::string::npos);
  // The study: the paper's claims with the study's verdicts, the comparisons, the pivoted table.
  CHECK(page.find("float64: <span class=\"verdict v-holds\">holds</span>") != std::string::npos);
  CHECK(page.find("12.3 vs 9.1, one-sided p 0.01") != std::string::npos);
  CHECK(page.find("<code>memory.mc</code></td><td class=\"num\">9.1 <span class=\"sd\">&plusmn; 0.5</span>") !=
        std::string::npos);
  CHECK(page.find("alt=\"memory curves\"") != std::string::npos);
  // BO: histories found recursively, labelled by directory, the other JSON counted and ignored.
  CHECK(page.find("<td>bayesian-seed1</td>") != std::string::npos);
  CHECK(page.find("<td>random-seed1</td>") != std::string::npos);
  CHECK(page.find("1 other JSON file(s)") != std::string::npos);
  // Quantization: one sweep per axis, means per point, the findings.
  CHECK(page.find("<h3>weight_bits</h3>") != std::string::npos);
  CHECK(page.find("<th>fidelity.coincidence</th>") != std::string::npos);
  CHECK(page.find("MC within 2% of float") != std::string::npos);
  CHECK(page.find("RTL trace of mrsnn from") != std::string::npos);
  // rasters, membrane, energy x2, chip occupancy and traffic, study metrics, memory curves, BO, one sweep
  CHECK(occurrences(page, "src=\"data:image/png;base64,") == 10);
}

TEST_CASE("hrsnn report shows result files of other shapes as tables", "[report][cli]") {
  ScratchDir dir("generic");
  write_file(dir / "study.json", R"({"note": "hand-made",
    "rows": [{"model": "MRSNN", "MC": 9.1}, {"model": "HRSNN", "MC": 12.3}]})");
  write_file(dir / "quant.json", R"({"sweeps": [{"field": "trace_bits", "reference": {"rate_hz": 16.0},
    "points": [{"rate_hz": 11.0, "trace_bits": 5}, {"rate_hz": 15.2, "trace_bits": 7}]}]})");
  const Result r = run_cli("report --quick --steps 20 --out " + (dir / "report") + " --study-json " +
                           (dir / "study.json") + " --quant-json " + (dir / "quant.json"));
  INFO(r.out);
  REQUIRE(r.status == 0);
  const std::string page = read_file(dir / "report/index.html");
  CHECK(page.find("<th>model</th><th>MC</th>") != std::string::npos);  // the file's column order
  CHECK(page.find("hand-made") != std::string::npos);
  CHECK(page.find("<th>trace_bits</th><th>rate_hz</th>") != std::string::npos);  // x first
  CHECK(page.find("not in the study file") != std::string::npos);
  CHECK(occurrences(page, "No data yet.") == 1);  // BO only
}

TEST_CASE("hrsnn report without matplotlib fails before simulating and names python3-matplotlib", "[report][cli]") {
  ScratchDir dir("nompl");
  // A Python that cannot import matplotlib.
  write_file(dir / "python", "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'matplotlib'\" >&2\nexit 1\n");
  std::filesystem::permissions(dir / "python", std::filesystem::perms::owner_all);
  const Result r = run_cli("report --quick --python " + (dir / "python") + " --out " + (dir / "report"));
  CHECK(r.status != 0);
  CHECK_THAT(r.out, Catch::Contains("python3-matplotlib") && Catch::Contains("cannot import matplotlib"));
  CHECK_THAT(r.out, !Catch::Contains("mrsnn_float64:"));  // no simulation progress
  CHECK_FALSE(std::filesystem::exists(dir / "report/index.html"));

  const Result none = run_cli("report --quick --python " + (dir / "no-such-python") + " --out " + (dir / "report"));
  CHECK(none.status != 0);
  CHECK_THAT(none.out, Catch::Contains("python3-matplotlib"));
}

TEST_CASE("hrsnn report lists the committed protocol runs with their verdicts and intervals", "[report][cli]") {
  ScratchDir dir("protocol_runs");
  std::filesystem::create_directories(dir / "results/confirm");
  std::filesystem::create_directories(dir / "results/no_protocol");
  std::string run = kStudyV1;
  const std::string protocol =
      R"("config": {"seeds": 10, "models": ["mrsnn", "het-neurons"], "arith": ["float64"], "tasks": ["memory"],
         "protocol": {"name": "slow-test-1", "file": "examples/p.toml", "sha256": "d06f9575c09506a6697e",
                      "phase": "confirmation", "confirmation_first_seed": 1001, "confirmation_seeds": 10}},)";
  run.replace(run.find(R"("config": {)"),
              std::string(R"("config": {"seeds": 2, "size_scale": 0.1, "tasks": ["memory"]},)").size(), protocol);
  // The first part's interval, as `hrsnn study` writes it.
  run.replace(run.find(R"("p_one_sided": 0.01)"), std::string(R"("p_one_sided": 0.01)").size(),
              R"("p_one_sided": 0.01, "mean_diff": 3.2, "ci_low": 1.5, "ci_high": 4.9)");
  write_file(dir / "results/confirm/study.json", run);
  write_file(dir / "results/no_protocol/study.json", kStudyV1);
  const Result r = run_cli("report --quick --no-study --results " + (dir / "results") + " --out " + (dir / "report"));
  INFO(r.out);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("committed protocol runs: 1"));
  const std::string page = read_file(dir / "report/index.html");
  CHECK(page.find("<h3>Committed protocol runs</h3>") != std::string::npos);
  CHECK(page.find("<code>confirm</code>") != std::string::npos);
  CHECK(page.find("<code>no_protocol</code>") == std::string::npos);  // not made under a protocol
  CHECK(page.find("slow-test-1") != std::string::npos);
  CHECK(page.find("SHA-256 d06f9575c095&hellip;") != std::string::npos);
  CHECK(page.find("confirmation 1001 + 10") != std::string::npos);
  CHECK(page.find("holds</span> <span class=\"note\">(het-neurons vs mrsnn, memory.mc: 3.2 [1.5, 4.9])") !=
        std::string::npos);

  // A run file that is not JSON is an error naming it.
  write_file(dir / "results/confirm/study.json", "{ not json");
  const Result bad = run_cli("report --quick --no-study --results " + (dir / "results") + " --out " + (dir / "r2"));
  CHECK(bad.status != 0);
  CHECK_THAT(bad.out, Catch::Contains("results/confirm/study.json: not valid JSON"));
}

TEST_CASE("hrsnn report maps the examples on Loihi 1 as hrsnn map does", "[report][cli]") {
  ScratchDir dir("chip_map");
  const Result r = run_cli("report --quick --no-study --out " + (dir / "report"));
  INFO(r.out);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("chip mapping on loihi1"));
  const std::string page = read_file(dir / "report/index.html");
  CHECK(page.find("<h2 id=\"mapping\">5. Chip mapping") != std::string::npos);
  CHECK(page.find("Fit under each weight width") != std::string::npos);
  CHECK(page.find("<img alt=\"core occupancy on the mesh\" src=\"data:image/png;base64,") != std::string::npos);
  CHECK(page.find("<img alt=\"spike messages between cores\" src=\"data:image/png;base64,") != std::string::npos);

  const auto summary = nlohmann::json::parse(read_file(dir / "report/summary.json"));
  const auto& cm = summary["chip_mapping"];
  CHECK(cm["chip"] == "loihi1");
  REQUIRE(cm["networks"].size() == 2);
  for (const auto& n : cm["networks"]) {
    const std::string net = n["network"];
    const std::string spec = std::string(HRSNN_SOURCE_DIR) + "/examples/" + net + ".toml";
    INFO(net);
    // The fit at each width is `hrsnn map --weight-bits B`'s.
    REQUIRE(n["fit_by_weight_bits"].size() == 3);
    for (const auto& w : n["fit_by_weight_bits"]) {
      const int bits = w["weight_bits"];
      INFO(bits);
      const std::string out = dir / (net + "_w" + std::to_string(bits));
      REQUIRE(run_cli("map " + spec + " --chip loihi1 --no-run --quiet --weight-bits " + std::to_string(bits) +
                      " --out " + out)
                  .status == 0);
      const auto m = nlohmann::json::parse(read_file(out + "/map.json"));
      CHECK(w["cores_used"] == m["cores_used"]);
      CHECK(w["chips"] == m["chips"]);
      CHECK(w["per_core_fits"] == m["per_core_fits"]);
      CHECK(w["weight_bits_stored"] == m["weight_bits_stored"]);
      CHECK(w["lower_bounds"] == m["lower_bounds"]);
      CHECK(w["binding_limit"]["limit"] == m["binding_limit"]);
      CHECK(w["binding_limit"]["used"] == m["limits"][m["binding_limit"].get<std::string>()]["max_used"]);
    }
    // Traffic and the step's price: `hrsnn map` running the same fixed-point run (200 steps, seed 1).
    const std::string out = dir / (net + "_run");
    REQUIRE(run_cli("map " + spec + " --chip loihi1 --steps 200 --quiet --out " + out).status == 0);
    const auto m = nlohmann::json::parse(read_file(out + "/map.json"));
    CHECK(n["cores_used"] == m["cores_used"]);
    CHECK(n["traffic"] == m["traffic"]);
    CHECK(n["step"]["energy_pj_per_step"].get<double>() ==
          Approx(m["step"]["energy_pj_per_step"].get<double>()).epsilon(1e-12));
    CHECK(n["step"]["latency_ns_per_step"].get<double>() ==
          Approx(m["step"]["latency_ns_per_step"].get<double>()).epsilon(1e-12));
    CHECK(n["inter_core_message_hops"].get<double>() == Approx(m["inter_core_message_hops"].get<double>()));
    CHECK(n["traffic"]["totals"]["messages"].get<double>() > 0);
    // The core-to-core matrix adds up to the messages, its diagonal to those staying in a core.
    double all = 0, diagonal = 0;
    const auto& cmx = n["core_messages_per_step"];
    REQUIRE(cmx.size() == m["core_ids"].get<size_t>());
    for (size_t a = 0; a < cmx.size(); ++a)
      for (size_t b = 0; b < cmx[a].size(); ++b) {
        all += cmx[a][b].get<double>();
        if (a == b) diagonal += cmx[a][b].get<double>();
      }
    CHECK(all == Approx(n["traffic"]["per_step"]["messages"].get<double>()));
    CHECK(diagonal == Approx(n["traffic"]["per_step"]["same_core"].get<double>()));
  }
}
