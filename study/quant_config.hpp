// The configuration of a quantization sweep (`hrsnn quantize --sweep FILE`): the sweep file's
// reader (on core/foundation/config.hpp), its defaults, and the expansion of its base, axes and
// grids into the points to evaluate. The format is described in docs/quantization.md.
#pragma once

#include "core/spec.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
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
  std::string source = "<defaults>";      // the sweep file
  std::vector<uint64_t> seeds = {1};      // network (and task) seeds
  uint64_t fidelity_steps = 1000;         // steps of the float-vs-fixed run on the spec's own input
  uint32_t probes = 16;                   // probe neurons (evenly spaced ids) for the membrane RMSE
  uint64_t coincidence_window_steps = 2;  // Delta of the coincidence factor
  double vp_cost_per_step = 0.1;          // Victor-Purpura q: a shift of 20 steps costs as much as delete + insert
  unsigned threads = 2;
  std::string baseline_spec;  // homogeneous (MRSNN) spec for the heterogeneity benefit; empty: none
  QuantTaskConfig tasks;
  std::vector<std::string> energy_models = {"loihi_davies2018", "loihi_sanafe", "generic_45nm"};
  std::string energy_models_file;  // empty: the shipped data/energy/models.toml
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
// models_file) are relative to the file. Throws ConfigError (file, line, key, allowed values).
QuantSweepConfig load_quant_sweep(const std::string& path);
QuantSweepConfig parse_quant_sweep(std::string_view toml_text, const std::string& source_name,
                                   const std::filesystem::path& base_dir = {});

// Expands the base, axes and grids against the spec's [hardware] table into config.points (the
// base point first; identical hardware is evaluated once and carries every group it belongs
// to). Throws ConfigError at the value's line when a point's register format is invalid.
void make_points(QuantSweepConfig& config, const HardwareSpec& spec_hardware);

// A point's [hardware] as JSON: every register-format field and the spec-level keys (the
// summary's "hardware" and the checkpoint header's "base").
nlohmann::json quant_hardware_json(const HardwareSpec& hardware);

}  // namespace hrsnn::study
