#include "study/rate_calibration.hpp"

#include "study/task_runs.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace hrsnn::study {

namespace {

constexpr double kLowGain = 1.0 / 16.0;
constexpr double kHighGain = 16.0;

}  // namespace

nlohmann::json to_json(const GainCalibration& c) {
  nlohmann::json probes = nlohmann::json::array();
  for (const GainProbe& p : c.probes) probes.push_back({{"gain", p.gain}, {"rate_hz", p.rate_hz}});
  return {{"target_hz", c.target_hz}, {"gain", c.gain}, {"rate_hz", c.rate_hz},
          {"reached", c.reached},     {"seed", c.seed}, {"probes", probes}};
}

GainCalibration calibrate_input_gain(const NetworkSpec& spec, Arith arith, const StudyConfig& config) {
  const RateCalibrationConfig& rc = config.rate_calibration;
  if (!(rc.target_hz > 0.0)) throw std::invalid_argument("calibrate_input_gain: no target rate");
  if (rc.probes < 3) throw std::invalid_argument("calibrate_input_gain: at least 3 probes (both ends and one inside)");
  StudyConfig probe_config = config;
  probe_config.memory.samples = rc.samples;
  probe_config.min_fit_rows_per_feature = 0;  // the rate needs no readout sizing
  probe_config.memory.curve_fractions.clear();
  GainCalibration out;
  out.target_hz = rc.target_hz;
  out.seed = spec.simulation.seed;
  const auto rate_at = [&](double gain) {
    StudyConfig c = probe_config;
    c.input_gain = config.input_gain * gain;
    const Record r = run_snn_task(spec, "calibration", TaskKind::memory, arith, c, nullptr);
    if (!r.error.empty()) throw std::runtime_error(fmt::format("rate calibration at gain {:.4g}: {}", gain, r.error));
    const double rate = r.metrics.at("rate_hz");
    out.probes.push_back({gain, rate});
    return rate;
  };
  // Distance to the target in log ratio; a silent probe is infinitely far.
  const auto miss = [&](double rate) {
    return rate > 0.0 ? std::abs(std::log(rate / rc.target_hz)) : std::numeric_limits<double>::infinity();
  };
  double lo = kLowGain, hi = kHighGain;
  const double rate_lo = rate_at(lo);
  const double rate_hi = rate_at(hi);
  if (rate_lo < rc.target_hz && rate_hi > rc.target_hz) {
    for (uint32_t k = 2; k < rc.probes; ++k) {
      const double mid = std::sqrt(lo * hi);
      (rate_at(mid) < rc.target_hz ? lo : hi) = mid;
    }
  }
  const GainProbe* best = &out.probes.front();
  for (const GainProbe& p : out.probes)
    if (miss(p.rate_hz) < miss(best->rate_hz)) best = &p;
  out.gain = best->gain;
  out.rate_hz = best->rate_hz;
  out.reached = std::abs(out.rate_hz / rc.target_hz - 1.0) <= rc.tolerance;
  return out;
}

}  // namespace hrsnn::study
