// The claims (study/claims.hpp): Student's t against tabulated values, the paired t-test and sign
// test on constructed data, the verdict rules, the claims built from constructed records (TOST,
// Holm, the primary arithmetic, missing metrics) and the [claims] keys of the study config.
#include "study/claims.hpp"

#include "tests/support/scratch_dir.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <vector>

using hrsnn::Arith;
using hrsnn::test::ScratchDir;
using namespace hrsnn::study;

TEST_CASE("Student's t CDF matches tabulated quantiles", "[study][claims]") {
  // Two-sided 95% critical values: t(4) = 2.776445, t(9) = 2.262157; one-sided 95%: t(4) = 2.131847.
  CHECK(student_t_cdf(2.776445, 4) == Approx(0.975).margin(1e-6));
  CHECK(student_t_cdf(2.262157, 9) == Approx(0.975).margin(1e-6));
  CHECK(student_t_cdf(2.131847, 4) == Approx(0.95).margin(1e-6));
  CHECK(student_t_cdf(0.0, 3) == Approx(0.5));
  CHECK(student_t_cdf(-2.131847, 4) == Approx(0.05).margin(1e-6));
  // One degree of freedom is the Cauchy distribution: F(1) = 3/4.
  CHECK(student_t_cdf(1.0, 1) == Approx(0.75).margin(1e-12));
  CHECK(student_t_quantile(0.95, 4) == Approx(2.131847).margin(1e-5));
  CHECK(incomplete_beta(2.0, 3.0, 0.4) == Approx(0.5248).margin(1e-12));  // 1 - (0.6^4 + 4 * 0.4 * 0.6^3)
}

TEST_CASE("the paired t-test works on the per-seed differences", "[study][claims]") {
  const std::vector<double> a = {1.2, 1.5, 1.1, 1.4, 1.3};
  const std::vector<double> b = {1.0, 1.1, 1.0, 1.1, 1.0};
  // Differences 0.2 0.4 0.1 0.3 0.3: mean 0.26, sd 0.1140175, t = 0.26 / (0.1140175 / sqrt 5) = 5.0990.
  const PairedStats s = paired_stats(a, b, Direction::greater);
  CHECK(s.n == 5);
  CHECK(s.mean_diff == Approx(0.26));
  CHECK(s.sd_diff == Approx(0.1140175).epsilon(1e-6));
  CHECK(s.t == Approx(5.0990195).epsilon(1e-6));
  CHECK(s.p_one_sided == Approx(1.0 - student_t_cdf(5.0990195, 4)).epsilon(1e-6));
  CHECK(s.p_one_sided < 0.01);
  CHECK(s.agree == 5);
  CHECK(s.sign_p == Approx(1.0 / 32.0));
  CHECK(s.bound95 == Approx(0.26 - 2.131847 * 0.1140175 / std::sqrt(5.0)).epsilon(1e-5));
  CHECK(directional_verdict(s) == "holds");
  // The opposite claim on the same data fails.
  const PairedStats r = paired_stats(a, b, Direction::less);
  CHECK(r.p_one_sided > 0.99);
  CHECK(directional_verdict(r) == "fails");
  // Noise around zero is inconclusive.
  const PairedStats z =
      paired_stats(std::vector<double>{1, 2, 3, 4}, std::vector<double>{1.1, 1.9, 3.2, 3.9}, Direction::greater);
  CHECK(directional_verdict(z) == "inconclusive");
}

TEST_CASE("identical differences give a certain verdict, and a single pair none", "[study][claims]") {
  const PairedStats s = paired_stats(std::vector<double>{2, 3, 4}, std::vector<double>{1, 2, 3}, Direction::greater);
  CHECK(s.p_one_sided == 0.0);
  CHECK(directional_verdict(s) == "holds");
  const PairedStats one = paired_stats(std::vector<double>{2}, std::vector<double>{1}, Direction::greater);
  CHECK(directional_verdict(one) == "inconclusive");
  CHECK_THROWS(paired_stats(std::vector<double>{1, 2}, std::vector<double>{1}, Direction::less));
}

