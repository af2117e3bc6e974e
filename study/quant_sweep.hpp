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
// The sweep file format and the outputs (quant.jsonl checkpoint, quant.json, quant.csv) are
// described in docs/quantization.md.
#pragma once

#include "core/fixed/quantize.hpp"
#include "core/network.hpp"
#include "core/run.hpp"
#include "core/spec.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hrsnn::study {

// One [hardware] key a point sets. Keys: every register-format field (format_fields()), and
// tau_profiles, profile_method, trace_scale, voltage_headroom_bits.
struct QuantSetting {
  std::string key;
  std::string text;  // as written: "4", "stochastic", "kmeans", "16"
  double value = 0;  // numeric value; enums by code (rounding, overflow: their codes; kmeans 0, quantile 1)
  int line = 0;      // line of the value in the sweep file (0: not from a file)
};

// Applies one setting to a hardware spec. Setting weight_bits also lowers num_weight_bits to
// min(num_weight_bits, weight_bits) (a projection cannot keep more mantissa bits than the
// register has), unless the point sets num_weight_bits itself (apply that one after).
void apply_setting(HardwareSpec& hardware, const QuantSetting& setting);

struct QuantPoint {
  std::string id;                      // "base", or its settings "key=value" joined by spaces
  std::vector<QuantSetting> settings;  // what differs from the base, in sweep-file order
  HardwareSpec hardware;               // the base with the settings applied
  std::vector<std::string> groups;     // "base", "axis:<key>", "grid:<index>"
};

// One field at a time from the base: point i sets `key` to values[i].
struct QuantAxis {
  std::string key;
  std::vector<std::string> values;
  std::vector<double> numeric;
  std::vector<std::string> point_ids;
};

// The Cartesian product of several fields' values.
struct QuantGrid {
  std::vector<std::string> keys;
  std::vector<std::vector<std::string>> values;  // per point, one text per key
  std::vector<std::string> point_ids;
};

struct QuantTaskConfig {
  bool memory = true;                       // memory capacity (and NARMA-10 from the same run)
  std::string prediction = "mackey-glass";  // "none", "mackey-glass" or "lorenz"
  bool fsdd = false;                        // spoken-digit accuracy (needs the FSDD recordings)
  uint64_t samples = 1000;                  // input samples of the memory and prediction runs
  std::size_t max_delay = 50;               // K of the MC sum
  uint64_t washout_samples = 200;           // samples discarded before the readouts' rows
  std::string fsdd_data;                    // recordings directory; empty: the study's default
  uint32_t fsdd_test_per_group = 5, fsdd_val_per_group = 5, fsdd_fit_per_group = 40;
};

struct QuantSweepConfig {
  std::string source = "<defaults>";     // the sweep file
  std::vector<uint64_t> seeds = {1};      // network (and task) seeds
  uint64_t fidelity_steps = 1000;         // steps of the float-vs-fixed run on the spec's own input
  uint32_t probes = 16;                   // probe neurons (evenly spaced ids) for the membrane RMSE
  uint64_t coincidence_window_steps = 2;  // Delta of the coincidence factor
  double vp_cost_per_step = 0.1;          // Victor-Purpura q: a shift of 20 steps costs as much as delete + insert
  unsigned threads = 2;
  std::string baseline_spec;              // homogeneous (MRSNN) spec for the heterogeneity benefit; empty: none
  QuantTaskConfig tasks;
  std::vector<std::string> energy_models = {"loihi_davies2018", "loihi_sanafe", "generic_45nm"};
  std::string energy_models_file;         // empty: the shipped data/energy/models.toml
  // SRAM terms priced per access width: charge the point's own widths (weight register for the
  // weight array, the neuron state record for state), not the models file's fixed word_bits.
  bool scale_sram_words = true;
  std::vector<QuantSetting> base;  // [base]: overrides of the spec's [hardware] table
  std::string base_profile;        // [base] profile = "...": restart from a named profile
  std::vector<QuantPoint> points;  // filled by make_points()
  std::vector<QuantAxis> axes;
  std::vector<QuantGrid> grids;
  // Raw axis / grid entries as read (make_points() expands them against the spec's hardware).
  struct RawAxis {
    std::string key;
    std::vector<QuantSetting> values;
  };
  struct RawGrid {
    std::vector<std::string> keys;
    std::vector<std::vector<QuantSetting>> values;  // per key
    int line = 0;
  };
  std::vector<RawAxis> raw_axes;
  std::vector<RawGrid> raw_grids;
};

// Reads a sweep TOML (docs/quantization.md). Relative paths (baseline_spec, fsdd_data,
// models_file) are relative to the file. Throws SpecError (file, line, key, allowed values).
QuantSweepConfig load_quant_sweep(const std::string& path);
QuantSweepConfig parse_quant_sweep(std::string_view toml_text, const std::string& source_name,
                                   const std::filesystem::path& base_dir = {});

// Expands the base, axes and grids against the spec's [hardware] table into config.points (the
// base point first; identical hardware is evaluated once and carries every group it belongs
// to). Throws SpecError at the value's line when a point's register format is invalid.
void make_points(QuantSweepConfig& config, const HardwareSpec& spec_hardware);

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
