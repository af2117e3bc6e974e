// Matched firing rates (study/rate_calibration.hpp): the input gain found by bisection brings the
// rate near the target, an unreachable target is reported as such, and a study with
// [rate_calibration] runs every series cell at its model's gain.
#include "core/spec.hpp"
#include "study/rate_calibration.hpp"
#include "study/study.hpp"
#include "study/variants.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>

using namespace hrsnn;
using namespace hrsnn::study;

namespace {

NetworkSpec small_slow_mrsnn() {
  NetworkSpec spec = scale_network(load_spec(std::string(HRSNN_SOURCE_DIR "/examples/mrsnn_slow.toml")), 0.1);
  spec.simulation.seed = 1;
  return spec;
}

StudyConfig calibration_config(double target_hz) {
  StudyConfig c = quick_study_config();
  c.rate_calibration.target_hz = target_hz;
  c.rate_calibration.probes = 7;
  c.rate_calibration.samples = 300;
  return c;
}

double miss(double rate, double target) { return std::abs(std::log(rate / target)); }

}  // namespace

TEST_CASE("The input gain is bisected to the target rate, and the nearest probe is kept", "[study][rates]") {
  const NetworkSpec spec = small_slow_mrsnn();
  const StudyConfig c = calibration_config(20.0);
  const GainCalibration g = calibrate_input_gain(spec, Arith::Float64, c);
  REQUIRE(g.probes.size() == 7);  // both ends, then 5 bisection steps
  CHECK(g.probes[0].gain == Approx(1.0 / 16.0));
  CHECK(g.probes[1].gain == Approx(16.0));
  CHECK(g.probes[0].rate_hz < 20.0);
  CHECK(g.probes[1].rate_hz > 20.0);
  // Every bisection probe lies strictly inside the range and halves it in log2 (8 -> 0.25).
  for (std::size_t k = 2; k < g.probes.size(); ++k) {
    CHECK(g.probes[k].gain > 1.0 / 16.0);
    CHECK(g.probes[k].gain < 16.0);
  }
  for (const GainProbe& p : g.probes) CHECK(miss(g.rate_hz, 20.0) <= miss(p.rate_hz, 20.0));
  CHECK(g.reached == (std::abs(g.rate_hz / 20.0 - 1.0) <= c.rate_calibration.tolerance));
  CHECK(miss(g.rate_hz, 20.0) < std::log(1.5));  // within 50% after 5 halvings of a 256x range
  const nlohmann::json j = to_json(g);
  CHECK(j["probes"].size() == 7);
  CHECK(j["gain"] == g.gain);
}

TEST_CASE("A target rate the network cannot reach is reported after the two end probes", "[study][rates]") {
  // Refractory periods of 2 and 1 steps cap the rate far below 2 kHz at any gain.
  const GainCalibration g = calibrate_input_gain(small_slow_mrsnn(), Arith::Float64, calibration_config(2000.0));
  CHECK(g.probes.size() == 2);
  CHECK_FALSE(g.reached);
  CHECK(g.gain == Approx(16.0));
}

TEST_CASE("A study with matched rates runs each model's series cells at its calibrated gain", "[study][rates]") {
  StudyConfig c = calibration_config(20.0);
  c.homogeneous_spec = HRSNN_SOURCE_DIR "/examples/mrsnn_slow.toml";
  c.heterogeneous_spec = HRSNN_SOURCE_DIR "/examples/hrsnn_slow.toml";
  c.models = {Variant::mrsnn, Variant::het_neurons};
  c.arithmetics = {Arith::Float64};
  c.tasks = {TaskKind::memory};
  c.seeds = 2;
  c.baselines.esn = c.baselines.linear = false;
  c.rate_calibration.probes = 4;
  const StudyResult r = run_study(c);
  REQUIRE(r.rate_calibration.size() == 2);
  for (const auto& cal : r.rate_calibration) {
    CHECK(cal["probes"].size() == 4);
    for (const Record& rec : r.records)
      if (rec.model == cal["model"].get<std::string>()) CHECK(rec.detail["input_gain"] == cal["gain"]);
  }
  CHECK(to_json(r.config)["rate_calibration"]["target_hz"] == 20.0);
}