namespace {

// Records of the memory task for the four variants over `seeds` seeds in float64 and fixed:
// het-neurons 0.5 MC above the MRSNN, het-STDP 20% fewer spikes at nearly the same MC, the HRSNN
// better than the MRSNN on NARMA-10 with fewer spikes. Seed-dependent jitter keeps the sd > 0.
std::vector<Record> constructed_records(int seeds) {
  std::vector<Record> out;
  for (const char* arith : {"float64", "fixed"})
    for (int s = 1; s <= seeds; ++s) {
      const double j = 0.01 * ((s * 7) % 5 - 2);  // -0.02 .. 0.02
      const double base_mc = 1.0 + 0.1 * s, base_s = 0.05 + 0.001 * s, base_nrmse = 0.8 + 0.01 * s;
      const auto add = [&](const char* model, double mc, double spikes, double nrmse) {
        Record r;
        r.model = model;
        r.arith = arith;
        r.seed = static_cast<uint64_t>(s);
        r.task = TaskKind::memory;
        r.metrics = {{"mc", mc}, {"S", spikes}, {"narma10_nrmse", nrmse}};
        out.push_back(r);
      };
      add("mrsnn", base_mc, base_s, base_nrmse);
      add("het-neurons", base_mc + 0.5 + j, base_s * (1.1 + j), base_nrmse + j);
      add("het-stdp", base_mc + 0.1 * j, base_s * (0.8 + j), base_nrmse + j);
      add("hrsnn", base_mc + 0.5 + 0.1 * j, base_s * (0.8 - j), base_nrmse - 0.1 + j);
    }
  return out;
}

StudyConfig memory_only_config() {
  StudyConfig c = default_study_config();
  c.tasks = {TaskKind::memory};
  c.arithmetics = {Arith::Float64, Arith::Fixed};
  c.claims.mc_metric = "mc";  // the records below carry the raw MC only
  return c;
}

const nlohmann::json& claim(const nlohmann::json& claims, const char* id) {
  for (const auto& c : claims)
    if (c["id"] == id) return c;
  FAIL("no claim " << id);
  return claims;
}

}  // namespace

