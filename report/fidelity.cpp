#include "report/fidelity.hpp"

#include "study/fidelity.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

namespace hrsnn::report {

using nlohmann::json;

namespace {

// The raster's spikes of one neuron.
Raster spikes_of(const Raster& r, uint32_t neuron) {
  Raster out;
  for (uint64_t k = 0; k < r.size(); ++k)
    if (r.neuron[k] == neuron) {
      out.step.push_back(r.step[k]);
      out.neuron.push_back(neuron);
    }
  return out;
}

}  // namespace

// The spike-train comparison is study/fidelity's (the quantization sweep scores register
// formats with it); what is the report's own is the membrane window and the maxima of |dv|.
Fidelity compare_float_fixed(const ExampleRun& ref, const ExampleRun& fix) {
  Fidelity f;
  f.network = ref.network;
  const uint64_t steps = ref.result.steps;
  f.first_raster_difference = study::first_divergence_step(ref.result.raster, fix.result.raster, steps);
  f.first_probe_spike_difference = study::first_divergence_step(spikes_of(ref.result.raster, ref.probe),
                                                                spikes_of(fix.result.raster, ref.probe), steps);
  const auto& a = ref.result.probes;
  const auto& b = fix.result.probes;
  const size_t n = std::min(a.step.size(), b.step.size());
  f.compared_steps = std::min({steps, kMembraneWindowSteps, f.first_probe_spike_difference.value_or(steps)});
  std::vector<double> v_float, v_fixed;  // in threshold units, over the compared steps
  for (size_t k = 0; k < n; ++k) {
    const double va = a.v[k] / ref.result.voltage_scale, vb = b.v[k] / fix.result.voltage_scale;
    const double dv = vb - va;
    if (a.step[k] < f.compared_steps) {
      f.max_abs_dv_window = std::max(f.max_abs_dv_window, std::abs(dv));
      v_float.push_back(va);
      v_fixed.push_back(vb);
    }
    if (!f.first_raster_difference || a.step[k] < *f.first_raster_difference)
      f.max_abs_dv_before_divergence = std::max(f.max_abs_dv_before_divergence, std::abs(dv));
  }
  f.rms_dv_window = study::rmse(v_fixed, v_float);
  f.spike_ratio = ref.result.counts.total.spikes ? static_cast<double>(fix.result.counts.total.spikes) /
                                                       static_cast<double>(ref.result.counts.total.spikes)
                                                 : 0.0;
  return f;
}

std::vector<Fidelity> compare_examples(const std::vector<ExampleRun>& runs) {
  return {compare_float_fixed(runs[0], runs[1]), compare_float_fixed(runs[2], runs[3])};
}

json to_json(const Fidelity& f) {
  return {{"network", f.network},
          {"first_raster_difference", f.first_raster_difference ? json(*f.first_raster_difference) : json(nullptr)},
          {"first_probe_spike_difference",
           f.first_probe_spike_difference ? json(*f.first_probe_spike_difference) : json(nullptr)},
          {"membrane_compared_steps", f.compared_steps},
          {"max_abs_dv_window", f.max_abs_dv_window},
          {"rms_dv_window", f.rms_dv_window},
          {"max_abs_dv_before_divergence", f.max_abs_dv_before_divergence},
          {"fixed_over_float_spikes", f.spike_ratio}};
}

std::string opt_step(const std::optional<uint64_t>& s) { return s ? fmt::format("{}", *s) : "none (identical)"; }

}  // namespace hrsnn::report
