// The paper's study on the spiking networks (issue 5): memory capacity, prediction
// (Mackey-Glass, Lorenz-63, NARMA-10) and spoken-digit classification (FSDD) for four network
// variants, MRSNN, heterogeneous neurons only, heterogeneous STDP only and HRSNN, each on the
// float reference and the fixed-point core, over several seeds, next to an echo state network of
// the same size and a linear readout of the delay-embedded input; then the paper's three claims
// tested on paired seeds (study/claims.hpp).
//
// Every model reads out the same way (study/reservoir.hpp features, study/gram_ridge.hpp
// ridge readouts with lambda chosen on validation rows), so the table compares reservoirs, not
// readouts. docs/study.md describes the protocol and the measured numbers.
#pragma once

#include "core/run.hpp"
#include "core/spec.hpp"
#include "study/esn.hpp"
#include "study/reservoir.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace hrsnn::study {

// ---- network variants ----

// The 2 x 2 ablation of the paper: neurons homogeneous or heterogeneous (the LIF parameter
// distributions of every population) x STDP homogeneous or heterogeneous (the STDP tables of
// every projection).
enum class Variant { mrsnn, het_neurons, het_stdp, hrsnn };
inline constexpr std::array<Variant, 4> kAllVariants{Variant::mrsnn, Variant::het_neurons, Variant::het_stdp,
                                                     Variant::hrsnn};
const char* to_string(Variant v);  // "mrsnn", "het-neurons", "het-stdp", "hrsnn"
Variant parse_variant(const std::string& name);

// The variant built from the homogeneous (MRSNN) and heterogeneous (HRSNN) specs: everything
// from `homogeneous` except the populations' LIF distributions (het_neurons, hrsnn) and the
// projections' STDP tables (het_stdp, hrsnn), taken from `heterogeneous`. The two specs must
// have the same populations (names, sizes, kinds) and projections (names, pre, post); since
// core/network.cpp draws every parameter from its own named stream, the same seed then gives
// the same connectivity, weights and input wiring in all four variants.
NetworkSpec make_variant(const NetworkSpec& homogeneous, const NetworkSpec& heterogeneous, Variant v);

// Scales every population by `scale` (rounded, at least 1 neuron) and divides connection
// probabilities by it (capped at 1), so the expected in-degree, and with it the recurrent drive,
// stays the same. In-degree projections keep their in-degree (capped at the new pre size).
NetworkSpec scale_network(const NetworkSpec& spec, double scale);

// ---- tasks ----

// What is simulated. `memory` drives the network with i.i.d. uniform input and scores both the
// memory capacity and NARMA-10 (NARMA's input u ~ U[0, 0.5) doubled is the MC input, so one run
// serves both).
enum class TaskKind { memory, mackey_glass, lorenz, fsdd };
inline constexpr std::array<TaskKind, 4> kAllTasks{TaskKind::memory, TaskKind::mackey_glass, TaskKind::lorenz,
                                                   TaskKind::fsdd};
const char* to_string(TaskKind t);  // "memory", "mackey-glass", "lorenz", "fsdd"
TaskKind parse_task_kind(const std::string& name);

// ---- configuration ----

struct MemoryTaskConfig {
  uint64_t samples = 2000;   // input samples (each held steps_per_sample steps)
  // K of the MC sum: twice the memory the slowest dynamics can hold, 20 samples (the longest
  // membrane time constant the example specs allow, 200 ms, over 10 ms samples). The records
  // keep the r^2 curve and its second half's sum (mc_tail, ~K/2 / test_rows when K is ample).
  std::size_t max_delay = 40;
};

struct PredictionTaskConfig {
  uint64_t samples = 2000;
  std::size_t horizon = 10;  // samples ahead (study/tasks.hpp)
};

