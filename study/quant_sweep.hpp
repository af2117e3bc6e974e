// Quantization and hardware-heterogeneity sweeps (issue 8, `hrsnn quantize`): the same network
// and input simulated on the float reference and on the fixed-point core under many register
// formats ([hardware] fields one at a time from a base format, or as a grid) and numbers K of
// shared decay profiles, each point scored for
//   - fidelity to the float reference (study/fidelity.hpp): coincidence factor, Victor-Purpura
//     distance, first divergence step, per-population rate error, membrane RMSE on probes;
//   - spiking activity S, energy under chosen chip models (hw_model/energy), the memory
//     footprint (bits of state per neuron and per synapse) of its register image;
//   - memory capacity, a prediction task and FSDD accuracy through a TaskEvaluator (the study's
//     reservoir code, study/quant_tasks.hpp).
// The configuration (the sweep file's reader, points, defaults) is study/quant_config.hpp.
// The sweep file format and the outputs (quant.jsonl checkpoint, quant.json, quant.csv) are
// described in docs/quantization.md.
#pragma once

#include "core/fixed/quantize.hpp"
#include "core/network.hpp"
#include "core/run.hpp"
#include "core/spec.hpp"
#include "study/quant_config.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
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

struct QuantRunOptions {
  std::filesystem::path out_dir = "out/quant";
  bool resume = false;
  unsigned threads = 0;                          // 0: the config's
  TaskEvaluator tasks;                           // empty: no task scores
  std::function<void(const std::string&)> progress;  // one line per finished job
  std::optional<NetworkSpec> baseline;           // the baseline (MRSNN) spec, already loaded
  uint64_t max_jobs = 0;                         // stop after this many new jobs (0: all); tests use it to interrupt
};

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

struct QuantResult {
  std::vector<QuantRecord> records;  // job order
  uint64_t resumed = 0;              // records read from the checkpoint
  uint64_t computed = 0;
  bool complete = false;             // every job has a record
  nlohmann::json summary;            // quant.json
};

// Runs every job not yet in DIR/quant.jsonl on options.threads threads, appending one line per
// finished job; then writes DIR/quant.json and DIR/quant.csv atomically (when complete).
// Throws std::runtime_error when the checkpoint exists and resume is off, or belongs to a
// different sweep.
QuantResult run_quant_sweep(const NetworkSpec& spec, const QuantSweepConfig& config, const QuantRunOptions& options);

// The quant.json document and the quant.csv text from records.
nlohmann::json quant_summary(const NetworkSpec& spec, const QuantSweepConfig& config,
                             const std::vector<QuantRecord>& records);
std::string quant_csv(const std::vector<QuantRecord>& records);

}  // namespace hrsnn::study
