// The study's configuration: which variants, arithmetics, tasks and seeds it runs, and the
// settings of every task, of the baselines and of the claims. examples/study.toml documents
// every key with its default; load_study_config reads such a file over a base configuration.
#pragma once

#include "core/backend.hpp"
#include "study/reservoir.hpp"
#include "study/variants.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace hrsnn::study {

// The tasks. What is simulated: `memory` drives the network with i.i.d. uniform input and scores both the
// memory capacity and NARMA-10 (NARMA's input u ~ U[0, 0.5) doubled is the MC input, so one run
// serves both).
enum class TaskKind { memory, mackey_glass, lorenz, fsdd };
inline constexpr std::array<TaskKind, 4> kAllTasks{TaskKind::memory, TaskKind::mackey_glass, TaskKind::lorenz,
                                                   TaskKind::fsdd};
const char* to_string(TaskKind t);  // "memory", "mackey-glass", "lorenz", "fsdd"
TaskKind parse_task_kind(const std::string& name);

struct MemoryTaskConfig {
  uint64_t samples = 2000;  // input samples (each held steps_per_sample steps); see min_fit_rows_per_feature
  // K of the MC sum for the spiking networks: 100 samples (1 s at 10 ms samples), five times the
  // longest memory measured on them (r^2 ~ 0 beyond 20 delays). The records keep the r^2 curve
  // and its second half's sum (mc_tail: ~0 when K is ample).
  std::size_t max_delay = 100;
  // K for the ESN baseline: 0 = twice its units (its MC can reach its unit count; a smaller K
  // caps it, as K = 40 did before).
  std::size_t esn_max_delay = 0;
  // The chance correction (study/metrics.hpp): delays of an independent input series read out;
  // mc_corrected = mc - K x their mean r^2. 0 turns the correction off.
  std::size_t null_delays = 100;
  // The MC-vs-readout-length curve (`hrsnn mc --curve`): MC also measured on these fractions of
  // the measured samples (prefixes of the same run), so convergence in the length is visible.
  std::vector<double> curve_fractions;
};

// The protocol (docs/study.md "The protocol"): a study file's [protocol] table declares, before
// any data, the exploration seeds (for choosing regimes and settings) and the disjoint
// confirmation seeds (for the verdicts), and which phase this run is. Its SHA-256 (of the whole
// file's bytes) goes into every result.
struct ProtocolConfig {
  bool present = false;
  std::string name;
  std::string file;    // the protocol file
  std::string sha256;  // of the file's bytes
  uint64_t exploration_first_seed = 1;
  uint32_t exploration_seeds = 5;
  uint64_t confirmation_first_seed = 1001;
  uint32_t confirmation_seeds = 10;
  std::string phase = "exploration";  // "exploration" | "confirmation"
};

struct PredictionTaskConfig {
  uint64_t samples = 2000;
  std::size_t horizon = 10;  // samples ahead (study/tasks.hpp)
};

