#include "report/sections.hpp"

#include <fmt/core.h>

#include <algorithm>

namespace hrsnn::report {

std::string float_fixed_table(const std::vector<Fidelity>& fidelity) {
  std::string h;
  h += "<h3>Float64 reference vs fixed-point core</h3>\n<table class=\"data\"><thead><tr><th>network</th>"
       "<th>first step whose spikes differ (whole network)</th><th>first step whose spikes differ (probe neuron)</th>"
       "<th>max |&Delta;v| before the rasters differ</th><th>fixed / float spikes</th></tr></thead><tbody>\n";
  for (const auto& f : fidelity)
    h += fmt::format(
        "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{:.3g}</td>"
        "<td class=\"num\">{:.4f}</td></tr>\n",
        f.network, opt_step(f.first_raster_difference), opt_step(f.first_probe_spike_difference),
        f.max_abs_dv_before_divergence, f.spike_ratio);
  h += "</tbody></table>\n<p class=\"note\">A recurrent network is chaotic: once one spike differs the rasters part, "
       "so agreement is judged by the step of the first difference and by the rates, not spike for spike over the "
       "whole run. &Delta;v in threshold units (fixed register / voltage_scale minus float).</p>\n";
  return h;
}

std::string membrane_section(const PageInputs& in) {
  std::string h = "<h2 id=\"membrane\">3. Membrane potential: float vs fixed (vs RTL)</h2>\n";
  h += figure(in.figs, "membrane", "membrane traces",
              fmt::format("v and u of one neuron (the first excitatory neuron the input drives; "
                          "<code>--probe-neuron</code> changes it) over the first {} steps: float64 solid, fixed-point "
                          "dashed (register value divided by <code>voltage_scale</code>); below, fixed minus float.",
                          std::min(in.steps, kMembraneWindowSteps)));
  h += "<table class=\"data\"><thead><tr><th>network</th><th>neuron</th><th>max |&Delta;v|</th><th>RMS &Delta;v</th>"
       "<th>over steps (before the neuron's spikes first differ)</th></tr></thead><tbody>\n";
  for (const auto& f : in.fidelity) {
    const auto& r =
        *std::find_if(in.runs.begin(), in.runs.end(), [&](const ExampleRun& x) { return x.network == f.network; });
    h += fmt::format(
        "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{:.3g}</td><td class=\"num\">{:.3g}</td>"
        "<td class=\"num\">{}</td></tr>\n",
        f.network, r.probe, f.max_abs_dv_window, f.rms_dv_window,
        fmt::format("0&ndash;{}", f.compared_steps ? f.compared_steps - 1 : 0));
  }
  h += "</tbody></table>\n";
  if (in.rtl.empty()) {
    h += "<p class=\"hook\"><b>RTL trace: not available yet.</b> The Verilated neuron core holds at most 256 "
         "neurons and 16,384 synapses, fewer than these examples have. For a network that fits (e.g. "
         "<code>examples/mrsnn_small.toml</code>), <code>hrsnn verify SPEC --probe IDS --probe-out FILE</code> runs "
         "the Verilog core in lockstep with the fixed-point core and records its u and v; pass such a file as "
         "<code>--rtl-probes mrsnn:FILE</code> / <code>--rtl-probes hrsnn:FILE</code> together with "
         "<code>--examples DIR</code> holding that network (FILE: <code>step,neuron,u,v</code> in threshold units, "
         "same spec, seed and steps) and it is drawn here as a third trace, with RTL "
         "minus fixed, which must be 0.</p>\n";
  } else {
    for (const auto& [name, t] : in.rtl)
      h += fmt::format("<p class=\"hook\">RTL trace of {} from <code>{}</code>: {} samples.</p>\n", name,
                       html::escape(t.source), t.step.size());
  }
  return h;
}

}  // namespace hrsnn::report
