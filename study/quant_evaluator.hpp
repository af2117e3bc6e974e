// The evaluator of a quantization sweep: the jobs of a sweep (the float reference, the
// baseline, every point, per seed) and what one job measures, as a QuantRecord: fidelity of the
// fixed-point run to the float reference (study/fidelity.hpp), activity, the register image's
// memory footprint, energy under the chosen chip models (hw_model/energy) and task scores
// through a TaskEvaluator (study/quant_tasks.hpp).
#pragma once

#include "core/fixed/quantize.hpp"
#include "core/input.hpp"
#include "core/network.hpp"
#include "core/run.hpp"
#include "core/spec.hpp"
#include "study/quant_config.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace hrsnn::study {

// The register-format-dependent memory footprint of a network's register image, in bits.
struct Footprint {
  double neuron_state_bits = 0;   // u, v, refractory counter
  double neuron_param_bits = 0;   // decays (or a profile index), threshold, bias, t_ref
  double trace_bits = 0;          // x, y and their decays, averaged over all neurons
  double dendrite_bits = 0;       // dendritic accumulators (one per ring slot)
  double profile_table_bits = 0;  // shared (du, dv) profiles, amortized per neuron
  double neuron_bits = 0;         // sum of the above, per neuron
  double synapse_bits = 0;        // weight register + learning-rate mantissas, per synapse (mean)
  double synapses_per_neuron = 0;
  double total_bits_per_neuron = 0;  // neuron_bits + synapse_bits * synapses_per_neuron
  uint32_t decay_profiles = 0;       // distinct (du, dv) register pairs
};
Footprint register_footprint(const Network& net, const fixed::RegisterImage& image);

// Task scores of one network on one backend (the spec carries the seed and [hardware]).
// Metric names are "<task>.<metric>", e.g. "memory.mc", "fsdd.accuracy".
struct TaskOutcome {
  std::map<std::string, double> metrics;
  std::string error;
};
using TaskEvaluator = std::function<TaskOutcome(const NetworkSpec& spec, Arith arith)>;

// One finished job: the float reference, the baseline on float or on the base format, or a
// point. Metrics are flat ("fidelity.coincidence", "tasks.memory.mc", "energy.<model>.total_j").
struct QuantRecord {
  std::string job;    // unique key: "<kind>/<point id>/seed=<s>"
  std::string kind;   // "reference", "baseline-float", "baseline-fixed", "point"
  std::string point;  // point id ("" for float runs)
  uint64_t seed = 0;
  std::map<std::string, double> metrics;  // NaN for undefined values
  std::string error;
  double wall_time_s = 0;
};
nlohmann::json to_json(const QuantRecord& r);
QuantRecord quant_record_from_json(const nlohmann::json& j);
// Checks that a JSON object has a QuantRecord's shape (what quant_record_from_json reads);
// throws std::runtime_error naming the first field that is missing or of the wrong type.
void check_quant_record_json(const nlohmann::json& j);
// A metric value in JSON: null when not finite.
nlohmann::json quant_metric_json(double x);

// One job of a sweep.
struct QuantJob {
  std::string key;   // QuantRecord::job
  std::string kind;  // QuantRecord::kind
  int point = -1;    // index into config.points ("point", "baseline-fixed": the base point)
  uint64_t seed = 0;
  bool baseline = false;  // runs the baseline spec
};
// Every job of a sweep, in the order of its records: the references, the baseline (when there
// is one), then every point for every seed.
std::vector<QuantJob> make_quant_jobs(const QuantSweepConfig& config, bool baseline);

// A network that is not generated from a spec (an imported NIR model, docs/nir.md): every job
// of the sweep runs this network (its seed set to the job's, which reaches only what the seed
// drives: stochastic rounding of the fixed core, spike encoders) on this input signal, and the
// base register format is the hardware spec the sweep's points start from.
struct QuantModel {
  Network net;
  InputSignal signal;  // covers the sweep's fidelity_steps (shorter: the rest of the run has no input)
  // What the checkpoint fingerprints besides the spec's source: the model's files (their bytes'
  // FNV-1a digests) and the options that made the network from them (e.g. the NIR step).
  std::vector<std::filesystem::path> files;
  nlohmann::json options;
};

// Runs jobs; thread-safe (the float reference of a spec and seed is run once and shared by the
// fixed points of that seed).
class QuantEvaluator {
 public:
  // `baseline` must outlive the evaluator (null: no baseline jobs); `tasks` empty: no task
  // scores. `model` (null: the spec's network) must outlive it too; it goes without tasks and
  // without a baseline (std::invalid_argument). Loads the energy models and checks their names
  // before any job runs.
  QuantEvaluator(const NetworkSpec& spec, const QuantSweepConfig& config, const NetworkSpec* baseline,
                 TaskEvaluator tasks, const QuantModel* model = nullptr);
  ~QuantEvaluator();
  QuantEvaluator(const QuantEvaluator&) = delete;
  QuantEvaluator& operator=(const QuantEvaluator&) = delete;

  // Never throws for a failing job: its error is in the record.
  QuantRecord run(const QuantJob& job);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace hrsnn::study
