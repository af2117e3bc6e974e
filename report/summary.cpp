#include "report/summary.hpp"

#include "report/html.hpp"

#include <fmt/core.h>

namespace hrsnn::report {

using nlohmann::json;

json summary_json(const std::vector<ExampleRun>& runs, uint64_t steps, uint64_t seed,
                  const std::vector<Fidelity>& fidelity, const SectionsShown& sections,
                  const std::string& generated_utc, const json& chip_mapping) {
  json summary;
  summary["format"] = "hrsnn-report/1";
  summary["generated"] = generated_utc;
  summary["steps"] = steps;
  summary["seed"] = seed;
  summary["runs"] = json::array();
  for (const auto& r : runs)
    summary["runs"].push_back({{"network", r.network},
                               {"arith", to_string(r.arith)},
                               {"probe_neuron", r.probe},
                               {"summary", r.summary},
                               {"energy", r.energy.to_json()}});
  summary["float_vs_fixed"] = json::array();
  for (const auto& f : fidelity) summary["float_vs_fixed"].push_back(to_json(f));
  if (!chip_mapping.is_null()) summary["chip_mapping"] = chip_mapping;
  summary["sections"] = {{"study", sections.study},
                         {"bayesian_optimization", sections.bayesian_optimization},
                         {"quantization", sections.quantization},
                         {"rtl", sections.rtl}};
  return summary;
}

namespace {

// Joules for a terminal: "u" for the micro sign.
std::string text_joules(double j) {
  const std::string s = html::joules(j);
  const std::string micro = "µ";
  const auto mu = s.find(micro);
  // substr rather than replace: GCC 12 at -O3 warns (-Wrestrict, falsely) on this replace.
  return mu == std::string::npos ? s : s.substr(0, mu) + "u" + s.substr(mu + micro.size());
}

}  // namespace

void print_summary(const std::vector<ExampleRun>& runs, uint64_t steps, uint64_t seed,
                   const std::vector<Fidelity>& fidelity) {
  fmt::print("hrsnn report: example networks, {} steps of {:g} ms, seed {}, float64 reference and fixed-point core\n\n",
             steps, runs.front().net->dt_ms, seed);
  fmt::print("{:<8} {:<8} {:>9} {:>9} {:>9} {:>12} {:>14} {:>10} {:>9}\n", "network", "arith", "E (Hz)", "I (Hz)",
             "spikes", "syn. events", "plastic upd.", "events/s", "wall (s)");
  for (const auto& r : runs)
    fmt::print("{:<8} {:<8} {:>9.2f} {:>9.2f} {:>9} {:>12} {:>14} {:>10.3g} {:>9.3f}\n", r.network, to_string(r.arith),
               r.summary["populations"][0]["rate_hz"].get<double>(),
               r.summary["populations"][1]["rate_hz"].get<double>(), r.result.counts.total.spikes,
               r.result.counts.total.synaptic_events, r.result.counts.total.plastic_updates,
               r.summary["synaptic_events_per_s"].get<double>(), r.result.wall_time_s);
  fmt::print("\nenergy per inference ({} steps), models side by side, never averaged (>= lower bound):\n",
             runs.front().net->input.steps_per_sample);
  fmt::print("{:<18}", "model");
  for (const auto& r : runs) fmt::print(" {:>16}", r.key());
  fmt::print("\n");
  for (size_t m = 0; m < runs.front().energy.models.size(); ++m) {
    fmt::print("{:<18}", runs.front().energy.models[m].model);
    for (const auto& r : runs) {
      const auto& me = r.energy.models[m];
      fmt::print(" {:>16}",
                 (me.lower_bound ? ">= " : "") + (me.per_inference_j ? text_joules(*me.per_inference_j) : "-"));
    }
    fmt::print("\n");
  }
  for (size_t m = 0; m < runs.front().energy.dense_baselines.size(); ++m) {
    const auto& me = runs.front().energy.dense_baselines[m];
    fmt::print("{:<18} {:>16}  (dense RNN of the same N and steps, every run)\n", me.model,
               me.per_inference_j ? text_joules(*me.per_inference_j) : "-");
  }
  fmt::print("\nfloat64 vs fixed:");
  for (const auto& f : fidelity)
    fmt::print(" {} spikes first differ at step {}, fixed/float spikes {:.3f};", f.network,
               opt_step(f.first_raster_difference), f.spike_ratio);
  fmt::print("\n");
}

}  // namespace hrsnn::report