struct FsddTaskConfig {
  std::string data_dir;            // default source_dir() + "/../shared/data/fsdd/recordings"
  double hop_ms = 10.0;            // mel frame hop (window 25 ms)
  uint32_t steps_per_frame = 1;    // simulation steps per mel frame
  uint32_t bins = 3;               // time bins of the per-utterance pooled features
  uint32_t gap_frames = 2;         // zero-input frames between utterances
  uint32_t warmup_utterances = 10; // training utterances fed first, features discarded
  std::string encoder = "current"; // "current" | "delta" (send-on-delta on each band)
  double delta_threshold = 0.5;    // delta encoder: threshold in normalized log-mel units
  double input_gain = 1.0;         // current per unit of per-utterance-normalized log-mel
  double input_weight = 0.1;       // input weights uniform on [-w, w] per (driven neuron, band)
  // Recordings per (speaker, digit) and role: test = take index 0..4, validation 5..9, fit 10..49
  // (the customary split, validation inside the training set). The default fits on 10 of the 40
  // (600 recordings) to keep the study within its time budget; fit_per_group = 40 is the full set
  // (examples/study_fsdd_full.toml: about 3 points more accuracy, 2.5x the FSDD time).
  uint32_t test_per_group = 5;
  uint32_t val_per_group = 5;
  uint32_t fit_per_group = 10;
  double filter_tau_ms = 3.0;      // filtered features of the FSDD stream (one frame per step by default)
  double esn_leak_rate = 0.3;
};

struct BaselineConfig {
  bool esn = true;
  bool linear = true;
  std::vector<double> spectral_radii = {0.8, 0.95, 1.1};
  std::vector<double> input_scalings = {0.01, 0.1, 1.0};
  std::vector<double> fsdd_input_scalings = {0.1, 0.3, 1.0};
  std::vector<std::size_t> taps = {1, 2, 5, 10, 20, 50};
};

struct ClaimConfig {
  double alpha = 0.05;      // one-sided significance level of every paired t-test
  double mc_margin = 0.10;  // "MC preserved": the mean paired MC loss is below 10% of the baseline's MC
};

struct StudyConfig {
  std::string source = "<defaults>";  // where the configuration came from
  std::string homogeneous_spec;       // MRSNN spec (default examples/mrsnn.toml)
  std::string heterogeneous_spec;     // HRSNN spec (default examples/hrsnn.toml)
  std::vector<Variant> models{kAllVariants.begin(), kAllVariants.end()};
  std::vector<Arith> arithmetics = {Arith::Float64, Arith::Fixed};
  std::vector<TaskKind> tasks{kAllTasks.begin(), kAllTasks.end()};
  uint32_t seeds = 5;
  uint64_t first_seed = 1;
  unsigned threads = 2;
  double size_scale = 1.0;  // scale_network()
  double input_gain = 1.0;  // multiplies the input signal of the time-series tasks
  ReservoirConfig reservoir;
  // Standardize readout features (each column to unit variance on the training rows)? Off by
  // default: spiking features share one unit (spikes), and scaling a neuron that spiked once in
  // the training rows by 1/std lets its test-time activity swamp the readout (NARMA-10 NRMSE of
  // 3e3 measured on the het-STDP network with standardization).
  bool standardize = false;
  MemoryTaskConfig memory;
  PredictionTaskConfig prediction;
  FsddTaskConfig fsdd;
  BaselineConfig baselines;
  ClaimConfig claims;
};

StudyConfig default_study_config();
// Tiny: 100-neuron networks, a few hundred samples, 3 seeds, 4 FSDD recordings per (speaker,
// digit); used by the tests and for a first look (about a minute).
StudyConfig quick_study_config();
// Reads a study TOML (examples/study.toml documents every key) over `base`; relative spec and
// data paths are relative to the file. Throws SpecError (file, line, key, allowed values).
StudyConfig load_study_config(const std::string& path, const StudyConfig& base = default_study_config());
nlohmann::json to_json(const StudyConfig& config);

// ---- results ----

// One model on one task with one seed.
struct Record {
  std::string model;  // a variant name, "esn" or "linear"
  std::string arith;  // "float64", "float32", "fixed" ("float64" for the baselines)
  uint64_t seed = 0;
  TaskKind task = TaskKind::memory;
  std::map<std::string, double> metrics;  // e.g. mc, S, E, mc_per_S, narma10_nrmse, nrmse, accuracy
  nlohmann::json detail = nlohmann::json::object();  // MC curve, chosen hyper-parameters, counts
  std::string error;  // set when the cell failed (the rest of the study goes on)
  double wall_time_s = 0.0;
};
nlohmann::json to_json(const Record& r);

