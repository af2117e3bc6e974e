#include "report/sections.hpp"

#include <fmt/core.h>

namespace hrsnn::report {

std::string energy_section(const PageInputs& in) {
  const auto& runs = in.runs;
  std::string h = "<h2 id=\"energy\">4. Energy from counted events</h2>\n";
  h += "<p>Each run's integer event counts (neuron updates, spikes, synaptic events, trace and plastic updates, "
       "memory accesses) priced under each chip model of <code>data/energy/models.toml</code>, exactly as "
       "<code>hrsnn energy</code> does (<code>docs/energy.md</code> gives every figure's source and why it is charged "
       "where it is). The models are shown side by side and never averaged: their spread is part of the answer.</p>\n";
  h += figure(in.figs, "energy_totals", "energy per inference per model",
              "Energy per inference (log scale) for the four runs under every spiking-chip model, and the dense "
              "non-spiking RNN of the same size (45 nm, Horowitz 2014). &ge;: lower bound.");
  h += figure(in.figs, "energy_breakdown", "energy breakdown by event type",
              "Breakdown by event type per model (linear scale within each panel). Event types a model does not "
              "price are absent, and the total is then a lower bound (&ge;).");
  const auto& e0 = runs.front().energy;
  std::string cross;
  for (const auto& c : e0.crossovers)
    cross += (cross.empty() ? "" : "; ") +
             (c.low == c.high ? fmt::format("{} {:g}", html::escape(c.name), c.low)
                              : fmt::format("{} {:g}&ndash;{:g}", html::escape(c.name), c.low, c.high));
  h += "<p>Spikes per synapse per inference: ";
  for (const auto& r : runs)
    h += fmt::format("{} {}; ", html::escape(r.title()),
                     r.energy.spikes_per_synapse_per_inference
                         ? fmt::format("{:.3f}", *r.energy.spikes_per_synapse_per_inference)
                         : std::string("n/a"));
  h += "published break-even points (spiking wins below, under each paper's assumptions): " + cross + ".</p>\n";
  h += "<details><summary>Full energy reports (every figure, citation and warning), one per run</summary>\n";
  for (const auto& r : runs)
    h += "<h4>" + html::escape(r.title()) + "</h4><pre>" + html::escape(energy::format_report(r.energy)) + "</pre>\n";
  h += "</details>\n";
  return h;
}

// The energy figures' data: per-inference energy per model and run, and its breakdown by event.
ojson energy_figure_data(const std::vector<ExampleRun>& runs) {
  ojson e;
  e["models"] = ojson::array();
  for (const auto& m : runs.front().energy.models) e["models"].push_back(m.model);
  e["events"] = energy::spiking_event_names();
  e["runs"] = ojson::array();
  for (const auto& r : runs) {
    const double samples = static_cast<double>(r.result.input_samples);
    ojson jr = {{"network", r.network},
                {"arith", to_string(r.arith)},
                {"label", r.title()},
                {"short_label", r.label + (r.arith == Arith::Fixed ? "\nfixed" : "\nfloat")}};
    jr["per_inference_j"] = ojson::object();
    jr["lower_bound"] = ojson::object();
    jr["by_event_per_inference_j"] = ojson::object();
    for (const auto& m : r.energy.models) {
      jr["per_inference_j"][m.model] = m.per_inference_j ? ojson(*m.per_inference_j) : ojson(nullptr);
      jr["lower_bound"][m.model] = m.lower_bound;
      ojson ev = ojson::object();
      for (const auto& b : m.by_event)
        if (b.status == energy::EventStatus::Priced && samples > 0) ev[b.event] = b.energy_j / samples;
      jr["by_event_per_inference_j"][m.model] = ev;
    }
    e["runs"].push_back(std::move(jr));
  }
  e["dense"] = ojson::object();
  for (const auto& m : runs.front().energy.dense_baselines)
    e["dense"][m.model] = m.per_inference_j ? ojson(*m.per_inference_j) : ojson(nullptr);
  return e;
}

}  // namespace hrsnn::report
