#include "study/study.hpp"

#include "core/foundation/source_dir.hpp"
#include "core/network.hpp"
#include "study/audio.hpp"
#include "study/claims.hpp"
#include "study/fsdd.hpp"
#include "study/gram_ridge.hpp"
#include "study/metrics.hpp"
#include "core/foundation/random.hpp"
#include "study/tasks.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <mutex>
#include <numeric>
#include <set>
#include <sstream>
#include <thread>

#include <sys/resource.h>

namespace hrsnn::study {

// ---------------------------------------------------------------------------------------------
// Variants

const char* to_string(Variant v) {
  switch (v) {
    case Variant::mrsnn: return "mrsnn";
    case Variant::het_neurons: return "het-neurons";
    case Variant::het_stdp: return "het-stdp";
    case Variant::hrsnn: return "hrsnn";
  }
  return "?";
}

Variant parse_variant(const std::string& name) {
  for (Variant v : kAllVariants)
    if (name == to_string(v)) return v;
  throw std::invalid_argument(
      fmt::format("unknown model '{}' (allowed: mrsnn, het-neurons, het-stdp, hrsnn)", name));
}

NetworkSpec make_variant(const NetworkSpec& homogeneous, const NetworkSpec& heterogeneous, Variant v) {
  const auto mismatch = [&](const std::string& what) {
    return std::invalid_argument(fmt::format("make_variant: {} and {} differ in {}; the variants need the same "
                                             "populations and projections",
                                             homogeneous.source, heterogeneous.source, what));
  };
  if (homogeneous.populations.size() != heterogeneous.populations.size()) throw mismatch("the number of populations");
  if (homogeneous.projections.size() != heterogeneous.projections.size()) throw mismatch("the number of projections");
  NetworkSpec out = homogeneous;
  const bool neurons = v == Variant::het_neurons || v == Variant::hrsnn;
  const bool stdp = v == Variant::het_stdp || v == Variant::hrsnn;
  for (size_t i = 0; i < out.populations.size(); ++i) {
    const PopulationSpec& h = heterogeneous.populations[i];
    PopulationSpec& p = out.populations[i];
    if (p.name != h.name || p.size != h.size || p.kind != h.kind) throw mismatch(fmt::format("population {}", i));
    if (neurons) p.lif = h.lif;
  }
  for (size_t i = 0; i < out.projections.size(); ++i) {
    const ProjectionSpec& h = heterogeneous.projections[i];
    ProjectionSpec& p = out.projections[i];
    if (p.name != h.name || p.pre != h.pre || p.post != h.post || p.stdp.has_value() != h.stdp.has_value())
      throw mismatch(fmt::format("projection {} ('{}')", i, p.name));
    if (stdp) p.stdp = h.stdp;
  }
  out.source = fmt::format("{} ({} from {} and {})", to_string(v), v == Variant::mrsnn ? "homogeneous" : "variant",
                           homogeneous.source, heterogeneous.source);
  return out;
}

NetworkSpec scale_network(const NetworkSpec& spec, double scale) {
  if (!(scale > 0.0)) throw std::invalid_argument(fmt::format("size_scale = {} must be > 0", scale));
  NetworkSpec out = spec;
  if (scale == 1.0) return out;
  for (auto& p : out.populations)
    p.size = static_cast<uint32_t>(std::max<long>(1, std::lround(static_cast<double>(p.size) * scale)));
  for (auto& pr : out.projections) {
    if (pr.rule == ConnectRule::Probability) {
      pr.p = std::min(1.0, pr.p / scale);
    } else {
      const int pre = out.population_index(pr.pre);
      if (pre >= 0) pr.in_degree = std::min(pr.in_degree, out.populations[static_cast<size_t>(pre)].size);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Tasks

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

// ---------------------------------------------------------------------------------------------
// Configuration

StudyConfig default_study_config() {
  StudyConfig c;
  c.homogeneous_spec = source_dir() + "/examples/mrsnn.toml";
  c.heterogeneous_spec = source_dir() + "/examples/hrsnn.toml";
  c.fsdd.data_dir = source_dir() + "/../shared/data/fsdd/recordings";
  return c;
}

StudyConfig quick_study_config() {
  StudyConfig c = default_study_config();
  c.source = "<quick>";
  c.seeds = 3;
  c.size_scale = 0.1;
  c.reservoir.washout_samples = 50;
  c.memory.samples = 400;
  c.memory.max_delay = 20;
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

Eigen::Index idx(std::size_t i) { return static_cast<Eigen::Index>(i); }

// Walks one table of the study TOML; errors name the file, the line and the key path.
class ConfigReader {
 public:
  ConfigReader(std::string file, const toml::table& table, std::string path)
      : file_(std::move(file)), table_(table), path_(std::move(path)) {}

  [[noreturn]] void fail(const toml::node* node, std::string_view key, const std::string& msg) const {
    const int line = node ? static_cast<int>(node->source().begin.line) : static_cast<int>(table_.source().begin.line);
    throw SpecError(file_, line, key.empty() ? path_ : path_ + "." + std::string(key), msg);
  }
  void only_keys(std::initializer_list<std::string_view> allowed) const {
    for (const auto& [k, v] : table_) {
      if (std::find(allowed.begin(), allowed.end(), k.str()) == allowed.end()) {
        std::vector<std::string> names(allowed.begin(), allowed.end());
        std::string list;
        for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
        fail(&v, k.str(), fmt::format("unknown key; allowed keys here: {}", list));
      }
    }
  }
  void number(std::string_view key, double& out, double low, double high, bool open_low = false) const {
    const toml::node* n = table_.get(key);
    if (!n) return;
    double x = 0;
    if (auto i = n->value_exact<int64_t>()) {
      x = static_cast<double>(*i);
    } else if (auto d = n->value_exact<double>()) {
      x = *d;
    } else {
      fail(n, key, fmt::format("expected a number, got {} (allowed: {})", type_name(*n), range(low, high, open_low)));
    }
    if (std::isnan(x) || (open_low ? !(x > low) : !(x >= low)) || x > high)
      fail(n, key, fmt::format("value {} out of range (allowed: {})", x, range(low, high, open_low)));
    out = x;
  }
  template <typename Int>
  void integer(std::string_view key, Int& out, int64_t low, int64_t high) const {
    const toml::node* n = table_.get(key);
    if (!n) return;
    auto i = n->value_exact<int64_t>();
    if (!i) fail(n, key, fmt::format("expected an integer, got {} (allowed: [{}, {}])", type_name(*n), low, high));
    if (*i < low || *i > high) fail(n, key, fmt::format("value {} out of range (allowed: [{}, {}])", *i, low, high));
    out = static_cast<Int>(*i);
  }
  void boolean(std::string_view key, bool& out) const {
    const toml::node* n = table_.get(key);
    if (!n) return;
    auto b = n->value_exact<bool>();
    if (!b) fail(n, key, fmt::format("expected true or false, got {}", type_name(*n)));
    out = *b;
  }
  void string(std::string_view key, std::string& out, std::initializer_list<std::string_view> allowed = {}) const {
    const toml::node* n = table_.get(key);
    if (!n) return;
    auto s = n->value_exact<std::string>();
    if (!s) fail(n, key, fmt::format("expected a string, got {}", type_name(*n)));
    if (allowed.size() && std::find(allowed.begin(), allowed.end(), *s) == allowed.end()) {
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      fail(n, key, fmt::format("'{}' is not allowed (allowed: {})", *s, list));
    }
    out = *s;
  }
  // An array of strings, each mapped through `parse` (which throws std::invalid_argument).
  template <typename T, typename Parse>
  void string_list(std::string_view key, std::vector<T>& out, Parse parse) const {
    const toml::node* n = table_.get(key);
    if (!n) return;
    const toml::array* arr = n->as_array();
    if (!arr || arr->empty()) fail(n, key, "expected a non-empty array of strings");
    std::vector<T> values;
    for (const auto& e : *arr) {
      auto s = e.value_exact<std::string>();
      if (!s) fail(&e, key, fmt::format("expected a string, got {}", type_name(e)));
      try {
        values.push_back(parse(*s));
      } catch (const std::invalid_argument& ex) {
        fail(&e, key, ex.what());
      }
    }
    out = std::move(values);
  }
  template <typename T>
  void number_list(std::string_view key, std::vector<T>& out, double low, double high, bool open_low = false) const {
    const toml::node* n = table_.get(key);
    if (!n) return;
    const toml::array* arr = n->as_array();
    if (!arr || arr->empty()) fail(n, key, "expected a non-empty array of numbers");
    std::vector<T> values;
    for (const auto& e : *arr) {
      double x = 0;
      if (auto i = e.value_exact<int64_t>()) {
        x = static_cast<double>(*i);
      } else if (auto d = e.value_exact<double>(); d && !std::is_integral_v<T>) {
        x = *d;
      } else {
        fail(&e, key, fmt::format("expected {}, got {}", std::is_integral_v<T> ? "an integer" : "a number", type_name(e)));
      }
      if (std::isnan(x) || (open_low ? !(x > low) : !(x >= low)) || x > high)
        fail(&e, key, fmt::format("value {} out of range (allowed: {})", x, range(low, high, open_low)));
      values.push_back(static_cast<T>(x));
    }
    out = std::move(values);
  }
  const toml::table* subtable(std::string_view key) const {
    const toml::node* n = table_.get(key);
    if (!n) return nullptr;
    if (!n->is_table()) fail(n, key, fmt::format("expected a table, got {}", type_name(*n)));
    return n->as_table();
  }

 private:
  static std::string range(double low, double high, bool open_low) {
    return fmt::format("{}{}, {}", open_low ? "(" : "[", low, std::isfinite(high) ? fmt::format("{}]", high) : "inf)");
  }
  static std::string type_name(const toml::node& n) {
    switch (n.type()) {
      case toml::node_type::string: return "a string";
      case toml::node_type::integer: return "an integer";
      case toml::node_type::floating_point: return "a float";
      case toml::node_type::boolean: return "a boolean";
      case toml::node_type::array: return "an array";
      case toml::node_type::table: return "a table";
      default: return "a date/time";
    }
  }

  std::string file_;
  const toml::table& table_;
  std::string path_;
};

constexpr double kInf = std::numeric_limits<double>::infinity();

std::string resolve(const std::filesystem::path& base_dir, const std::string& p) {
  const std::filesystem::path path(p);
  return path.is_absolute() ? p : (base_dir / path).lexically_normal().string();
}

}  // namespace

StudyConfig load_study_config(const std::string& path, const StudyConfig& base) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw SpecError(path, static_cast<int>(e.source().begin.line), "<toml>", std::string(e.description()));
  }
  StudyConfig c = base;
  c.source = path;
  const std::filesystem::path dir = std::filesystem::absolute(path).parent_path();
  const ConfigReader top(path, root, "");
  top.only_keys({"study", "features", "memory", "prediction", "fsdd", "baselines", "claims"});
  if (const toml::table* t = top.subtable("study")) {
    const ConfigReader r(path, *t, "study");
    r.only_keys({"homogeneous", "heterogeneous", "models", "arith", "tasks", "seeds", "first_seed", "threads",
                 "size_scale", "input_gain"});
    std::string hom, het;
    r.string("homogeneous", hom);
    r.string("heterogeneous", het);
    if (!hom.empty()) c.homogeneous_spec = resolve(dir, hom);
    if (!het.empty()) c.heterogeneous_spec = resolve(dir, het);
    r.string_list("models", c.models, parse_variant);
    r.string_list("arith", c.arithmetics, parse_arith);
    r.string_list("tasks", c.tasks, parse_task_kind);
    r.integer("seeds", c.seeds, 1, 1000);
    r.integer("first_seed", c.first_seed, 0, INT64_MAX);
    r.integer("threads", c.threads, 1, 256);
    r.number("size_scale", c.size_scale, 0.0, 100.0, true);
    r.number("input_gain", c.input_gain, 0.0, 1e6);
  }
  if (const toml::table* t = top.subtable("features")) {
    const ConfigReader r(path, *t, "features");
    r.only_keys({"kind", "filter_tau_ms", "washout_samples", "standardize"});
    r.boolean("standardize", c.standardize);
    std::string kind = to_string(c.reservoir.kind);
    r.string("kind", kind, {"filtered", "counts"});
    c.reservoir.kind = parse_feature_kind(kind);
    r.number("filter_tau_ms", c.reservoir.filter_tau_ms, 0.0, 1e6, true);
    r.integer("washout_samples", c.reservoir.washout_samples, 0, 1000000);
  }
  if (const toml::table* t = top.subtable("memory")) {
    const ConfigReader r(path, *t, "memory");
    r.only_keys({"samples", "max_delay"});
    r.integer("samples", c.memory.samples, 20, 10000000);
    r.integer("max_delay", c.memory.max_delay, 1, 100000);
  }
  if (const toml::table* t = top.subtable("prediction")) {
    const ConfigReader r(path, *t, "prediction");
    r.only_keys({"samples", "horizon"});
    r.integer("samples", c.prediction.samples, 20, 10000000);
    r.integer("horizon", c.prediction.horizon, 1, 10000);
  }
  if (const toml::table* t = top.subtable("fsdd")) {
    const ConfigReader r(path, *t, "fsdd");
    r.only_keys({"data", "hop_ms", "steps_per_frame", "bins", "gap_frames", "warmup_utterances", "encoder",
                 "delta_threshold", "input_gain", "input_weight", "test_per_group", "val_per_group", "fit_per_group",
                 "filter_tau_ms", "esn_leak_rate"});
    r.number("filter_tau_ms", c.fsdd.filter_tau_ms, 0.0, 1e6, true);
    std::string data;
    r.string("data", data);
    if (!data.empty()) c.fsdd.data_dir = resolve(dir, data);
    r.number("hop_ms", c.fsdd.hop_ms, 1.0, 100.0);
    r.integer("steps_per_frame", c.fsdd.steps_per_frame, 1, 1000);
    r.integer("bins", c.fsdd.bins, 1, 64);
    r.integer("gap_frames", c.fsdd.gap_frames, 0, 10000);
    r.integer("warmup_utterances", c.fsdd.warmup_utterances, 0, 2700);
    r.string("encoder", c.fsdd.encoder, {"current", "delta"});
    r.number("delta_threshold", c.fsdd.delta_threshold, 0.0, 1e6, true);
    r.number("input_gain", c.fsdd.input_gain, 0.0, 1e6);
    r.number("input_weight", c.fsdd.input_weight, 0.0, 1e6);
    r.integer("test_per_group", c.fsdd.test_per_group, 1, 5);
    r.integer("val_per_group", c.fsdd.val_per_group, 1, 5);
    r.integer("fit_per_group", c.fsdd.fit_per_group, 1, 40);
    r.number("esn_leak_rate", c.fsdd.esn_leak_rate, 0.0, 1.0, true);
  }
  if (const toml::table* t = top.subtable("baselines")) {
    const ConfigReader r(path, *t, "baselines");
    r.only_keys({"esn", "linear", "spectral_radii", "input_scalings", "fsdd_input_scalings", "taps"});
    r.boolean("esn", c.baselines.esn);
    r.boolean("linear", c.baselines.linear);
    r.number_list("spectral_radii", c.baselines.spectral_radii, 0.0, 10.0);
    r.number_list("input_scalings", c.baselines.input_scalings, 0.0, 1e3);
    r.number_list("fsdd_input_scalings", c.baselines.fsdd_input_scalings, 0.0, 1e3);
    r.number_list("taps", c.baselines.taps, 1.0, 10000.0);
  }
  if (const toml::table* t = top.subtable("claims")) {
    const ConfigReader r(path, *t, "claims");
    r.only_keys({"alpha", "mc_margin"});
    r.number("alpha", c.claims.alpha, 0.0, 0.5, true);
    r.number("mc_margin", c.claims.mc_margin, 0.0, 1.0);
  }
  return c;
}

nlohmann::json to_json(const StudyConfig& c) {
  std::vector<std::string> models, ariths, tasks;
  for (Variant v : c.models) models.emplace_back(to_string(v));
  for (Arith a : c.arithmetics) ariths.emplace_back(to_string(a));
  for (TaskKind t : c.tasks) tasks.emplace_back(to_string(t));
  return {{"source", c.source},
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
            {"standardize", c.standardize}}},
          {"memory", {{"samples", c.memory.samples}, {"max_delay", c.memory.max_delay}}},
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
            {"esn_leak_rate", c.fsdd.esn_leak_rate}}},
          {"baselines",
           {{"esn", c.baselines.esn},
            {"linear", c.baselines.linear},
            {"spectral_radii", c.baselines.spectral_radii},
            {"input_scalings", c.baselines.input_scalings},
            {"fsdd_input_scalings", c.baselines.fsdd_input_scalings},
            {"taps", c.baselines.taps}}},
          {"claims", {{"alpha", c.claims.alpha}, {"mc_margin", c.claims.mc_margin}}}};
}

