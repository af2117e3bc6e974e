#include "study/study_config.hpp"

#include "core/foundation/config.hpp"
#include "core/foundation/durable.hpp"
#include "core/foundation/source_dir.hpp"
#include "study/gram_ridge.hpp"
#include "study/metrics.hpp"

#include <openssl/evp.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <type_traits>

namespace hrsnn::study {

const char* to_string(TaskKind t) {
  switch (t) {
    case TaskKind::memory: return "memory";
    case TaskKind::mackey_glass: return "mackey-glass";
    case TaskKind::lorenz: return "lorenz";
    case TaskKind::fsdd: return "fsdd";
  }
  return "?";
}

TaskKind parse_task_kind(const std::string& name) {
  for (TaskKind t : kAllTasks)
    if (name == to_string(t)) return t;
  throw std::invalid_argument(fmt::format("unknown task '{}' (allowed: memory, mackey-glass, lorenz, fsdd)", name));
}

StudyConfig default_study_config() {
  StudyConfig c;
  c.homogeneous_spec = source_dir() + "/examples/mrsnn.toml";
  c.heterogeneous_spec = source_dir() + "/examples/hrsnn.toml";
  c.fsdd.data_dir = source_dir() + "/../shared/data/fsdd/recordings";
  // Measured on a frozen network after a learning phase: the example networks' rates settle
  // within ~6,000 samples of learning (docs/study.md "The protocol").
  c.reservoir.learning_samples = 10000;
  c.reservoir.learning_block_samples = 500;
  c.reservoir.plastic_during_measurement = false;
  c.fsdd.learning_utterances = 400;  // FSDD's learning phase (its rate levels off within 400)
  return c;
}

StudyConfig quick_study_config() {
  StudyConfig c = default_study_config();
  c.source = "<quick>";
  c.tasks.assign(kAllTasks.begin(), kAllTasks.end());
  c.seeds = 3;
  c.size_scale = 0.1;
  c.reservoir.washout_samples = 50;
  c.reservoir.learning_samples = 200;
  c.fsdd.learning_utterances = 4;
  c.reservoir.learning_block_samples = 50;
  c.memory.samples = 400;
  c.memory.max_delay = 20;
  c.memory.esn_max_delay = 40;
  c.memory.null_delays = 20;
  c.min_fit_rows_per_feature = 0;
  c.prediction.samples = 400;
  c.fsdd.test_per_group = 1;
  c.fsdd.val_per_group = 1;
  c.fsdd.fit_per_group = 2;
  c.fsdd.warmup_utterances = 2;
  c.fsdd.hop_ms = 20.0;
  c.baselines.spectral_radii = {0.95};
  c.baselines.input_scalings = {0.1};
  c.baselines.fsdd_input_scalings = {0.3};
  c.baselines.taps = {5, 10};
  return c;
}

namespace {

// The study file's reader: the shared ConfigTable plus the kinds of value only this file has
// (unsigned integers of several widths, non-empty lists, lists of names parsed into enums).
class Reader : public ConfigTable {
 public:
  using ConfigTable::ConfigTable;
  explicit Reader(const ConfigTable& t) : ConfigTable(t) {}

  Reader sub(const toml::table& t, std::string_view key) const { return Reader(ConfigTable::sub(t, key)); }
  // The sub-table `key` if present (an error if `key` is not a table).
  std::optional<Reader> section(std::string_view key) const {
    const toml::table* t = subtable(key);
    if (!t) return std::nullopt;
    return sub(*t, key);
  }

  template <typename Int>
  Int integer(std::string_view key, Int fallback, const ConfigRange& range) const {
    return static_cast<Int>(ConfigTable::integer(key, static_cast<int64_t>(fallback), range));
  }

  // A non-empty array of names, each mapped through `parse` (which throws std::invalid_argument
  // for an unknown name; the error then points at that element).
  template <typename T, typename Parse>
  std::vector<T> names(std::string_view key, std::vector<T> fallback, Parse parse) const {
    const toml::array* a = non_empty_array(key, "strings");
    if (!a) return fallback;
    std::vector<T> out;
    for (const toml::node& e : *a) {
      const std::string name = string_of(&e, key);
      try {
        out.push_back(parse(name));
      } catch (const std::invalid_argument& ex) {
        fail(&e, key, ex.what());
      }
    }
    return out;
  }

