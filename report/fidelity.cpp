#include "report/fidelity.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <utility>

namespace hrsnn::report {

using nlohmann::json;

namespace {

std::vector<std::pair<uint64_t, uint32_t>> sorted_spikes(const Raster& r) {
  std::vector<std::pair<uint64_t, uint32_t>> s(r.size());
  for (size_t k = 0; k < r.size(); ++k) s[k] = {r.step[k], r.neuron[k]};
  std::sort(s.begin(), s.end());
  return s;
}

// The first step at which the two rasters' spike sets differ (nullopt: identical).
std::optional<uint64_t> first_difference(const Raster& a, const Raster& b, std::optional<uint32_t> only = {}) {
  auto sa = sorted_spikes(a), sb = sorted_spikes(b);
  if (only) {
    auto other = [&](const auto& p) { return p.second != *only; };
    sa.erase(std::remove_if(sa.begin(), sa.end(), other), sa.end());
    sb.erase(std::remove_if(sb.begin(), sb.end(), other), sb.end());
  }
  const size_t n = std::min(sa.size(), sb.size());
  for (size_t k = 0; k < n; ++k)
    if (sa[k] != sb[k]) return std::min(sa[k].first, sb[k].first);
  if (sa.size() > n) return sa[n].first;
  if (sb.size() > n) return sb[n].first;
  return std::nullopt;
}

}  // namespace

Fidelity compare_float_fixed(const ExampleRun& ref, const ExampleRun& fix) {
  Fidelity f;
  f.network = ref.network;
  f.first_raster_difference = first_difference(ref.result.raster, fix.result.raster);
  f.first_probe_spike_difference = first_difference(ref.result.raster, fix.result.raster, ref.probe);
  const auto& a = ref.result.probes;
  const auto& b = fix.result.probes;
  const size_t n = std::min(a.step.size(), b.step.size());
  double sum2 = 0.0;
  size_t in_window = 0;
  f.compared_steps = std::min({ref.result.steps, kMembraneWindowSteps,
                               f.first_probe_spike_difference.value_or(ref.result.steps)});
  for (size_t k = 0; k < n; ++k) {
    const double dv = b.v[k] / fix.result.voltage_scale - a.v[k] / ref.result.voltage_scale;
    if (a.step[k] < f.compared_steps) {
      f.max_abs_dv_window = std::max(f.max_abs_dv_window, std::abs(dv));
      sum2 += dv * dv;
      ++in_window;
    }
    if (!f.first_raster_difference || a.step[k] < *f.first_raster_difference)
      f.max_abs_dv_before_divergence = std::max(f.max_abs_dv_before_divergence, std::abs(dv));
  }
  f.rms_dv_window = in_window ? std::sqrt(sum2 / static_cast<double>(in_window)) : 0.0;
  f.spike_ratio = ref.result.counts.total.spikes
                      ? static_cast<double>(fix.result.counts.total.spikes) /
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
