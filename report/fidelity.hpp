// Float64 reference vs fixed-point core for one example network: where the rasters part, how
// far the probed neuron's membrane strays before they do, and the spike-count ratio.
#pragma once

#include "report/runs.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hrsnn::report {

struct Fidelity {
  std::string network;
  std::optional<uint64_t> first_raster_difference;  // first step whose spike sets differ
  std::optional<uint64_t> first_probe_spike_difference;
  // Over the membrane window's steps before the probed neuron's spikes first differ.
  double max_abs_dv_window = 0.0, rms_dv_window = 0.0;
  uint64_t compared_steps = 0;
  double max_abs_dv_before_divergence = 0.0;  // over the steps before the rasters differ
  double spike_ratio = 0.0;                   // fixed spikes / float spikes
};

// `ref` and `fix`: the float64 and fixed runs of one network (same probe neuron).
Fidelity compare_float_fixed(const ExampleRun& ref, const ExampleRun& fix);
// One comparison per network of simulate_examples()'s runs.
std::vector<Fidelity> compare_examples(const std::vector<ExampleRun>& runs);

// The summary.json entry of one comparison.
nlohmann::json to_json(const Fidelity& f);

// A first-difference step as the page and the text summary print it.
std::string opt_step(const std::optional<uint64_t>& s);

}  // namespace hrsnn::report