  // A non-empty array of numbers (of integers when T is integral), every element in `range`.
  template <typename T>
  std::vector<T> numbers(std::string_view key, std::vector<T> fallback, const ConfigRange& range) const {
    if (!non_empty_array(key, std::is_integral_v<T> ? "integers" : "numbers")) return fallback;
    std::vector<T> out;
    if constexpr (std::is_integral_v<T>) {
      for (int64_t x : integer_array(key, range)) out.push_back(static_cast<T>(x));
    } else {
      for (double x : number_array(key, range)) out.push_back(static_cast<T>(x));
    }
    return out;
  }

 private:
  const toml::array* non_empty_array(std::string_view key, const char* what) const {
    const toml::node* n = get(key);
    if (!n) return nullptr;
    const toml::array* a = n->as_array();
    if (!a || a->empty())
      fail(n, key,
           fmt::format("expected a non-empty array of {}, got {}", what,
                       a ? std::string("an empty array") : config_type_name(*n)));
    return a;
  }
};

ConfigRange open_low(double low, double high) { return {low, high, true}; }

std::string sha256_hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 of the protocol file failed (OpenSSL EVP_Digest)");
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

std::string resolve(const std::filesystem::path& base_dir, const std::string& p) {
  const std::filesystem::path path(p);
  return path.is_absolute() ? p : (base_dir / path).lexically_normal().string();
}

}  // namespace

StudyConfig load_study_config(const std::string& path, const StudyConfig& base) {
  const toml::table root = parse_config_file(path);
  StudyConfig c = base;
  c.source = path;
  const std::filesystem::path dir = std::filesystem::absolute(path).parent_path();
  const Reader top(path, root, "");
  top.only_keys(
      {"study", "features", "memory", "prediction", "fsdd", "baselines", "claims", "protocol", "rate_calibration"});
  if (const auto r = top.section("study")) {
    r->only_keys({"homogeneous", "heterogeneous", "models", "arith", "tasks", "seeds", "first_seed", "threads",
                  "size_scale", "input_gain", "models_from"});
    const std::string hom = r->string("homogeneous", "");
    const std::string het = r->string("heterogeneous", "");
    if (!hom.empty()) c.homogeneous_spec = resolve(dir, hom);
    if (!het.empty()) c.heterogeneous_spec = resolve(dir, het);
    c.models = r->names("models", c.models, parse_variant);
    c.models_as_written =
        r->string("models_from", c.models_as_written ? "specs" : "ablation", {"ablation", "specs"}) == "specs";
    if (c.models_as_written)
      for (Variant v : c.models)
        if (v != Variant::mrsnn && v != Variant::hrsnn)
          r->fail(r->get("models"), "models",
                  fmt::format("models_from = \"specs\" runs the two specs as written: only mrsnn and hrsnn "
                              "(got '{}', a variant mixed from both)",
                              to_string(v)));
    c.arithmetics = r->names("arith", c.arithmetics, parse_arith);
    c.tasks = r->names("tasks", c.tasks, parse_task_kind);
    c.seeds = r->integer("seeds", c.seeds, ConfigRange::integers(1, 1000));
    c.first_seed = r->integer("first_seed", c.first_seed, ConfigRange::integers(0, static_cast<double>(INT64_MAX)));
    c.threads = r->integer("threads", c.threads, ConfigRange::integers(1, 256));
    c.size_scale = r->number("size_scale", c.size_scale, open_low(0.0, 100.0));
    c.input_gain = r->number("input_gain", c.input_gain, ConfigRange::closed(0.0, 1e6));
  }
  if (const auto r = top.section("features")) {
    r->only_keys({"kind", "filter_tau_ms", "washout_samples", "standardize", "learning_samples", "plasticity",
                  "learning_block_samples", "min_fit_rows_per_feature"});
    c.reservoir.learning_block_samples =
        r->integer("learning_block_samples", c.reservoir.learning_block_samples, ConfigRange::integers(1, 10000000));
    c.min_fit_rows_per_feature =
        r->integer("min_fit_rows_per_feature", c.min_fit_rows_per_feature, ConfigRange::integers(0, 1000));
    c.standardize = r->boolean("standardize", c.standardize);
    c.reservoir.kind = parse_feature_kind(r->string("kind", to_string(c.reservoir.kind), {"filtered", "counts"}));
    c.reservoir.filter_tau_ms = r->number("filter_tau_ms", c.reservoir.filter_tau_ms, open_low(0.0, 1e6));
    c.reservoir.washout_samples =
        r->integer("washout_samples", c.reservoir.washout_samples, ConfigRange::integers(0, 1000000));
    c.reservoir.learning_samples =
        r->integer("learning_samples", c.reservoir.learning_samples, ConfigRange::integers(0, 10000000));
    c.reservoir.plastic_during_measurement =
        r->string("plasticity", c.reservoir.plastic_during_measurement ? "on" : "frozen", {"on", "frozen"}) == "on";
  }
  if (const auto r = top.section("memory")) {
    r->only_keys({"samples", "max_delay", "esn_max_delay", "null_delays"});
    c.memory.samples = r->integer("samples", c.memory.samples, ConfigRange::integers(20, 10000000));
    c.memory.max_delay = r->integer("max_delay", c.memory.max_delay, ConfigRange::integers(1, 100000));
    c.memory.esn_max_delay = r->integer("esn_max_delay", c.memory.esn_max_delay, ConfigRange::integers(0, 100000));
    c.memory.null_delays = r->integer("null_delays", c.memory.null_delays, ConfigRange::integers(0, 100000));
  }
  if (const auto r = top.section("prediction")) {
    r->only_keys({"samples", "horizon"});
    c.prediction.samples = r->integer("samples", c.prediction.samples, ConfigRange::integers(20, 10000000));
    c.prediction.horizon = r->integer("horizon", c.prediction.horizon, ConfigRange::integers(1, 10000));
  }
  if (const auto r = top.section("fsdd")) {
    FsddTaskConfig& f = c.fsdd;
    r->only_keys({"data", "hop_ms", "steps_per_frame", "bins", "gap_frames", "warmup_utterances", "encoder",
                  "delta_threshold", "input_gain", "input_weight", "test_per_group", "val_per_group", "fit_per_group",
                  "filter_tau_ms", "esn_leak_rate", "extra_filter_taus_ms", "learning_utterances", "lambdas_per_decade",
                  "sqrt_features"});
    f.filter_tau_ms = r->number("filter_tau_ms", f.filter_tau_ms, open_low(0.0, 1e6));
    if (r->has("extra_filter_taus_ms"))  // may be empty: one filter
      f.extra_filter_taus_ms = r->number_array("extra_filter_taus_ms", open_low(0.0, 1e6));
    f.learning_utterances = r->integer("learning_utterances", f.learning_utterances, ConfigRange::integers(0, 1000000));
    f.sqrt_features = r->boolean("sqrt_features", f.sqrt_features);
    f.lambdas_per_decade = r->integer("lambdas_per_decade", f.lambdas_per_decade, ConfigRange::integers(1, 20));
    const std::string data = r->string("data", "");
    if (!data.empty()) f.data_dir = resolve(dir, data);
    f.hop_ms = r->number("hop_ms", f.hop_ms, ConfigRange::closed(1.0, 100.0));
    f.steps_per_frame = r->integer("steps_per_frame", f.steps_per_frame, ConfigRange::integers(1, 1000));
    f.bins = r->integer("bins", f.bins, ConfigRange::integers(1, 64));
    f.gap_frames = r->integer("gap_frames", f.gap_frames, ConfigRange::integers(0, 10000));
    f.warmup_utterances = r->integer("warmup_utterances", f.warmup_utterances, ConfigRange::integers(0, 2700));
    f.encoder = r->string("encoder", f.encoder, {"current", "delta"});
    f.delta_threshold = r->number("delta_threshold", f.delta_threshold, open_low(0.0, 1e6));
    f.input_gain = r->number("input_gain", f.input_gain, ConfigRange::closed(0.0, 1e6));
    f.input_weight = r->number("input_weight", f.input_weight, ConfigRange::closed(0.0, 1e6));
    f.test_per_group = r->integer("test_per_group", f.test_per_group, ConfigRange::integers(1, 5));
    f.val_per_group = r->integer("val_per_group", f.val_per_group, ConfigRange::integers(1, 5));
    f.fit_per_group = r->integer("fit_per_group", f.fit_per_group, ConfigRange::integers(1, 40));
    f.esn_leak_rate = r->number("esn_leak_rate", f.esn_leak_rate, open_low(0.0, 1.0));
  }
  if (const auto r = top.section("rate_calibration")) {
    RateCalibrationConfig& rc = c.rate_calibration;
    r->only_keys({"target_hz", "probes", "samples", "tolerance"});
    rc.target_hz = r->number("target_hz", rc.target_hz, ConfigRange::closed(0.0, 1000.0));
    rc.probes = r->integer("probes", rc.probes, ConfigRange::integers(3, 30));
    rc.samples = r->integer("samples", rc.samples, ConfigRange::integers(100, 1000000));
    rc.tolerance = r->number("tolerance", rc.tolerance, open_low(0.0, 1.0));
  }
  if (const auto r = top.section("baselines")) {
    BaselineConfig& b = c.baselines;
    r->only_keys({"esn", "linear", "spectral_radii", "input_scalings", "fsdd_input_scalings", "taps"});
    b.esn = r->boolean("esn", b.esn);
    b.linear = r->boolean("linear", b.linear);
    b.spectral_radii = r->numbers("spectral_radii", b.spectral_radii, ConfigRange::closed(0.0, 10.0));
    b.input_scalings = r->numbers("input_scalings", b.input_scalings, ConfigRange::closed(0.0, 1e3));
    b.fsdd_input_scalings = r->numbers("fsdd_input_scalings", b.fsdd_input_scalings, ConfigRange::closed(0.0, 1e3));
    b.taps = r->numbers("taps", b.taps, ConfigRange::integers(1, 10000));
  }
  if (const auto r = top.section("claims")) {
    r->only_keys({"alpha", "mc_margin", "mc_margin_abs", "mc_metric", "primary_arith", "power"});
    c.claims.alpha = r->number("alpha", c.claims.alpha, open_low(0.0, 0.5));
    c.claims.mc_margin = r->number("mc_margin", c.claims.mc_margin, ConfigRange::closed(0.0, 1.0));
    c.claims.mc_margin_abs = r->number("mc_margin_abs", c.claims.mc_margin_abs, ConfigRange::closed(0.0, 1e6));
    c.claims.mc_metric = r->string("mc_metric", c.claims.mc_metric, {"mc", "mc_corrected"});
    c.claims.primary_arith = r->string("primary_arith", c.claims.primary_arith, {"float64", "float32", "fixed"});
    c.claims.power = r->number("power", c.claims.power, ConfigRange::closed(0.5, 0.999));
  }
  if (const auto r = top.section("protocol")) {
    ProtocolConfig& p = c.protocol;
    r->only_keys({"name", "exploration_first_seed", "exploration_seeds", "confirmation_first_seed",
                  "confirmation_seeds", "phase"});
    p.present = true;
    p.file = path;
    p.sha256 = sha256_hex(read_text_file(path));
    p.name = r->required_string("name");
    const ConfigRange seed_range = ConfigRange::integers(0, 1e15);
    p.exploration_first_seed = r->integer("exploration_first_seed", p.exploration_first_seed, seed_range);
    p.exploration_seeds = r->integer("exploration_seeds", p.exploration_seeds, ConfigRange::integers(1, 1000));
    p.confirmation_first_seed = r->integer("confirmation_first_seed", p.confirmation_first_seed, seed_range);
    // A confirmation of fewer than 10 seeds cannot decide a claim of the size measured here.
    p.confirmation_seeds = r->integer("confirmation_seeds", p.confirmation_seeds, ConfigRange::integers(10, 1000));
    const uint64_t e0 = p.exploration_first_seed, e1 = e0 + p.exploration_seeds;
    const uint64_t c0 = p.confirmation_first_seed, c1 = c0 + p.confirmation_seeds;
    if (e0 < c1 && c0 < e1)
      r->fail(r->get("confirmation_first_seed"), "confirmation_first_seed",
              fmt::format("confirmation seeds {}..{} overlap the exploration seeds {}..{} (they must be disjoint)", c0,
                          c1 - 1, e0, e1 - 1));
    p.phase = r->string("phase", p.phase, {"exploration", "confirmation"});
    const toml::table* study_table = top.subtable("study");
    for (const char* key : {"seeds", "first_seed"})
      if (study_table && study_table->contains(key))
        Reader(path, *study_table, "study")
            .fail(study_table->get(key), key, "the seeds come from [protocol] (its phase) when a protocol is present");
    apply_protocol_phase(c, p.phase);
  }
  return c;
}

void apply_protocol_phase(StudyConfig& c, const std::string& phase) {
  if (!c.protocol.present) throw std::invalid_argument("--phase needs a study configuration with a [protocol] table");
  if (phase == "exploration") {
    c.first_seed = c.protocol.exploration_first_seed;
    c.seeds = c.protocol.exploration_seeds;
  } else if (phase == "confirmation") {
    c.first_seed = c.protocol.confirmation_first_seed;
    c.seeds = c.protocol.confirmation_seeds;
  } else {
    throw std::invalid_argument(fmt::format("unknown protocol phase '{}' (allowed: exploration, confirmation)", phase));
  }
  c.protocol.phase = phase;
}

uint64_t sized_samples(uint64_t samples, std::size_t first_row, std::size_t features, uint32_t rows_per_feature) {
  if (rows_per_feature == 0 || features == 0) return samples;
  const PredictionConfig split;  // the fractions every study readout uses
  const auto fit_rows = [&](uint64_t usable) {
    return split_rows(usable, 0, split.train_fraction, split.validation_fraction).n_fit();
  };
  const uint64_t need = uint64_t{rows_per_feature} * features;
  auto usable =
      static_cast<uint64_t>(static_cast<double>(need) / (split.train_fraction * (1.0 - split.validation_fraction)));
  while (usable > 0 && fit_rows(usable - 1) >= need) --usable;
  while (fit_rows(usable) < need) ++usable;
  return std::max<uint64_t>(samples, first_row + usable);
}

StudyConfig sized_for(const StudyConfig& config, std::size_t features) {
  StudyConfig c = config;
  const std::size_t washout = c.reservoir.washout_samples;
  // One series length for every model of a seed: sized for the largest K in use (the ESN's).
  const std::size_t esn_k = c.memory.esn_max_delay > 0 ? c.memory.esn_max_delay : 2 * features;
  const std::size_t first = std::max({washout, c.memory.max_delay, c.baselines.esn ? esn_k : std::size_t{0}});
  c.memory.samples = sized_samples(c.memory.samples, first, features, c.min_fit_rows_per_feature);
  c.prediction.samples = sized_samples(c.prediction.samples, washout, features, c.min_fit_rows_per_feature);
  return c;
}

nlohmann::json to_json(const StudyConfig& c) {
  std::vector<std::string> models, ariths, tasks;
  for (Variant v : c.models) models.emplace_back(to_string(v));
  for (Arith a : c.arithmetics) ariths.emplace_back(to_string(a));
  for (TaskKind t : c.tasks) tasks.emplace_back(to_string(t));
  nlohmann::json out = {
      {"source", c.source},
      {"homogeneous_spec", c.homogeneous_spec},
      {"heterogeneous_spec", c.heterogeneous_spec},
      {"models", models},
      {"arith", ariths},
      {"tasks", tasks},
      {"seeds", c.seeds},
      {"first_seed", c.first_seed},
      {"threads", c.threads},
      {"size_scale", c.size_scale},
      {"input_gain", c.input_gain},
      {"features",
       {{"kind", to_string(c.reservoir.kind)},
        {"filter_tau_ms", c.reservoir.filter_tau_ms},
        {"washout_samples", c.reservoir.washout_samples},
        {"learning_samples", c.reservoir.learning_samples},
        {"plasticity", c.reservoir.plastic_during_measurement ? "on" : "frozen"},
        {"learning_block_samples", c.reservoir.learning_block_samples},
        {"min_fit_rows_per_feature", c.min_fit_rows_per_feature},
        {"standardize", c.standardize}}},
      {"memory",
       {{"samples", c.memory.samples},
        {"max_delay", c.memory.max_delay},
        {"esn_max_delay", c.memory.esn_max_delay},
        {"null_delays", c.memory.null_delays}}},
      {"prediction", {{"samples", c.prediction.samples}, {"horizon", c.prediction.horizon}}},
      {"fsdd",
       {{"data", c.fsdd.data_dir},
        {"hop_ms", c.fsdd.hop_ms},
        {"steps_per_frame", c.fsdd.steps_per_frame},
        {"bins", c.fsdd.bins},
        {"gap_frames", c.fsdd.gap_frames},
        {"warmup_utterances", c.fsdd.warmup_utterances},
        {"encoder", c.fsdd.encoder},
        {"delta_threshold", c.fsdd.delta_threshold},
        {"input_gain", c.fsdd.input_gain},
        {"input_weight", c.fsdd.input_weight},
        {"test_per_group", c.fsdd.test_per_group},
        {"val_per_group", c.fsdd.val_per_group},
        {"fit_per_group", c.fsdd.fit_per_group},
        {"filter_tau_ms", c.fsdd.filter_tau_ms},
        {"extra_filter_taus_ms", c.fsdd.extra_filter_taus_ms},
        {"learning_utterances", c.fsdd.learning_utterances},
        {"lambdas_per_decade", c.fsdd.lambdas_per_decade},
        {"sqrt_features", c.fsdd.sqrt_features},
        {"esn_leak_rate", c.fsdd.esn_leak_rate}}},
      {"baselines",
       {{"esn", c.baselines.esn},
        {"linear", c.baselines.linear},
        {"spectral_radii", c.baselines.spectral_radii},
        {"input_scalings", c.baselines.input_scalings},
        {"fsdd_input_scalings", c.baselines.fsdd_input_scalings},
        {"taps", c.baselines.taps}}},
      {"claims",
       {{"alpha", c.claims.alpha},
        {"mc_margin", c.claims.mc_margin},
        {"mc_margin_abs", c.claims.mc_margin_abs},
        {"mc_metric", c.claims.mc_metric},
        {"primary_arith", c.claims.primary_arith},
        {"power", c.claims.power}}},
      {"protocol", c.protocol.present ? nlohmann::json{{"name", c.protocol.name},
                                                       {"file", c.protocol.file},
                                                       {"sha256", c.protocol.sha256},
                                                       {"phase", c.protocol.phase},
                                                       {"exploration_first_seed", c.protocol.exploration_first_seed},
                                                       {"exploration_seeds", c.protocol.exploration_seeds},
                                                       {"confirmation_first_seed", c.protocol.confirmation_first_seed},
                                                       {"confirmation_seeds", c.protocol.confirmation_seeds}}
                                      : nlohmann::json(nullptr)}};
  // Written only when used, so that the configurations (and checkpoint fingerprints) of studies
  // that do not use them stay as they were.
  if (c.models_as_written) out["models_from"] = "specs";
  if (c.rate_calibration.target_hz > 0.0)
    out["rate_calibration"] = {{"target_hz", c.rate_calibration.target_hz},
                               {"probes", c.rate_calibration.probes},
                               {"samples", c.rate_calibration.samples},
                               {"tolerance", c.rate_calibration.tolerance}};
  return out;
}

}  // namespace hrsnn::study