TEST_CASE("the claims: directional (a), t-test and TOST (b), Holm (c), one primary arithmetic", "[study][claims]") {
  const std::vector<Record> records = constructed_records(10);
  StudyConfig config = memory_only_config();
  const nlohmann::json claims = evaluate_claims(records, config);
  REQUIRE(claims.size() == 3);
  for (const auto& c : claims) {
    INFO(c.dump(2));
    CHECK(c["arith"] == "float64");
    REQUIRE(c["second_measurement"].size() == 1);
    CHECK(c["second_measurement"][0]["arith"] == "fixed");
    CHECK(c["second_measurement"][0]["note"] == "second measurement of the same seeds, not a replication");
    CHECK(c["verdict"] == "holds");
  }
  const auto& b = claim(claims, "b");
  const auto& mc = b["parts"][1];
  CHECK(mc["direction"] == "equivalent");
  CHECK(mc["margin_source"] == "margin from the data (not pre-registered)");
  CHECK(mc["verdict"] == "equivalent");
  CHECK(mc["equivalence"]["p_tost"].get<double>() < 0.05);
  CHECK(mc["margin"].get<double>() == Approx(0.1 * 1.55));  // 10% of the MRSNN's mean MC over seeds 1..10
  const auto& c = claim(claims, "c");
  REQUIRE(c["parts"].size() == 2);
  for (const auto& p : c["parts"]) CHECK(p["p_holm"].get<double>() >= p["stats"]["p_one_sided"].get<double>());
  CHECK(c["per_task"]["narma10"] == "holds");
  CHECK(c["multiplicity"]["method"] == "Holm-Bonferroni");

  SECTION("a margin fixed in advance that the data cannot meet leaves (b) inconclusive, with the seeds needed") {
    config.claims.mc_margin_abs = 0.0005;  // the MC differences have sd 0.0015
    const nlohmann::json with_abs = evaluate_claims(records, config);
    const auto& part = claim(with_abs, "b")["parts"][1];
    INFO(part.dump(2));
    CHECK(part["margin_source"] == "margin fixed in advance");
    CHECK(part["margin"].get<double>() == 0.0005);
    CHECK(part["verdict"] == "inconclusive");
    CHECK(claim(with_abs, "b")["verdict"] == "inconclusive");
    CHECK(claim(with_abs, "b")["seeds_for_power"].is_number());
    CHECK(part["equivalence"]["n_for_power"].get<std::size_t>() > 10);
  }
  SECTION("the chance-corrected MC absent from the records: the MC claims are not run") {
    config.claims.mc_metric = "mc_corrected";
    const nlohmann::json corrected = evaluate_claims(records, config);
    CHECK(claim(corrected, "a")["verdict"] == "not run");
    CHECK(claim(corrected, "a")["parts"][0]["reason"].get<std::string>().find("lack the metric mc_corrected") !=
          std::string::npos);
    CHECK(claim(corrected, "b")["verdict"] == "not run");
    CHECK(claim(corrected, "c")["verdict"] == "holds");
  }
  SECTION("the primary arithmetic comes from the protocol; one the study did not run is said") {
    config.claims.primary_arith = "fixed";
    const nlohmann::json fixed = evaluate_claims(records, config);
    CHECK(claim(fixed, "a")["arith"] == "fixed");
    CHECK(claim(fixed, "a")["second_measurement"][0]["arith"] == "float64");
    config.arithmetics = {Arith::Float64};
    const nlohmann::json only_float = evaluate_claims(records, config);
    CHECK(claim(only_float, "a")["arith"] == "float64");
    CHECK(claim(only_float, "a").contains("primary_arith_note"));
    CHECK_FALSE(claim(only_float, "a").contains("second_measurement"));
  }
  SECTION("with too few seeds a claim is inconclusive and says how many seeds would decide it") {
    const std::vector<Record> few = constructed_records(3);
    StudyConfig c3 = memory_only_config();
    c3.claims.mc_margin_abs = 0.01;
    const nlohmann::json small = evaluate_claims(few, c3);
    INFO(small.dump(2));
    for (const auto& cl : small)
      if (cl["verdict"] == "inconclusive") CHECK(cl.contains("seeds_for_power"));
  }
}

TEST_CASE("Holm over claim (c)'s parts can withhold a verdict a single test would give", "[study][claims]") {
  // Four tasks' parts, each with one-sided p just below 0.05 on its own: the raw tests hold, the
  // Holm-adjusted ones do not.
  std::vector<Record> records;
  const std::vector<double> d = {0.30, -0.05, 0.20, 0.10, 0.25, 0.0};  // t = 2.04, p = 0.048 (5 dof)
  for (TaskKind t : {TaskKind::memory, TaskKind::mackey_glass}) {
    for (std::size_t s = 0; s < d.size(); ++s) {
      for (const char* model : {"mrsnn", "hrsnn"}) {
        Record r;
        r.model = model;
        r.arith = "float64";
        r.seed = s + 1;
        r.task = t;
        const double shift = std::string(model) == "hrsnn" ? -d[s] : 0.0;
        r.metrics = {{"narma10_nrmse", 1.0 + shift}, {"nrmse", 1.0 + shift}, {"S", 1.0 + shift}, {"mc", 1.0}};
        records.push_back(r);
      }
    }
  }
  StudyConfig config = default_study_config();
  config.tasks = {TaskKind::memory, TaskKind::mackey_glass};
  config.arithmetics = {Arith::Float64};
  const nlohmann::json c = claim(evaluate_claims(records, config), "c");
  INFO(c.dump(2));
  REQUIRE(c["parts"].size() == 4);
  for (const auto& p : c["parts"]) {
    CHECK(p["stats"]["p_one_sided"].get<double>() < 0.05);
    CHECK(p["p_holm"].get<double>() == Approx(4 * p["stats"]["p_one_sided"].get<double>()));  // all equal: m p
    CHECK(p["verdict"] == "inconclusive");
    CHECK(p["power"]["alpha"].get<double>() == Approx(0.05 / 4));
  }
  CHECK(c["verdict"] == "inconclusive");
  CHECK(c["seeds_for_power"].get<std::size_t>() > 6);
}

