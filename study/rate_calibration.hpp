// Matched firing rates (docs/study.md "Matched rates"): the input gain of each model that brings
// its rate, measured as the study measures it (learning phase, then the frozen network on the
// memory task's input), to a target, so that models are compared at the same activity.
#pragma once

#include "core/backend.hpp"
#include "core/spec.hpp"
#include "study/study_config.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <vector>

namespace hrsnn::study {

struct GainProbe {
  double gain = 0.0;     // multiplies StudyConfig::input_gain
  double rate_hz = 0.0;  // mean rate of the frozen network over the measured samples
};

struct GainCalibration {
  double target_hz = 0.0;
  double gain = 1.0;     // the probe whose rate is nearest the target (in log ratio)
  double rate_hz = 0.0;  // its rate
  bool reached = false;  // within the tolerance of the target
  uint64_t seed = 0;
  std::vector<GainProbe> probes;  // in the order run
};

nlohmann::json to_json(const GainCalibration& c);

// Bisection of log(gain) over [1/16, 16] (the rate grows with the gain; checked at both ends
// first, so an unreachable target is reported, not guessed): config.rate_calibration.probes
// runs in all, each the memory task of `spec` (its seed set) with the study's learning phase and
// config.rate_calibration.samples measured samples, readout sizing off. Throws if a run fails.
GainCalibration calibrate_input_gain(const NetworkSpec& spec, Arith arith, const StudyConfig& config);

}  // namespace hrsnn::study