struct FsddTaskConfig {
  std::string data_dir;             // default source_dir() + "/../shared/data/fsdd/recordings"
  double hop_ms = 10.0;             // mel frame hop (window 25 ms)
  uint32_t steps_per_frame = 1;     // simulation steps per mel frame
  uint32_t bins = 3;                // time bins of the per-utterance pooled features
  uint32_t gap_frames = 2;          // zero-input frames between utterances
  uint32_t warmup_utterances = 10;  // training utterances fed first, features discarded
  std::string encoder = "current";  // "current" | "delta" (send-on-delta on each band)
  double delta_threshold = 0.5;     // delta encoder: threshold in normalized log-mel units
  double input_gain = 1.0;          // current per unit of per-utterance-normalized log-mel
  double input_weight = 0.1;        // input weights uniform on [-w, w] per (driven neuron, band)
  // Recordings per (speaker, digit) and role: test = take index 0..4, validation 5..9, fit 10..49
  // (the customary split, validation inside the training set). The default fits on 10 of the 40
  // (600 recordings) to keep the study within its time budget; fit_per_group = 40 is the full set
  // (examples/study_fsdd_full.toml: about 3 points more accuracy, 2.5x the FSDD time).
  uint32_t test_per_group = 5;
  uint32_t val_per_group = 5;
  uint32_t fit_per_group = 10;
  double filter_tau_ms = 3.0;  // filtered features of the FSDD stream (one frame per step by default)
  // More readout filters whose features are concatenated with filter_tau_ms's (filtered spike
  // counts per frame; empty: the one filter).
  std::vector<double> extra_filter_taus_ms;
  // The learning phase: this many fit utterances (cycled) fed first with plasticity on, before
  // the warm-up; no feature rows. The series tasks' [features] learning_samples does not apply.
  uint32_t learning_utterances = 0;
  // The spiking models' pooled features square-rooted (spike counts' Poisson-like noise, whose
  // variance grows with the rate, made about even for the linear readout)?
  bool sqrt_features = false;
  // The readouts' ridge lambda grid, 1e-8 .. 1e2: values per decade.
  uint32_t lambdas_per_decade = 1;
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

// How the claims are decided (study/claims.hpp; docs/study.md, "Statistics").
struct ClaimConfig {
  double alpha = 0.05;  // level of every test (one-sided t-tests; each of TOST's two one-sided tests)
  // "MC preserved" is an equivalence test (TOST) within +-margin. mc_margin_abs > 0: the margin in
  // MC units, fixed in the protocol before the data. 0 (unset): mc_margin times the baseline's mean
  // MC, a margin from the data (reported as not pre-registered).
  double mc_margin = 0.10;
  double mc_margin_abs = 0.0;
  std::string mc_metric = "mc_corrected";  // the memory-task metric of the MC claims: "mc" | "mc_corrected"
  std::string primary_arith = "float64";   // the arithmetic the verdicts come from; the others are reported beside
  double power = 0.8;                      // target power of the reported sample sizes
};

// Matched firing rates: each spiking model's input gain (time-series tasks) calibrated to a target
// rate before the cells run (study/rate_calibration.hpp).
struct RateCalibrationConfig {
  double target_hz = 0.0;   // 0: off (every model at the configured input_gain)
  uint32_t probes = 9;      // runs per (model, arithmetic), the two range ends included
  uint64_t samples = 2000;  // measured samples of each run (after the learning phase)
  double tolerance = 0.05;  // relative: |rate / target - 1| at most this is "reached"
};

struct StudyConfig {
  std::string source = "<defaults>";  // where the configuration came from
  std::string homogeneous_spec;       // MRSNN spec (default examples/mrsnn.toml)
  std::string heterogeneous_spec;     // HRSNN spec (default examples/hrsnn.toml)
  std::vector<Variant> models{kPaperVariants.begin(), kPaperVariants.end()};
  // [study] models_from: "ablation" (the variants mixed from both specs, make_variant) or "specs"
  // (mrsnn and hrsnn are the two specs as written, e.g. two BO optima; make_model).
  bool models_as_written = false;
  std::vector<Arith> arithmetics = {Arith::Float64, Arith::Fixed};
  // The default study is a first look within 15 minutes on 2 cores: MC / NARMA-10 and FSDD on 3
  // seeds (examples/study_full.toml: every task, 5 seeds; examples/protocol_slow.toml: the
  // protocol with its confirmation seeds).
  std::vector<TaskKind> tasks{TaskKind::memory, TaskKind::fsdd};
  uint32_t seeds = 3;
  uint64_t first_seed = 1;
  unsigned threads = 2;
  double size_scale = 1.0;                 // scale_network()
  double input_gain = 1.0;                 // multiplies the input signal of the time-series tasks
  RateCalibrationConfig rate_calibration;  // [rate_calibration]
  ReservoirConfig reservoir;
  // Standardize readout features (each column to unit variance on the training rows)? Off by
  // default: spiking features share one unit (spikes), and scaling a neuron that spiked once in
  // the training rows by 1/std lets its test-time activity swamp the readout (NARMA-10 NRMSE of
  // 3e3 measured on the het-STDP network with standardization).
  bool standardize = false;
  // Readout sizing: the memory and prediction series are lengthened (never shortened) so that
  // every readout has at least this many fitting rows per feature (0: the samples as given).
  // Below ~1 row per feature a ridge readout is underdetermined and MC grows with the length.
  uint32_t min_fit_rows_per_feature = 10;
  MemoryTaskConfig memory;
  PredictionTaskConfig prediction;
  FsddTaskConfig fsdd;
  BaselineConfig baselines;
  ClaimConfig claims;
  ProtocolConfig protocol;
};

// The measured samples a series task needs for `features` readout features:
// max(samples, the fewest whose row split (washout, K, fractions of study/metrics.hpp) leaves
// min_fit_rows_per_feature x features fitting rows).
uint64_t sized_samples(uint64_t samples, std::size_t first_row, std::size_t features, uint32_t rows_per_feature);

// `config` with its memory and prediction samples sized for `features` readout features.
StudyConfig sized_for(const StudyConfig& config, std::size_t features);

// Sets seeds and first_seed from the protocol's phase ("exploration" | "confirmation").
void apply_protocol_phase(StudyConfig& config, const std::string& phase);

StudyConfig default_study_config();
// Tiny: 100-neuron networks, a few hundred samples, 3 seeds, 4 FSDD recordings per (speaker,
// digit); used by the tests and for a first look (about a minute).
StudyConfig quick_study_config();
// Reads a study TOML (examples/study.toml documents every key) over `base`; relative spec and
// data paths are relative to the file. Throws ConfigError (file, line, key, allowed values).
StudyConfig load_study_config(const std::string& path, const StudyConfig& base = default_study_config());
nlohmann::json to_json(const StudyConfig& config);

}  // namespace hrsnn::study