// FSDD prepared once per study: the stream of frames every spiking model is fed, and the
// per-utterance features the baselines use.
struct FsddData {
  std::vector<Eigen::MatrixXd> utterances;  // normalized log-mel, frames x bands, in stream order
  std::vector<int> labels;                  // digit per utterance
  std::vector<int> role;                    // 0 fit, 1 validation, 2 test, per utterance
  InputSignal stream;                       // frames (warm-up, utterances, gaps) x bands
  std::vector<int64_t> utterance_of_frame;  // utterance index, or -1 (warm-up or gap)
  uint64_t warmup_frames = 0;
  uint32_t bands = 0;
};
FsddData load_fsdd_data(const FsddTaskConfig& config);

// The spec a task runs on: FSDD rewires the input to one channel per mel band (input weights
// uniform on [-w, w], steps_per_sample = steps_per_frame, the configured encoder).
NetworkSpec task_spec(const NetworkSpec& spec, TaskKind task, const StudyConfig& config, const FsddData* fsdd);

// One spiking model (spec with its seed already set; `model` names it in the record) on one task.
Record run_snn_task(const NetworkSpec& spec, const std::string& model, TaskKind task, Arith arith,
                    const StudyConfig& config, const FsddData* fsdd);

// One spec on one task for config.seeds seeds (first_seed, first_seed + 1, ...) on
// config.threads threads, in seed order (`hrsnn mc` and `hrsnn task`). The spec is scaled by
// config.size_scale; `progress` is called after each seed.
std::vector<Record> run_spec_task(const NetworkSpec& spec, TaskKind task, Arith arith, const StudyConfig& config,
                                  const FsddData* fsdd, const std::function<void(const Record&)>& progress = {});

// Echo state networks drawn once per (seed, inputs) with spectral radius 1 and input scaling 1;
// a grid point rescales them (study/esn.hpp: the draws do not depend on the scalings). Drawing
// one solves a dense eigenvalue problem (~5 s at 1000 units), so the tasks share them.
// Thread-safe: concurrent requests for one network build it once.
class EsnBank {
 public:
  explicit EsnBank(std::size_t units) : units_(units) {}
  std::size_t units() const { return units_; }
  std::shared_ptr<const EchoStateNetwork> get(uint64_t seed, std::size_t inputs);

 private:
  struct Entry {
    std::once_flag built;
    std::shared_ptr<const EchoStateNetwork> esn;
  };
  std::size_t units_;
  std::mutex mu_;
  std::map<std::pair<uint64_t, std::size_t>, std::shared_ptr<Entry>> entries_;
};

// The baselines on one task for every seed (the ESN's hyper-parameters are tuned on
// validation data of the first seed and kept for the others).
std::vector<Record> run_esn_task(TaskKind task, EsnBank& bank, const StudyConfig& config, const FsddData* fsdd);
std::vector<Record> run_linear_task(TaskKind task, const StudyConfig& config, const FsddData* fsdd);

// Mean, sample standard deviation and count of one metric of one (model, arith) cell.
struct Summary {
  double mean = 0, sd = 0;
  std::size_t n = 0;
};

struct StudyResult {
  StudyConfig config;
  std::vector<Record> records;
  // (model, arith) -> "task.metric" -> summary
  std::map<std::pair<std::string, std::string>, std::map<std::string, Summary>> table;
  nlohmann::json claims = nlohmann::json::array();
  double wall_time_s = 0.0;
  double cpu_time_s = 0.0;  // user + system time of the process over the study (all threads)
};

// Runs every (task, model, arith, seed) cell and the baselines on config.threads threads,
// reporting each finished cell through `progress` (may be empty). Deterministic: the results
// do not depend on the number of threads.
StudyResult run_study(const StudyConfig& config, const std::function<void(const std::string&)>& progress = {});

// Aggregation and claims from records (run_study calls both).
std::map<std::pair<std::string, std::string>, std::map<std::string, Summary>> summarize(const std::vector<Record>& records);
nlohmann::json evaluate_claims(const std::vector<Record>& records, const StudyConfig& config);

nlohmann::json to_json(const StudyResult& result);
std::string to_csv(const StudyResult& result);  // model,arith,seed,task,metric,value
std::string format_table(const StudyResult& result);
std::string format_claims(const StudyResult& result);

}  // namespace hrsnn::study