TEST_CASE("the study config reads the claims' protocol keys", "[study][claims][config]") {
  const ScratchDir dir("claims_config");
  std::ofstream(dir.path() / "c.toml") << "[claims]\nalpha = 0.025\nmc_margin_abs = 0.3\nmc_metric = \"mc_corrected\"\n"
                                          "primary_arith = \"fixed\"\npower = 0.9\n";
  const StudyConfig c = load_study_config((dir.path() / "c.toml").string(), quick_study_config());
  CHECK(c.claims.alpha == 0.025);
  CHECK(c.claims.mc_margin == 0.10);  // untouched
  CHECK(c.claims.mc_margin_abs == 0.3);
  CHECK(c.claims.mc_metric == "mc_corrected");
  CHECK(c.claims.primary_arith == "fixed");
  CHECK(c.claims.power == 0.9);
  const nlohmann::json j = to_json(c)["claims"];
  CHECK(j["mc_margin_abs"] == 0.3);
  CHECK(j["mc_metric"] == "mc_corrected");
  CHECK(j["primary_arith"] == "fixed");
  CHECK(j["power"] == 0.9);
  const StudyConfig d = default_study_config();
  CHECK(d.claims.mc_margin_abs == 0.0);
  CHECK(d.claims.mc_metric == "mc_corrected");
  CHECK(d.claims.primary_arith == "float64");
  CHECK(d.claims.power == 0.8);
  std::ofstream(dir.path() / "bad.toml") << "[claims]\n\nmc_metric = \"r2\"\n";
  CHECK_THROWS_WITH(load_study_config((dir.path() / "bad.toml").string(), quick_study_config()),
                    Catch::Contains("bad.toml:3: claims.mc_metric") && Catch::Contains("mc_corrected"));
  std::ofstream(dir.path() / "bad2.toml") << "[claims]\nmc_margin_abs = -1\n";
  CHECK_THROWS_WITH(load_study_config((dir.path() / "bad2.toml").string(), quick_study_config()),
                    Catch::Contains("claims.mc_margin_abs") && Catch::Contains("out of range"));
}

TEST_CASE("claim (d) is tested only when het-synapses is run: its MC against the MRSNN's", "[study][claims]") {
  std::vector<Record> records = constructed_records(10);
  StudyConfig config = memory_only_config();
  CHECK(evaluate_claims(records, config).size() == 3);  // no het-synapses model: no claim (d)
  // het-synapses 0.2 MC above the MRSNN on every seed (with jitter), NARMA-10 unchanged on average.
  const std::size_t n = records.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (records[i].model != "mrsnn") continue;
    Record r = records[i];
    r.model = "het-synapses";
    const double j = 0.01 * static_cast<double>((r.seed * 3) % 5) - 0.02;
    r.metrics["mc"] += 0.2 + j;
    r.metrics["narma10_nrmse"] += j;
    records.push_back(r);
  }
  config.models.push_back(Variant::het_synapses);
  const nlohmann::json claims = evaluate_claims(records, config);
  REQUIRE(claims.size() == 4);
  const auto& d = claim(claims, "d");
  INFO(d.dump(2));
  CHECK(d["verdict"] == "holds");
  CHECK(d["parts"][0]["comparison"] == "het-synapses vs mrsnn");
  CHECK(d["parts"][0]["stats"]["mean_diff"].get<double>() == Approx(0.2).margin(0.02));
  CHECK(d["secondary"][0]["metric"] == "memory.narma10_nrmse");
  CHECK(d["second_measurement"][0]["arith"] == "fixed");
}
