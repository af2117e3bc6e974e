#include "report/sections.hpp"

#include <fmt/core.h>

namespace hrsnn::report {

std::string examples_section(const PageInputs& in) {
  const auto& runs = in.runs;
  const Network& net = *runs.front().net;
  std::string h = "<h2 id=\"examples\">1. Examples: MRSNN and HRSNN side by side</h2>\n";
  h += fmt::format(
      "<p>The two example specs (<code>examples/mrsnn.toml</code>, <code>examples/hrsnn.toml</code>): {} current-based "
      "LIF neurons ({}), random projections with p = 0.1, STDP on E&rarr;E. MRSNN is homogeneous; HRSNN draws "
      "each neuron's <code>tau_mem</code> from a gamma distribution and each synapse's STDP rates and each neuron's "
      "trace time constants from distributions. Both are driven by the same i.i.d. uniform input "
      "(one sample every {} steps: one <em>inference</em>). Each ran {} steps of {:g} ms (seed {}) on the float64 "
      "reference and on the bit-accurate fixed-point core (<code>[hardware]</code> table of each spec, profile "
      "<code>loihi</code>).</p>\n",
      net.size(),
      [&] {
        std::string s;
        for (const auto& p : net.populations) s += (s.empty() ? "" : " + ") + fmt::format("{} {}", p.size, p.name);
        return s;
      }(),
      net.input.steps_per_sample, in.steps, net.dt_ms, in.args.seed);

  h += "<table><thead><tr><th></th>";
  for (const auto& r : runs) h += "<th>" + html::escape(r.title()) + "</th>";
  h += "</tr></thead><tbody>\n";
  auto row = [&](const std::string& name, auto&& value) {
    h += "<tr><td>" + name + "</td>";
    for (const auto& r : runs) h += "<td class=\"num\">" + value(r) + "</td>";
    h += "</tr>\n";
  };
  auto group = [&](const std::string& name) {
    h += fmt::format("<tr class=\"group\"><td colspan=\"{}\">{}</td></tr>\n", runs.size() + 1, name);
  };
  group("Activity");
  for (size_t p = 0; p < net.populations.size(); ++p)
    row(fmt::format("rate {} (Hz)", html::escape(net.populations[p].name)), [p](const ExampleRun& r) {
      return fmt::format("{:.2f}", r.summary["populations"][p]["rate_hz"].get<double>());
    });
  const auto c = [](const ExampleRun& r) -> const EventCounts& { return r.result.counts.total; };
  row("spikes", [&](const ExampleRun& r) { return fmt::format("{}", c(r).spikes); });
  row("spikes per neuron per step (S)", [&](const ExampleRun& r) {
    return fmt::format("{:.4f}",
                       static_cast<double>(c(r).spikes) / r.net->size() / static_cast<double>(r.result.steps));
  });
  row("synaptic events", [&](const ExampleRun& r) { return fmt::format("{}", c(r).synaptic_events); });
  row("plastic updates", [&](const ExampleRun& r) { return fmt::format("{}", c(r).plastic_updates); });
  row("trace updates", [&](const ExampleRun& r) { return fmt::format("{}", c(r).trace_updates); });
  row("neuron updates active / idle", [&](const ExampleRun& r) {
    return fmt::format("{} / {}", c(r).neuron_updates_active, c(r).neuron_updates_idle);
  });
  row("spikes per synapse per inference", [](const ExampleRun& r) {
    return r.energy.spikes_per_synapse_per_inference ? fmt::format("{:.3f}", *r.energy.spikes_per_synapse_per_inference)
                                                     : std::string("–");
  });
  row("raster hash",
      [](const ExampleRun& r) { return "<code>" + r.summary["raster_hash"].get<std::string>() + "</code>"; });
  row("wall time (s) / synaptic events per s", [](const ExampleRun& r) {
    return fmt::format("{:.2f} / {:.3g}", r.result.wall_time_s, r.summary["synaptic_events_per_s"].get<double>());
  });
  group(fmt::format("Energy per inference ({} steps); &ge; marks a lower bound (some counted events not priced)",
                    net.input.steps_per_sample));
  for (size_t m = 0; m < runs.front().energy.models.size(); ++m)
    row("<code>" + html::escape(runs.front().energy.models[m].model) + "</code>", [m](const ExampleRun& r) {
      const auto& me = r.energy.models[m];
      return (me.lower_bound ? "&ge; " : "") + (me.per_inference_j ? html::joules(*me.per_inference_j) : "–");
    });
  for (size_t m = 0; m < runs.front().energy.dense_baselines.size(); ++m)
    row("<code>" + html::escape(runs.front().energy.dense_baselines[m].model) + "</code> (dense RNN, same N and steps)",
        [m](const ExampleRun& r) {
          const auto& me = r.energy.dense_baselines[m];
          return me.per_inference_j ? html::joules(*me.per_inference_j) : std::string("–");
        });
  h += "</tbody></table>\n";

  // What the examples say, and what they do not.
  const auto& mf = runs[0].result.counts.total;
  const auto& hf = runs[2].result.counts.total;
  if (mf.spikes > 0)
    h += fmt::format(
        "<p class=\"note\">In these examples HRSNN fires {:.2f}&times; as many spikes as MRSNN (float64). The example "
        "specs are demonstrations of the pipeline with hand-set parameters, not the paper's networks: the paper's "
        "claims concern heterogeneity <em>tuned by Bayesian optimization</em> and are tested by the study "
        "(<a href=\"#study\">section 6</a>), not by this table.</p>\n",
        static_cast<double>(hf.spikes) / static_cast<double>(mf.spikes));

  h += float_fixed_table(in.fidelity);
  return h;
}

}  // namespace hrsnn::report
