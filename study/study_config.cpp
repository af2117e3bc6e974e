#include "study/study_config.hpp"

#include "core/spec.hpp"
#include "core/foundation/source_dir.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <type_traits>
#include <vector>

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

}  // namespace hrsnn::study
