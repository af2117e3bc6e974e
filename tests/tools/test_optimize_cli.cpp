// hrsnn optimize as a user runs it, on a 40-neuron network and a budget of a few evaluations:
// the outputs, the random-search twin, resume after an abrupt exit, failed evaluations (the
// objective's combination of per-seed records is tests/optimize/test_network_objective.cpp).
#include "core/io.hpp"
#include "core/spec.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/scratch_dir.hpp"

#include <toml++/toml.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;
using hrsnn::read_text_file;

using hrsnn::test::CliResult;
using hrsnn::test::run_cli;
using Scratch = hrsnn::test::ScratchDir;

struct Files {
  fs::path spec, space;
};

// tests/data/optimize/: tiny.toml, 32 E + 8 I neurons with heterogeneous tau_mem and STDP, and
// tiny_space.toml, three dimensions of which the third makes some evaluations fail by
// construction (E->E initial weights above w_max). Copied into the scratch directory, which the
// tests write beside.
Files write_inputs(const Scratch& dir) {
  Files f{dir.path() / "tiny.toml", dir.path() / "space.toml"};
  hrsnn::write_text_atomic(f.spec, read_text_file(fs::path(HRSNN_TEST_DATA_DIR) / "optimize" / "tiny.toml"));
  hrsnn::write_text_atomic(f.space, read_text_file(fs::path(HRSNN_TEST_DATA_DIR) / "optimize" / "tiny_space.toml"));
  return f;
}

// Small evaluations: 150 samples (300 steps), 5 MC delays, one network seed.
std::string optimize_args(const Files& f, const fs::path& out, uint64_t budget) {
  return "optimize " + f.spec.string() + " --space " + f.space.string() + " --budget " + std::to_string(budget) +
         " --initial 3 --seeds 1 --samples 150 --max-delay 5 --washout 20 --out " + out.string();
}

nlohmann::json read_json(const fs::path& p) { return nlohmann::json::parse(read_text_file(p)); }

// The part of each evaluation that must not depend on timing or on interruption.
nlohmann::json stable_evaluations(const nlohmann::json& history) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : history.at("evaluations")) {
    nlohmann::json s = e;
    s.erase("eval_seconds");
    out.push_back(s);
  }
  return out;
}

std::size_t count_lines(const std::string& text) {
  std::size_t n = 0;
  for (char c : text) n += c == '\n' ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("hrsnn optimize writes history, convergence, summary and a best.toml that hrsnn run runs", "[optimize_cli]") {
  const Scratch dir("e2e");
  const Files f = write_inputs(dir);
  const fs::path out = dir.path() / "bo";
  const CliResult r = run_cli(optimize_args(f, out, 7) + " --mc-min 0.01");
  INFO(r.out);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("best E ="));
  CHECK_THAT(r.out, Catch::Contains("surrogate"));

  const nlohmann::json history = read_json(out / "history.json");
  CHECK(history.at("format") == "hrsnn-bo-history/1");
  REQUIRE(history.at("evaluations").size() == 7);
  const std::string csv = read_text_file(out / "history.csv");
  CHECK(count_lines(csv) == 8);
  CHECK_THAT(csv, Catch::Contains("tau_E"));
  CHECK_THAT(csv, Catch::Contains("metric:mc"));
  const std::string convergence = read_text_file(out / "convergence.csv");
  CHECK(convergence.rfind("evaluation,value,ok,feasible,best_so_far\n", 0) == 0);
  CHECK(count_lines(convergence) == 8);

  // The spec's own point comes first; the failing half of w_EE is met by the Sobol design (its
  // first two points lie in different halves of every coordinate), and the run goes on.
  const nlohmann::json summary = read_json(out / "summary.json");
  CHECK(summary.at("format") == "hrsnn-optimize/1");
  CHECK(summary.at("strategy") == "bayesian");
  CHECK(summary.at("evaluations") == 7);
  CHECK(summary.at("failed").get<int>() >= 1);
  const auto& first = history.at("evaluations").at(0);
  CHECK(first.at("metrics").at("values").at("tau_E").get<double>() == Approx(10.0));
  bool saw_bound_error = false;
  for (const auto& e : history.at("evaluations"))
    if (!e.at("ok").get<bool>()) saw_bound_error |= e.at("error").get<std::string>().find("EE") != std::string::npos;
  CHECK(saw_bound_error);
  CHECK(summary.at("timings").at("surrogate_seconds").get<double>() >= 0.0);
  CHECK(summary.at("timings").at("evaluation_seconds").get<double>() > 0.0);
  REQUIRE(summary.at("best").is_object());
  const double best = summary.at("best").at("value").get<double>();
  CHECK(best > 0.0);
  CHECK(best == summary.at("convergence").back().get<double>());
  CHECK(summary.at("best").at("metrics").at("mc").get<double>() >= 0.01);

  // best.toml: the searched values written into the spec, loadable and runnable.
  const hrsnn::NetworkSpec spec = hrsnn::load_spec((out / "best.toml").string());
  CHECK(spec.total_neurons() == 40);
  const double best_tau = summary.at("best").at("values").at("tau_E").get<double>();
  CHECK(spec.populations[0].lif.tau_mem_ms.mean() == Approx(best_tau).epsilon(1e-9));
  const CliResult run =
      run_cli("run " + (out / "best.toml").string() + " --steps 50 --quiet --out " + (dir.path() / "run").string());
  INFO(run.out);
  CHECK(run.status == 0);
  CHECK(fs::exists(dir.path() / "run" / "summary.json"));
}