// ---------------------------------------------------------------------------------------------
// Records

namespace {

nlohmann::json finite_or_string(double x) {
  if (std::isfinite(x)) return x;
  if (std::isnan(x)) return "nan";
  return x > 0 ? "inf" : "-inf";
}

}  // namespace

nlohmann::json to_json(const Record& r) {
  nlohmann::json m = nlohmann::json::object();
  for (const auto& [k, v] : r.metrics) m[k] = finite_or_string(v);
  nlohmann::json j = {{"model", r.model},   {"arith", r.arith},   {"seed", r.seed},
                      {"task", to_string(r.task)}, {"metrics", m}, {"wall_time_s", r.wall_time_s},
                      {"detail", r.detail}};
  if (!r.error.empty()) j["error"] = r.error;
  return j;
}

// ---------------------------------------------------------------------------------------------
// FSDD data

FsddData load_fsdd_data(const FsddTaskConfig& config) {
  const FsddSplit split = load_fsdd_split(config.data_dir);
  // Roles by take index: test 0..4, validation 5..9, fit 10..49, each limited per group.
  std::vector<FsddRecording> chosen;
  std::vector<int> role;
  const auto take = [&](const std::vector<FsddRecording>& from, int lo, uint32_t count, int r) {
    for (const auto& rec : from)
      if (rec.index >= lo && rec.index < lo + static_cast<int>(count)) {
        chosen.push_back(rec);
        role.push_back(r);
      }
  };
  take(split.test, 0, config.test_per_group, 2);
  take(split.train, 5, config.val_per_group, 1);
  take(split.train, 10, config.fit_per_group, 0);
  if (chosen.empty()) throw FsddError(fmt::format("{}: no recordings selected", config.data_dir));

  // One fixed order for every model and seed (so seeds pair on the network only): a
  // Fisher-Yates shuffle with a constant seed, mixing roles so that slow drift of the network
  // (STDP stays on) affects training and test utterances alike.
  std::vector<size_t> order(chosen.size());
  std::iota(order.begin(), order.end(), size_t{0});
  Rng rng(20230222);
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[static_cast<size_t>(rng.below_by_rejection(i))]);

  FrontEndConfig fe;
  fe.hop_ms = config.hop_ms;
  const MelFrontEnd front_end(fe);
  std::vector<FsddRecording> ordered;
  FsddData d;
  for (size_t i : order) {
    ordered.push_back(chosen[i]);
    d.role.push_back(role[i]);
  }
  FsddFeatures f = compute_fsdd_features(ordered, front_end);
  for (auto& u : f.utterances) normalize_per_utterance(u);
  d.utterances = std::move(f.utterances);
  d.labels = std::move(f.labels);
  d.bands = static_cast<uint32_t>(fe.n_mels);

  // The stream: warm-up utterances (the first fit utterances of the order), then every
  // utterance followed by gap_frames of zero input.
  std::vector<size_t> warm;
  for (size_t u = 0; u < d.utterances.size() && warm.size() < config.warmup_utterances; ++u)
    if (d.role[u] == 0) warm.push_back(u);
  const uint32_t bands = d.bands;
  std::vector<double>& v = d.stream.values;
  d.stream.channels = bands;
  const auto append = [&](const Eigen::MatrixXd& m, int64_t id) {
    for (Eigen::Index r = 0; r < m.rows(); ++r) {
      for (uint32_t b = 0; b < bands; ++b) v.push_back(config.input_gain * m(r, static_cast<Eigen::Index>(b)));
      d.utterance_of_frame.push_back(id);
    }
    for (uint32_t g = 0; g < config.gap_frames; ++g) {
      for (uint32_t b = 0; b < bands; ++b) v.push_back(0.0);
      d.utterance_of_frame.push_back(-1);
    }
  };
  for (size_t u : warm) append(d.utterances[u], -1);
  d.warmup_frames = d.utterance_of_frame.size();
  for (size_t u = 0; u < d.utterances.size(); ++u) append(d.utterances[u], static_cast<int64_t>(u));
  return d;
}

