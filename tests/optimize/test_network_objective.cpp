// The optimizer's objective (optimize/network_objective.hpp): how per-seed study records combine
// into one evaluation, failures with their reason, and the seeds each evaluation uses.
#include "optimize/network_objective.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

namespace {
hrsnn::study::Record record(uint64_t seed, double s, double mc, double narma) {
  hrsnn::study::Record r;
  r.seed = seed;
  r.metrics = {{"S", s}, {"mc", mc}, {"E", mc > 0 ? s / mc : INFINITY}, {"narma10_nrmse", narma}};
  return r;
}
}  // namespace

TEST_CASE("The E objective averages each seed's S over MC and returns the mean MC as constraint", "[optimize_cli]") {
  hrsnn::opt::NetworkObjectiveConfig c;
  const auto e = hrsnn::opt::combine_records(c, {record(1, 0.02, 2.0, 0.5), record(2, 0.04, 2.0, 0.7)}, {"mc"});
  CHECK(e.ok);
  CHECK(e.value == Approx((0.01 + 0.02) / 2));
  REQUIRE(e.constraints.size() == 1);
  CHECK(e.constraints[0] == Approx(2.0));
  CHECK(e.metrics.at("S").get<double>() == Approx(0.03));
  CHECK(e.metrics.at("seeds").size() == 2);
}

TEST_CASE("The task objective is the task error plus lambda times S", "[optimize_cli]") {
  hrsnn::opt::NetworkObjectiveConfig c;
  c.kind = hrsnn::opt::ObjectiveKind::task;
  c.task = hrsnn::study::TaskKind::memory;  // NARMA-10
  c.activity_weight = 10.0;
  const auto e = hrsnn::opt::combine_records(c, {record(1, 0.02, 2.0, 0.5), record(2, 0.04, 2.0, 0.7)}, {});
  CHECK(e.ok);
  CHECK(e.value == Approx(0.6 + 10.0 * 0.03));
  CHECK(e.metrics.at("task_error").get<double>() == Approx(0.6));
}

TEST_CASE("The MC objective is minus the chance-corrected MC, or the raw MC without a correction", "[optimize_cli]") {
  hrsnn::opt::NetworkObjectiveConfig c;
  c.kind = hrsnn::opt::parse_objective_kind("MC");
  CHECK(std::string(hrsnn::opt::to_string(c.kind)) == "MC");
  auto a = record(1, 0.02, 3.0, 0.5), b = record(2, 0.04, 4.0, 0.7);
  CHECK(hrsnn::opt::combine_records(c, {a, b}, {}).value == Approx(-3.5));
  a.metrics["mc_corrected"] = 2.9;
  b.metrics["mc_corrected"] = 3.9;
  const auto e = hrsnn::opt::combine_records(c, {a, b}, {"mc_corrected"});
  CHECK(e.ok);
  CHECK(e.value == Approx(-3.4));
  CHECK(e.constraints[0] == Approx(3.4));
  CHECK_THROWS_WITH(hrsnn::opt::parse_objective_kind("mc"), Catch::Contains("allowed: E, task, MC"));
}

TEST_CASE("A seed with no memory, no spikes or an error fails the evaluation with its reason", "[optimize_cli]") {
  hrsnn::opt::NetworkObjectiveConfig c;
  const auto silent = hrsnn::opt::combine_records(c, {record(1, 0.02, 2.0, 0.5), record(2, 0.0, 0.0, 1.0)}, {"mc"});
  CHECK_FALSE(silent.ok);
  CHECK(std::isnan(silent.value));
  CHECK_THAT(silent.error, Catch::Contains("seed 2"));
  CHECK_THAT(silent.error, Catch::Contains("MC"));
  const auto noise = hrsnn::opt::combine_records(c, {record(1, 0.0, 1e-29, 1.0)}, {"mc"});
  CHECK_FALSE(noise.ok);
  CHECK_THAT(noise.error, Catch::Contains("remembers nothing"));
  const auto quiet = hrsnn::opt::combine_records(c, {record(1, 0.0, 0.3, 1.0)}, {"mc"});
  CHECK_FALSE(quiet.ok);
  CHECK_THAT(quiet.error, Catch::Contains("silent"));
  hrsnn::study::Record broken;
  broken.seed = 3;
  broken.error = "quantize: weight out of range";
  const auto failed = hrsnn::opt::combine_records(c, {broken}, {"mc"});
  CHECK_FALSE(failed.ok);
  CHECK_THAT(failed.error, Catch::Contains("quantize"));
}

TEST_CASE("Common seeds are the same for every evaluation, fresh seeds differ", "[optimize_cli]") {
  hrsnn::opt::NetworkObjectiveConfig c;
  c.seeds = 3;
  c.first_seed = 5;
  CHECK(hrsnn::opt::evaluation_seeds(c, 0) == std::vector<uint64_t>{5, 6, 7});
  CHECK(hrsnn::opt::evaluation_seeds(c, 9) == std::vector<uint64_t>{5, 6, 7});
  c.fresh_seeds = true;
  CHECK(hrsnn::opt::evaluation_seeds(c, 0) != hrsnn::opt::evaluation_seeds(c, 1));
  CHECK(hrsnn::opt::evaluation_seeds(c, 4) == hrsnn::opt::evaluation_seeds(c, 4));
}