TEST_CASE("hrsnn optimize --random spends the same budget from the same initial design", "[optimize_cli]") {
  const Scratch dir("random");
  const Files f = write_inputs(dir);
  const CliResult bo = run_cli(optimize_args(f, dir.path() / "bo", 6) + " --quiet");
  const CliResult rs = run_cli(optimize_args(f, dir.path() / "rs", 6) + " --quiet --random");
  INFO(bo.out << rs.out);
  REQUIRE(bo.status == 0);
  REQUIRE(rs.status == 0);
  const nlohmann::json a = read_json(dir.path() / "bo" / "history.json");
  const nlohmann::json b = read_json(dir.path() / "rs" / "history.json");
  CHECK(read_json(dir.path() / "rs" / "summary.json").at("strategy") == "random_search");
  REQUIRE(a.at("evaluations").size() == 6);
  REQUIRE(b.at("evaluations").size() == 6);
  // Spec point + 3 design points: the same points, so the same values.
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(a["evaluations"][i]["x"] == b["evaluations"][i]["x"]);
    CHECK(a["evaluations"][i]["value"] == b["evaluations"][i]["value"]);
  }
  CHECK(a["evaluations"][5]["x"] != b["evaluations"][5]["x"]);
}

TEST_CASE("hrsnn optimize --resume after an abrupt exit gives the history of an uninterrupted run", "[optimize_cli]") {
  const Scratch dir("resume");
  const Files f = write_inputs(dir);
  const CliResult whole = run_cli(optimize_args(f, dir.path() / "whole", 7) + " --quiet");
  INFO(whole.out);
  REQUIRE(whole.status == 0);

  const fs::path cut = dir.path() / "cut";
  const CliResult killed = run_cli(optimize_args(f, cut, 7) + " --quiet --abort-after 5");
  CHECK(killed.status != 0);
  CHECK_FALSE(fs::exists(cut / "history.json"));
  CHECK(fs::exists(cut / "checkpoint.jsonl"));

  // Without --resume the checkpoint is not overwritten; with another objective it is not resumed.
  const CliResult refused = run_cli(optimize_args(f, cut, 7) + " --quiet");
  CHECK(refused.status != 0);
  CHECK_THAT(refused.out, Catch::Contains("--resume"));
  const CliResult mismatch = run_cli(optimize_args(f, cut, 7) + " --quiet --resume --first-seed 9");
  CHECK(mismatch.status != 0);
  CHECK_THAT(mismatch.out, Catch::Contains("first_seed"));

  const CliResult resumed = run_cli(optimize_args(f, cut, 7) + " --resume");
  INFO(resumed.out);
  REQUIRE(resumed.status == 0);
  CHECK_THAT(resumed.out, Catch::Contains("(5 resumed)"));
  CHECK(stable_evaluations(read_json(cut / "history.json")) ==
        stable_evaluations(read_json(dir.path() / "whole" / "history.json")));
  CHECK(read_text_file(cut / "convergence.csv") == read_text_file(dir.path() / "whole" / "convergence.csv"));
  CHECK(read_text_file(cut / "best.toml") == read_text_file(dir.path() / "whole" / "best.toml"));
}

TEST_CASE("hrsnn optimize names the spec file and line when a space path does not exist", "[optimize_cli]") {
  const Scratch dir("badpath");
  const Files f = write_inputs(dir);
  hrsnn::write_text_atomic(f.space, "[[dimension]]\npath = \"projections.XX.weight.high\"\nlow = 0.1\nhigh = 0.2\n");
  const CliResult r = run_cli(optimize_args(f, dir.path() / "out", 3));
  CHECK(r.status != 0);
  CHECK_THAT(r.out, Catch::Contains("tiny.toml"));
  CHECK_THAT(r.out, Catch::Contains("XX"));
}

TEST_CASE("hrsnn optimize --objective MC models minus the MC (not in log) and proposes from the GP", "[optimize_cli]") {
  const Scratch dir("objective_mc");
  const Files f = write_inputs(dir);
  const CliResult r = run_cli(optimize_args(f, dir.path() / "mc", 7) + " --quiet --objective MC");
  INFO(r.out);
  REQUIRE(r.status == 0);
  const nlohmann::json h = read_json(dir.path() / "mc" / "history.json");
  REQUIRE(h.at("evaluations").size() == 7);
  for (const auto& e : h["evaluations"]) {
    if (!e.at("ok").get<bool>()) continue;
    const auto& m = e.at("metrics");
    const double mc = m.contains("mc_corrected") ? m["mc_corrected"].get<double>() : m["mc"].get<double>();
    CHECK(e.at("value").get<double>() == Approx(-mc));
  }
  // After the spec point and the 3-point design, the rounds are proposed by a fitted GP (with log
  // values every -MC <= 0 was modelled as a failure and no GP was ever fitted).
  CHECK(!h.at("rounds").back().at("hyper").is_null());
  const std::string header = read_text_file(dir.path() / "mc" / "checkpoint.jsonl");
  CHECK(nlohmann::json::parse(header.substr(0, header.find('\n'))).at("log_values") == false);
}