NetworkSpec task_spec(const NetworkSpec& spec, TaskKind task, const StudyConfig& config, const FsddData* fsdd) {
  NetworkSpec s = spec;
  if (task == TaskKind::fsdd) {
    if (!fsdd) throw std::invalid_argument("task_spec: the FSDD task needs its data");
    s.input.channels = fsdd->bands;
    s.input.weight = Distribution::uniform(-config.fsdd.input_weight, config.fsdd.input_weight);
    s.input.steps_per_sample = config.fsdd.steps_per_frame;
    s.input.encoder = config.fsdd.encoder == "delta" ? EncoderKind::Delta : EncoderKind::Current;
    s.input.delta_threshold = config.fsdd.delta_threshold;
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Spiking models

namespace {

std::vector<double> to_unit_range(const std::vector<double>& x) {
  const auto [lo, hi] = std::minmax_element(x.begin(), x.end());
  const double span = *hi - *lo;
  std::vector<double> out(x.size());
  for (size_t i = 0; i < x.size(); ++i) out[i] = span > 0 ? (x[i] - *lo) / span : 0.0;
  return out;
}

// The series of a time-series task for one seed: network input (in [0, 1]) and target.
struct SeriesTask {
  std::vector<double> input;         // what the network is fed
  std::vector<double> mc_input;      // memory: the MC reference input (= input)
  std::vector<double> target;        // prediction target (memory: NARMA-10)
};

SeriesTask make_series(TaskKind task, const StudyConfig& c, uint64_t seed) {
  SeriesTask s;
  switch (task) {
    case TaskKind::memory: {
      const TaskSeries narma = narma10_task(c.memory.samples, seed);
      s.input.resize(narma.input.size());
      for (size_t i = 0; i < s.input.size(); ++i) s.input[i] = 2.0 * narma.input[i];  // U[0, 0.5) -> U[0, 1)
      s.mc_input = s.input;
      s.target = narma.target;
      break;
    }
    case TaskKind::mackey_glass: {
      const TaskSeries t = mackey_glass_task(c.prediction.samples, seed, c.prediction.horizon);
      s.input = to_unit_range(t.input);
      s.target = t.target;
      break;
    }
    case TaskKind::lorenz: {
      const TaskSeries t = lorenz_task(c.prediction.samples, seed, c.prediction.horizon);
      s.input = to_unit_range(t.input);
      s.target = t.target;
      break;
    }
    case TaskKind::fsdd: throw std::logic_error("make_series: FSDD is not a series");
  }
  return s;
}

// The validation series of a seed (for hyper-parameters of the baselines): a different seed's
// task data, never the test series.
constexpr uint64_t kValidationSeedOffset = 1000003;

void add_activity(Record& r, const Activity& a, double dt_ms) {
  const double s = a.spiking_activity();
  r.metrics["S"] = s;
  r.metrics["rate_hz"] = s * 1000.0 / dt_ms;
  r.metrics["spikes"] = static_cast<double>(a.spikes);
  r.metrics["sim_time_s"] = a.wall_time_s;
  r.detail["counts_window"] = counts_to_json(a.counts);
  r.detail["window_steps"] = a.steps;
}

void add_memory_metrics(Record& r, const MemoryCapacityResult& m) {
  r.metrics["mc"] = m.capacity;
  double tail = 0.0;  // r^2 summed over the second half of the delays: the check that K is large enough
  for (size_t k = m.r2_by_delay.size() / 2; k < m.r2_by_delay.size(); ++k) tail += m.r2_by_delay[k];
  r.metrics["mc_tail"] = tail;
  r.detail["mc_curve"] = m.r2_by_delay;
}

MemoryCapacityConfig memory_config(const StudyConfig& config) {
  MemoryCapacityConfig mc;
  mc.max_delay = config.memory.max_delay;
  mc.washout = config.reservoir.washout_samples;
  mc.standardize = config.standardize;
  return mc;
}

// Per-utterance pooled features of a stream: the sink's rows, pooled over each utterance's frames.
class UtterancePooler {
 public:
  UtterancePooler(const FsddData& d, uint32_t neurons, uint32_t bins) : d_(d), bins_(bins) {
    frames_.assign(d.utterances.size(), 0);
    for (int64_t u : d.utterance_of_frame)
      if (u >= 0) ++frames_[static_cast<size_t>(u)];
    size_t longest = 0;
    for (size_t f : frames_) longest = std::max(longest, f);
    buffer_.resize(idx(longest), neurons);
    pooled_.resize(idx(d.utterances.size()), idx(size_t{bins} * neurons));
  }
  void operator()(uint64_t k, std::span<const double> row) {
    const int64_t u = d_.utterance_of_frame[k];
    if (u < 0) return;
    for (size_t i = 0; i < row.size(); ++i) buffer_(fill_, idx(i)) = row[i];
    ++fill_;
    if (static_cast<size_t>(fill_) == frames_[static_cast<size_t>(u)]) {
      pooled_.row(u) = pool_frames(buffer_.topRows(fill_), bins_);
      fill_ = 0;
    }
  }
  const Eigen::MatrixXd& pooled() const { return pooled_; }

 private:
  const FsddData& d_;
  uint32_t bins_;
  std::vector<size_t> frames_;
  Eigen::MatrixXd buffer_;
  Eigen::Index fill_ = 0;
  Eigen::MatrixXd pooled_;
};

// Fit on role 0, lambda on role 1, score on role 2.
double classify(const Eigen::MatrixXd& x, const FsddData& d, bool standardize, Record& r) {
  std::vector<Eigen::Index> rows[3];
  std::vector<int> labels[3];
  for (size_t u = 0; u < d.role.size(); ++u) {
    rows[d.role[u]].push_back(idx(u));
    labels[d.role[u]].push_back(d.labels[u]);
  }
  const auto pick = [&](int role) {
    Eigen::MatrixXd m(idx(rows[role].size()), x.cols());
    for (size_t i = 0; i < rows[role].size(); ++i) m.row(idx(i)) = x.row(rows[role][i]);
    return m;
  };
  RidgeSelectConfig rc;
  rc.standardize = standardize;
  const RidgeClassifier c = fit_ridge_classifier_gram(pick(0), labels[0], pick(1), labels[1], 10, rc);
  const std::vector<int> predicted = c.predict(pick(2));
  r.detail["lambda"] = c.lambda;
  r.detail["test_utterances"] = labels[2].size();
  r.detail["fit_utterances"] = labels[0].size();
  r.detail["validation_utterances"] = labels[1].size();
  return accuracy(labels[2], predicted);
}

}  // namespace

Record run_snn_task(const NetworkSpec& spec_in, const std::string& model, TaskKind task, Arith arith,
                    const StudyConfig& config, const FsddData* fsdd) {
  const auto t0 = std::chrono::steady_clock::now();
  Record r;
  r.model = model;
  r.arith = to_string(arith);
  r.seed = spec_in.simulation.seed;
  r.task = task;
  try {
    const NetworkSpec spec = task_spec(spec_in, task, config, fsdd);
    const Network net = build_network(spec);
    const Backend backend{arith, spec.hardware};
    r.detail["neurons"] = net.size();
    r.detail["synapses"] = net.synapse_count();
    if (task == TaskKind::fsdd) {
      ReservoirConfig rc = config.reservoir;
      rc.washout_samples = fsdd->warmup_frames;
      rc.filter_tau_ms = config.fsdd.filter_tau_ms;
      UtterancePooler pooler(*fsdd, net.size(), config.fsdd.bins);
      const Activity a = run_reservoir(net, fsdd->stream, backend, rc,
                                       [&](uint64_t k, std::span<const double> row) { pooler(k, row); });
      add_activity(r, a, net.dt_ms);
      r.metrics["accuracy"] = classify(pooler.pooled(), *fsdd, config.standardize, r);
    } else {
      const SeriesTask s = make_series(task, config, r.seed);
      const InputSignal signal = scalar_signal(s.input, config.input_gain, 0.0, net.input.channels);
      const ReservoirFeatures f = collect_features(net, signal, backend, config.reservoir);
      add_activity(r, f.activity, net.dt_ms);
      PredictionConfig pc;
      pc.washout = config.reservoir.washout_samples;
      pc.standardize = config.standardize;
      if (task == TaskKind::memory) {
        const MemoryAndPrediction mp =
            memory_and_prediction_gram(f.features, s.mc_input, s.target, memory_config(config), pc);
        add_memory_metrics(r, mp.memory);
        const SpikeEfficiency e = spike_efficiency(r.metrics["S"], r.metrics["mc"]);
        r.metrics["E"] = e.e;
        r.metrics["mc_per_S"] = e.mc_per_activity;
        r.metrics["narma10_nrmse"] = mp.prediction.test_nrmse;
      } else {
        r.metrics["nrmse"] = evaluate_prediction_gram(f.features, s.target, pc).test_nrmse;
      }
    }
  } catch (const std::exception& e) {
    r.error = e.what();
  }
  r.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

std::vector<Record> run_spec_task(const NetworkSpec& spec_in, TaskKind task, Arith arith, const StudyConfig& config,
                                  const FsddData* fsdd, const std::function<void(const Record&)>& progress) {
  const NetworkSpec spec = scale_network(spec_in, config.size_scale);
  std::vector<Record> out(config.seeds);
  std::atomic<uint32_t> next{0};
  std::mutex mu;
  const auto worker = [&] {
    for (uint32_t k = next.fetch_add(1); k < config.seeds; k = next.fetch_add(1)) {
      NetworkSpec s = spec;
      s.simulation.seed = config.first_seed + k;
      out[k] = run_snn_task(s, std::filesystem::path(spec.source).stem().string(), task, arith, config, fsdd);
      std::lock_guard<std::mutex> lock(mu);
      if (progress) progress(out[k]);
    }
  };
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < std::max(1U, std::min(config.threads, config.seeds)); ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  return out;
}

// ---------------------------------------------------------------------------------------------
// Baselines

namespace {

// An ESN drawn once with spectral radius 1 and input scaling 1; a grid point rescales it
// (the draws do not depend on the scalings, study/esn.hpp).
Eigen::MatrixXd esn_states(const EchoStateNetwork& base, double rho, double in_scale, double leak,
                           const Eigen::MatrixXd& inputs) {
  const Eigen::SparseMatrix<double, Eigen::RowMajor> w = base.recurrent_weights() * rho;
  const Eigen::MatrixXd drive = inputs * (base.input_weights() * in_scale).transpose();  // T x N
  const Eigen::Index n = w.rows();
  Eigen::VectorXd x = Eigen::VectorXd::Zero(n), pre(n);
  Eigen::MatrixXd states(inputs.rows(), n);
  for (Eigen::Index t = 0; t < inputs.rows(); ++t) {
    pre.noalias() = w * x;
    pre += drive.row(t).transpose();
    x = (1.0 - leak) * x + leak * pre.array().tanh().matrix();
    states.row(t) = x.transpose();
  }
  return states;
}

Eigen::MatrixXd column(const std::vector<double>& v) {
  return Eigen::Map<const Eigen::VectorXd>(v.data(), idx(v.size()));
}


Eigen::MatrixXd esn_pooled(const EchoStateNetwork& base, double rho, double in_scale, double leak, const FsddData& d,
                           uint32_t bins) {
  Eigen::MatrixXd out(idx(d.utterances.size()), idx(size_t{bins} * base.config().units));
  for (size_t u = 0; u < d.utterances.size(); ++u)
    out.row(idx(u)) = pool_frames(esn_states(base, rho, in_scale, leak, d.utterances[u]), bins);
  return out;
}

}  // namespace

std::shared_ptr<const EchoStateNetwork> EsnBank::get(uint64_t seed, std::size_t inputs) {
  std::shared_ptr<Entry> e;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto& slot = entries_[{seed, inputs}];
    if (!slot) slot = std::make_shared<Entry>();
    e = slot;
  }
  std::call_once(e->built, [&] {
    EsnConfig c;
    c.units = units_;
    c.inputs = inputs;
    c.spectral_radius = 1.0;
    c.input_scaling = 1.0;
    c.seed = seed;
    e->esn = std::make_shared<const EchoStateNetwork>(c);
  });
  return e->esn;
}

std::vector<Record> run_esn_task(TaskKind task, EsnBank& bank, const StudyConfig& config, const FsddData* fsdd) {
  const std::size_t units = bank.units();
  std::vector<Record> out;
  const auto& grid_in = task == TaskKind::fsdd ? config.baselines.fsdd_input_scalings : config.baselines.input_scalings;
  const double leak = task == TaskKind::fsdd ? config.fsdd.esn_leak_rate : 1.0;
  const std::size_t inputs = task == TaskKind::fsdd ? fsdd->bands : 1;
  PredictionConfig pc;
  pc.washout = config.reservoir.washout_samples;
  pc.standardize = config.standardize;
  const MemoryCapacityConfig mc = memory_config(config);

  // Tuning on the first seed's network with validation data (validation series of another
  // seed; for FSDD the validation utterances).
  struct Choice {
    double rho = 0, in = 0, loss = kInf;
  };
  Choice best_a, best_b;  // memory: a = MC, b = NARMA; others: a only
  nlohmann::json trials = nlohmann::json::array();
  const auto t_tune = std::chrono::steady_clock::now();
  {
    const auto base = bank.get(config.first_seed, inputs);
    SeriesTask val;
    if (task != TaskKind::fsdd) val = make_series(task, config, config.first_seed + kValidationSeedOffset);
    for (double rho : config.baselines.spectral_radii) {
      for (double in : grid_in) {
        double la = kInf, lb = kInf;
        if (task == TaskKind::fsdd) {
          // Validation accuracy of a readout fitted on the fit utterances.
          const Eigen::MatrixXd x = esn_pooled(*base, rho, in, leak, *fsdd, config.fsdd.bins);
          Record scratch;
          std::vector<Eigen::Index> fit, vl;
          std::vector<int> lf, lv;
          for (size_t u = 0; u < fsdd->role.size(); ++u) {
            if (fsdd->role[u] == 0) fit.push_back(idx(u)), lf.push_back(fsdd->labels[u]);
            if (fsdd->role[u] == 1) vl.push_back(idx(u)), lv.push_back(fsdd->labels[u]);
          }
          Eigen::MatrixXd xf(idx(fit.size()), x.cols()), xv(idx(vl.size()), x.cols());
          for (size_t i = 0; i < fit.size(); ++i) xf.row(idx(i)) = x.row(fit[i]);
          for (size_t i = 0; i < vl.size(); ++i) xv.row(idx(i)) = x.row(vl[i]);
          RidgeSelectConfig fsdd_ridge;
          fsdd_ridge.standardize = config.standardize;
          // Lambda on the last fifth of the fit utterances, scored on the validation ones.
          const auto n_in = static_cast<Eigen::Index>(std::llround(0.8 * static_cast<double>(fit.size())));
          const RidgeClassifier c = fit_ridge_classifier_gram(
              xf.topRows(n_in), std::span<const int>(lf).first(static_cast<size_t>(n_in)), xf.bottomRows(xf.rows() - n_in),
              std::span<const int>(lf).subspan(static_cast<size_t>(n_in)), 10, fsdd_ridge);
          la = -accuracy(lv, c.predict(xv));
        } else {
          const Eigen::MatrixXd states = esn_states(*base, rho, in, leak, column(val.input));
          if (task == TaskKind::memory) {
            const MemoryAndPrediction mp = memory_and_prediction_gram(states, val.mc_input, val.target, mc, pc);
            la = -mp.memory.capacity;
            lb = mp.prediction.test_nrmse;
          } else {
            la = lb = evaluate_prediction_gram(states, val.target, pc).test_nrmse;
          }
        }
        trials.push_back({{"spectral_radius", rho}, {"input_scaling", in}, {"loss", finite_or_string(la)}});
        if (la < best_a.loss) best_a = {rho, in, la};
        if (lb < best_b.loss) best_b = {rho, in, lb};
      }
    }
  }
  const double tune_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_tune).count();

  for (uint32_t k = 0; k < config.seeds; ++k) {
    const uint64_t seed = config.first_seed + k;
    const auto t0 = std::chrono::steady_clock::now();
    Record r;
    r.model = "esn";
    r.arith = "float64";
    r.seed = seed;
    r.task = task;
    try {
      const auto base = bank.get(seed, inputs);
      r.detail = {{"units", units},
                  {"leak_rate", leak},
                  {"spectral_radius", best_a.rho},
                  {"input_scaling", best_a.in},
                  {"tuned_on_seed", config.first_seed},
                  {"tuning_trials", trials},
                  {"tuning_time_s", tune_s}};
      if (task == TaskKind::fsdd) {
        r.metrics["accuracy"] = classify(esn_pooled(*base, best_a.rho, best_a.in, leak, *fsdd, config.fsdd.bins), *fsdd, config.standardize, r);
      } else {
        const SeriesTask s = make_series(task, config, seed);
        const Eigen::MatrixXd states = esn_states(*base, best_a.rho, best_a.in, leak, column(s.input));
        if (task == TaskKind::memory) {
          add_memory_metrics(r, memory_capacity_gram(states, s.mc_input, mc));
          const Eigen::MatrixXd states_b = esn_states(*base, best_b.rho, best_b.in, leak, column(s.input));
          r.metrics["narma10_nrmse"] = evaluate_prediction_gram(states_b, s.target, pc).test_nrmse;
          r.detail["narma10_spectral_radius"] = best_b.rho;
          r.detail["narma10_input_scaling"] = best_b.in;
        } else {
          r.metrics["nrmse"] = evaluate_prediction_gram(states, s.target, pc).test_nrmse;
        }
      }
    } catch (const std::exception& e) {
      r.error = e.what();
    }
    r.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<Record> run_linear_task(TaskKind task, const StudyConfig& config, const FsddData* fsdd) {
  std::vector<Record> out;
  if (task == TaskKind::fsdd) {
    const auto t0 = std::chrono::steady_clock::now();
    Record r;
    r.model = "linear";
    r.arith = "float64";
    r.seed = config.first_seed;
    r.task = task;
    try {
      r.detail["features"] = fmt::format("log-mel pooled into {} bins", config.fsdd.bins);
      r.metrics["accuracy"] = classify(pool_utterances(fsdd->utterances, config.fsdd.bins), *fsdd, config.standardize, r);
    } catch (const std::exception& e) {
      r.error = e.what();
    }
    r.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    out.push_back(std::move(r));
    return out;
  }
  PredictionConfig pc;
  pc.washout = config.reservoir.washout_samples;
  pc.standardize = config.standardize;
  // Taps chosen on the validation series of the first seed.
  const SeriesTask val = make_series(task, config, config.first_seed + kValidationSeedOffset);
  std::size_t best_taps = config.baselines.taps.front();
  double best = kInf;
  for (std::size_t taps : config.baselines.taps) {
    const double loss = evaluate_prediction_gram(delay_embedding(val.input, taps), val.target, pc).test_nrmse;
    if (loss < best) best = loss, best_taps = taps;
  }
  for (uint32_t k = 0; k < config.seeds; ++k) {
    const auto t0 = std::chrono::steady_clock::now();
    Record r;
    r.model = "linear";
    r.arith = "float64";
    r.seed = config.first_seed + k;
    r.task = task;
    try {
      const SeriesTask s = make_series(task, config, r.seed);
      const double e = evaluate_prediction_gram(delay_embedding(s.input, best_taps), s.target, pc).test_nrmse;
      r.metrics[task == TaskKind::memory ? "narma10_nrmse" : "nrmse"] = e;
      r.detail["taps"] = best_taps;
    } catch (const std::exception& e) {
      r.error = e.what();
    }
    r.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    out.push_back(std::move(r));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Aggregation and claims

std::map<std::pair<std::string, std::string>, std::map<std::string, Summary>> summarize(
    const std::vector<Record>& records) {
  std::map<std::pair<std::string, std::string>, std::map<std::string, std::vector<double>>> values;
  for (const Record& r : records) {
    if (!r.error.empty()) continue;
    for (const auto& [k, v] : r.metrics) values[{r.model, r.arith}][std::string(to_string(r.task)) + "." + k].push_back(v);
  }
  std::map<std::pair<std::string, std::string>, std::map<std::string, Summary>> out;
  for (const auto& [cell, metrics] : values) {
    for (const auto& [name, v] : metrics) {
      Summary s;
      s.n = v.size();
      for (double x : v) s.mean += x / static_cast<double>(s.n);
      double ss = 0;
      for (double x : v) ss += (x - s.mean) * (x - s.mean);
      s.sd = s.n > 1 ? std::sqrt(ss / static_cast<double>(s.n - 1)) : 0.0;
      out[cell][name] = s;
    }
  }
  return out;
}

namespace {

// Per-seed values of task.metric for (model, arith), in seed order; seeds missing in either
// model are dropped so the pairs stay paired.
std::pair<std::vector<double>, std::vector<double>> paired(const std::vector<Record>& records, const std::string& a,
                                                           const std::string& b, const std::string& arith,
                                                           TaskKind task, const std::string& metric) {
  std::map<uint64_t, double> va, vb;
  for (const Record& r : records) {
    if (!r.error.empty() || r.arith != arith || r.task != task) continue;
    auto it = r.metrics.find(metric);
    if (it == r.metrics.end()) continue;
    if (r.model == a) va[r.seed] = it->second;
    if (r.model == b) vb[r.seed] = it->second;
  }
  std::pair<std::vector<double>, std::vector<double>> out;
  for (const auto& [seed, x] : va) {
    auto it = vb.find(seed);
    if (it == vb.end()) continue;
    out.first.push_back(x);
    out.second.push_back(it->second);
  }
  return out;
}

nlohmann::json part(const std::vector<Record>& records, const std::string& arith, const std::string& a,
                    const std::string& b, TaskKind task, const std::string& metric, Direction dir, double alpha,
                    const std::string& claim_text) {
  const auto [va, vb] = paired(records, a, b, arith, task, metric);
  const PairedStats s = paired_stats(va, vb, dir);
  return {{"comparison", fmt::format("{} vs {}", a, b)},
          {"metric", std::string(to_string(task)) + "." + metric},
          {"claim", claim_text},
          {"direction", dir == Direction::greater ? "greater" : "less"},
          {"stats", to_json(s)},
          {"verdict", s.n < 2 ? "not run" : directional_verdict(s, alpha)}};
}

// Non-inferiority: a >= b - margin * mean(b), tested as (a - b + margin * mean(b)) > 0.
nlohmann::json preserved_part(const std::vector<Record>& records, const std::string& arith, const std::string& a,
                              const std::string& b, TaskKind task, const std::string& metric, double margin,
                              double alpha) {
  auto [va, vb] = paired(records, a, b, arith, task, metric);
  double mean_b = 0;
  for (double x : vb) mean_b += x / static_cast<double>(std::max<size_t>(1, vb.size()));
  std::vector<double> shifted = va;
  for (double& x : shifted) x += margin * mean_b;
  const PairedStats s = paired_stats(shifted, vb, Direction::greater);
  const PairedStats raw = paired_stats(va, vb, Direction::greater);
  nlohmann::json j = {{"comparison", fmt::format("{} vs {}", a, b)},
                      {"metric", std::string(to_string(task)) + "." + metric},
                      {"claim", fmt::format("preserved: mean paired loss below {:.0f}% of {}'s mean", margin * 100, b)},
                      {"direction", "non-inferior"},
                      {"margin", margin * mean_b},
                      {"stats", to_json(raw)},
                      {"shifted_stats", to_json(s)},
                      {"verdict", s.n < 2 ? "not run" : directional_verdict(s, alpha)}};
  return j;
}

std::string combine(const nlohmann::json& parts) {
  bool all_hold = !parts.empty(), any_fail = false, any_missing = false;
  for (const auto& p : parts) {
    const std::string v = p["verdict"];
    all_hold = all_hold && v == "holds";
    any_fail = any_fail || v == "fails";
    any_missing = any_missing || v == "not run";
  }
  if (all_hold) return "holds";
  if (any_fail) return "fails";
  return any_missing ? "not run" : "inconclusive";
}

}  // namespace

nlohmann::json evaluate_claims(const std::vector<Record>& records, const StudyConfig& config) {
  nlohmann::json claims = nlohmann::json::array();
  const double alpha = config.claims.alpha;
  for (Arith arith_kind : config.arithmetics) {
    const std::string arith = to_string(arith_kind);
    {
      nlohmann::json parts = nlohmann::json::array();
      parts.push_back(part(records, arith, "het-neurons", "mrsnn", TaskKind::memory, "mc", Direction::greater, alpha,
                           "MC higher"));
      nlohmann::json secondary = part(records, arith, "hrsnn", "het-stdp", TaskKind::memory, "mc", Direction::greater,
                                      alpha, "MC higher (with heterogeneous STDP on both sides)");
      claims.push_back({{"id", "a"},
                        {"arith", arith},
                        {"statement", "heterogeneous membrane time constants raise the memory capacity"},
                        {"parts", parts},
                        {"secondary", nlohmann::json::array({secondary})},
                        {"verdict", combine(parts)}});
    }
    {
      nlohmann::json parts = nlohmann::json::array();
      parts.push_back(part(records, arith, "het-stdp", "mrsnn", TaskKind::memory, "S", Direction::less, alpha,
                           "spiking activity lower"));
      parts.push_back(preserved_part(records, arith, "het-stdp", "mrsnn", TaskKind::memory, "mc",
                                     config.claims.mc_margin, alpha));
      nlohmann::json secondary = nlohmann::json::array();
      secondary.push_back(part(records, arith, "hrsnn", "het-neurons", TaskKind::memory, "S", Direction::less, alpha,
                               "spiking activity lower (with heterogeneous neurons on both sides)"));
      secondary.push_back(preserved_part(records, arith, "hrsnn", "het-neurons", TaskKind::memory, "mc",
                                         config.claims.mc_margin, alpha));
      claims.push_back({{"id", "b"},
                        {"arith", arith},
                        {"statement", "heterogeneous STDP lowers spiking activity while preserving memory capacity"},
                        {"parts", parts},
                        {"secondary", secondary},
                        {"verdict", combine(parts)}});
    }
    {
      nlohmann::json parts = nlohmann::json::array();
      nlohmann::json per_task = nlohmann::json::object();
      for (TaskKind t : config.tasks) {
        nlohmann::json tp = nlohmann::json::array();
        if (t == TaskKind::memory) {
          tp.push_back(part(records, arith, "hrsnn", "mrsnn", t, "narma10_nrmse", Direction::less, alpha,
                            "NARMA-10 NRMSE lower"));
        } else if (t == TaskKind::fsdd) {
          tp.push_back(part(records, arith, "hrsnn", "mrsnn", t, "accuracy", Direction::greater, alpha,
                            "test accuracy higher"));
        } else {
          tp.push_back(part(records, arith, "hrsnn", "mrsnn", t, "nrmse", Direction::less, alpha, "NRMSE lower"));
        }
        tp.push_back(part(records, arith, "hrsnn", "mrsnn", t, "S", Direction::less, alpha, "spiking activity lower"));
        per_task[t == TaskKind::memory ? "narma10" : to_string(t)] = combine(tp);
        for (auto& p : tp) parts.push_back(std::move(p));
      }
      claims.push_back({{"id", "c"},
                        {"arith", arith},
                        {"statement", "HRSNN beats MRSNN on prediction and classification with fewer spikes"},
                        {"parts", parts},
                        {"per_task", per_task},
                        {"verdict", combine(parts)}});
    }
  }
  return claims;
}

// ---------------------------------------------------------------------------------------------
// The study

namespace {

struct Job {
  std::string label;
  double cost = 0;  // rough relative cost, for ordering (longest first)
  std::function<std::vector<Record>()> run;
};

std::string short_metrics(const Record& r) {
  if (!r.error.empty()) return "ERROR: " + r.error;
  std::string s;
  for (const char* k : {"mc", "narma10_nrmse", "nrmse", "accuracy", "S"}) {
    auto it = r.metrics.find(k);
    if (it != r.metrics.end()) s += fmt::format(" {}={:.4g}", k, it->second);
  }
  return s;
}

}  // namespace

namespace {

double process_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  const auto sec = [](const timeval& t) { return static_cast<double>(t.tv_sec) + 1e-6 * static_cast<double>(t.tv_usec); };
  return sec(u.ru_utime) + sec(u.ru_stime);
}

}  // namespace

StudyResult run_study(const StudyConfig& config, const std::function<void(const std::string&)>& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = process_cpu_seconds();
  StudyResult result;
  result.config = config;
  const auto say = [&](const std::string& s) {
    if (progress) progress(s);
  };

  const NetworkSpec hom = scale_network(load_spec(config.homogeneous_spec), config.size_scale);
  const NetworkSpec het = scale_network(load_spec(config.heterogeneous_spec), config.size_scale);
  std::map<Variant, NetworkSpec> variants;
  for (Variant v : config.models) variants[v] = make_variant(hom, het, v);
  const std::size_t units = hom.total_neurons();
  EsnBank esn_bank(units);

  std::unique_ptr<FsddData> fsdd;
  if (std::find(config.tasks.begin(), config.tasks.end(), TaskKind::fsdd) != config.tasks.end()) {
    say(fmt::format("loading FSDD from {}", config.fsdd.data_dir));
    fsdd = std::make_unique<FsddData>(load_fsdd_data(config.fsdd));
    say(fmt::format("FSDD: {} utterances, {} frames in the stream", fsdd->utterances.size(), fsdd->stream.samples()));
  }

  std::vector<Job> jobs;
  for (TaskKind task : config.tasks) {
    const double steps = task == TaskKind::fsdd
                             ? static_cast<double>(fsdd->stream.samples() * config.fsdd.steps_per_frame)
                             : static_cast<double>((task == TaskKind::memory ? config.memory.samples
                                                                              : config.prediction.samples) *
                                                   hom.input.steps_per_sample);
    for (Variant v : config.models) {
      for (Arith arith : config.arithmetics) {
        for (uint32_t k = 0; k < config.seeds; ++k) {
          const uint64_t seed = config.first_seed + k;
          const double factor = (arith == Arith::Fixed ? 4.0 : 1.0) *
                                (v == Variant::het_stdp || v == Variant::hrsnn ? 4.0 : 1.0);
          jobs.push_back({fmt::format("{} {} {} seed {}", to_string(task), to_string(v), to_string(arith), seed),
                          steps * factor * 1e-4, [&, v, task, arith, seed] {
                            NetworkSpec spec = variants.at(v);
                            spec.simulation.seed = seed;
                            return std::vector<Record>{run_snn_task(spec, to_string(v), task, arith, config, fsdd.get())};
                          }});
        }
      }
    }
    if (config.baselines.esn)
      jobs.push_back({fmt::format("{} esn (all seeds)", to_string(task)),
                      (task == TaskKind::fsdd ? 60.0 : 10.0) * static_cast<double>(units) / 1000.0,
                      [&, task] { return run_esn_task(task, esn_bank, config, fsdd.get()); }});
    if (config.baselines.linear)
      jobs.push_back({fmt::format("{} linear (all seeds)", to_string(task)), 1.0,
                      [&, task] { return run_linear_task(task, config, fsdd.get()); }});
  }
  // Longest first on the workers; results are stored by job index, so the output order (and
  // every number) is independent of the scheduling.
  std::vector<size_t> order(jobs.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return jobs[a].cost > jobs[b].cost; });
  std::vector<std::vector<Record>> done(jobs.size());
  std::atomic<size_t> next{0};
  std::mutex mu;
  size_t finished = 0;
  double total_cost = 0, finished_cost = 0;
  for (const Job& j : jobs) total_cost += j.cost;
  const auto worker = [&] {
    for (;;) {
      const size_t i = next.fetch_add(1);
      if (i >= order.size()) return;
      const Job& job = jobs[order[i]];
      const auto tj = std::chrono::steady_clock::now();
      std::vector<Record> recs;
      try {
        recs = job.run();
      } catch (const std::exception& e) {
        Record r;
        r.model = job.label;
        r.error = e.what();
        recs.push_back(r);
      }
      const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - tj).count();
      std::lock_guard<std::mutex> lock(mu);
      ++finished;
      finished_cost += job.cost;
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const double eta = finished_cost > 0 ? elapsed * (total_cost - finished_cost) / finished_cost : 0.0;
      std::string line = fmt::format("[{}/{}] {} ({:.1f} s):", finished, jobs.size(), job.label, took);
      if (recs.size() == 1) line += short_metrics(recs.front());
      else
        for (const Record& r : recs)
          if (!r.error.empty()) line += " seed " + std::to_string(r.seed) + " ERROR: " + r.error;
      line += fmt::format("  [elapsed {:.0f} s, ~{:.0f} s left]", elapsed, eta);
      say(line);
      done[order[i]] = std::move(recs);
    }
  };
  const unsigned n_threads = std::max(1U, std::min<unsigned>(config.threads, static_cast<unsigned>(jobs.size())));
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < n_threads; ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  for (auto& recs : done)
    for (auto& r : recs) result.records.push_back(std::move(r));

  result.table = summarize(result.records);
  result.claims = evaluate_claims(result.records, config);
  result.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  result.cpu_time_s = process_cpu_seconds() - cpu0;
  return result;
}

// ---------------------------------------------------------------------------------------------
// Output

namespace {

// Table columns: (task.metric, header, is_percent).
struct Column {
  const char* key;
  const char* header;
  double scale;
};
const Column kColumns[] = {
    {"memory.mc", "MC", 1.0},
    {"memory.S", "S (1e-3)", 1e3},
    {"memory.E", "E (1e-3)", 1e3},
    {"memory.mc_per_S", "MC/S", 1.0},
    {"memory.narma10_nrmse", "NARMA10", 1.0},
    {"mackey-glass.nrmse", "MG NRMSE", 1.0},
    {"lorenz.nrmse", "Lorenz", 1.0},
    {"fsdd.accuracy", "FSDD acc", 100.0},
    {"fsdd.S", "S_fsdd(1e-3)", 1e3},
};

std::vector<std::pair<std::string, std::string>> table_rows(const StudyResult& r) {
  std::vector<std::pair<std::string, std::string>> rows;
  for (Variant v : r.config.models)
    for (Arith a : r.config.arithmetics) rows.emplace_back(to_string(v), to_string(a));
  if (r.config.baselines.esn) rows.emplace_back("esn", "float64");
  if (r.config.baselines.linear) rows.emplace_back("linear", "float64");
  return rows;
}

}  // namespace

nlohmann::json to_json(const StudyResult& r) {
  nlohmann::json table = nlohmann::json::array();
  for (const auto& [model, arith] : table_rows(r)) {
    nlohmann::json cells = nlohmann::json::object();
    auto it = r.table.find({model, arith});
    if (it != r.table.end())
      for (const auto& [k, s] : it->second)
        cells[k] = {{"mean", finite_or_string(s.mean)}, {"sd", finite_or_string(s.sd)}, {"n", s.n}};
    table.push_back({{"model", model}, {"arith", arith}, {"metrics", cells}});
  }
  nlohmann::json records = nlohmann::json::array();
  for (const Record& rec : r.records) records.push_back(to_json(rec));
  return {{"format", "hrsnn-study/1"}, {"config", to_json(r.config)}, {"wall_time_s", r.wall_time_s},
          {"cpu_time_s", r.cpu_time_s},
          {"table", table},          {"claims", r.claims},         {"records", records}};
}

std::string to_csv(const StudyResult& r) {
  std::string out = "model,arith,seed,task,metric,value\n";
  for (const Record& rec : r.records) {
    if (!rec.error.empty()) continue;
    for (const auto& [k, v] : rec.metrics)
      out += fmt::format("{},{},{},{},{},{:.10g}\n", rec.model, rec.arith, rec.seed, to_string(rec.task), k, v);
  }
  return out;
}

std::string format_table(const StudyResult& r) {
  std::string out = fmt::format("{:<12} {:<8}", "model", "arith");
  for (const Column& c : kColumns) out += fmt::format(" {:>15}", c.header);
  out += "\n";
  for (const auto& [model, arith] : table_rows(r)) {
    out += fmt::format("{:<12} {:<8}", model, arith);
    auto it = r.table.find({model, arith});
    for (const Column& c : kColumns) {
      std::string cell = "-";
      if (it != r.table.end()) {
        auto m = it->second.find(c.key);
        if (m != it->second.end() && std::isfinite(m->second.mean)) {
          const double mean = m->second.mean * c.scale, sd = m->second.sd * c.scale;
          cell = m->second.n > 1 ? fmt::format("{:.3g} ± {:.2g}", mean, sd) : fmt::format("{:.3g}", mean);
        }
      }
      // "±" is two bytes in UTF-8 and one column wide: pad by display width.
      const size_t extra = cell.find("±") != std::string::npos ? 1 : 0;
      out += fmt::format(" {:>{}}", cell, 15 + extra);
    }
    out += "\n";
  }
  return out;
}

std::string format_claims(const StudyResult& r) {
  std::string out;
  for (const auto& c : r.claims) {
    out += fmt::format("claim ({}) [{}] {}: {}\n", c["id"].get<std::string>(), c["arith"].get<std::string>(),
                       c["statement"].get<std::string>(), c["verdict"].get<std::string>());
    const auto print_part = [&](const nlohmann::json& p, const char* indent) {
      const auto& s = p["stats"];
      const auto num = [](const nlohmann::json& x) {
        return x.is_number() ? fmt::format("{:.4g}", x.get<double>()) : x.get<std::string>();
      };
      std::string p_text = num(p.contains("shifted_stats") ? p["shifted_stats"]["p_one_sided"] : s["p_one_sided"]);
      out += fmt::format("{}{} {} ({}): mean {} vs {}, paired diff {} ± {} (sd), t = {}, one-sided p = {}, "
                         "{}/{} seeds in the claimed direction -> {}\n",
                         indent, p["comparison"].get<std::string>(), p["metric"].get<std::string>(),
                         p["claim"].get<std::string>(), num(s["mean_a"]), num(s["mean_b"]), num(s["mean_diff"]),
                         num(s["sd_diff"]), num(s["t"]), p_text, s["pairs_in_claimed_direction"].get<size_t>(),
                         s["n"].get<size_t>(), p["verdict"].get<std::string>());
    };
    for (const auto& p : c["parts"]) print_part(p, "  ");
    if (c.contains("secondary"))
      for (const auto& p : c["secondary"]) print_part(p, "  (secondary) ");
  }
  return out;
}

}  // namespace hrsnn::study
