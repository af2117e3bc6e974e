#include "study/quant_config.hpp"

#include "core/foundation/config.hpp"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <functional>
#include <limits>
#include <optional>
#include <stdexcept>

namespace hrsnn::study {

namespace {

// The [hardware] keys a sweep may set besides the register-format fields.
constexpr std::array<std::string_view, 4> kSpecKeys{"tau_profiles", "profile_method", "trace_scale",
                                                    "voltage_headroom_bits"};

std::vector<std::string> sweepable_keys() {
  std::vector<std::string> keys;
  for (const auto& f : fixed::format_fields()) keys.emplace_back(f.name);
  for (auto k : kSpecKeys) keys.emplace_back(k);
  return keys;
}

// One value `n` of the sweepable [hardware] key `hw_key`, found under `key` of `t` (errors name
// "<t's path>.<key>"), checked against the key's range.
QuantSetting parse_setting(const ConfigTable& t, std::string_view key, const std::string& hw_key, const toml::node& n) {
  QuantSetting s;
  s.key = hw_key;
  s.line = ConfigTable::line_of(n);
  auto integer_in = [&](int64_t lo, int64_t hi) {
    const int64_t i = t.integer_of(&n, key, ConfigRange::closed(static_cast<double>(lo), static_cast<double>(hi)));
    s.text = std::to_string(i);
    s.value = static_cast<double>(i);
  };
  auto text_of = [&](const std::string& allowed) {
    auto v = n.value_exact<std::string>();
    if (!v) t.fail(&n, key, fmt::format("expected a string, got {} (allowed: {})", config_type_name(n), allowed));
    return *v;
  };
  if (const fixed::FormatField* f = fixed::find_format_field(hw_key)) {
    if (f->kind == fixed::FieldKind::integer) {
      integer_in(f->min, f->max);
    } else {
      const std::string allowed = fixed::field_range_text(*f);
      const std::string v = text_of(allowed);
      const std::optional<int64_t> code = fixed::parse_field_code(*f, v);
      if (!code) t.fail(&n, key, fmt::format("'{}' is not allowed (expected {})", v, allowed));
      s.text = v;
      s.value = static_cast<double>(*code);
    }
  } else if (hw_key == "tau_profiles") {
    integer_in(0, 100000000);
  } else if (hw_key == "voltage_headroom_bits") {
    integer_in(0, 16);
  } else if (hw_key == "profile_method") {
    s.text = t.string_of(&n, key, {"kmeans", "quantile"});
    s.value = s.text == "quantile" ? 1.0 : 0.0;
  } else if (hw_key == "trace_scale") {
    const double x = t.number_of(&n, key, ConfigRange{0.0, 1e6, true});
    s.text = fmt::format("{}", x);
    s.value = x;
  } else {
    t.fail(
        &n, key,
        fmt::format("'{}' is not a sweepable [hardware] key; allowed: {}", hw_key, fmt::join(sweepable_keys(), ", ")));
  }
  return s;
}

// An array of tables ([[name]]) of the root; an empty array is no entries.
const toml::array* entries_of(const ConfigTable& root, std::string_view name) {
  if (const toml::node* n = root.get(name))
    if (const toml::array* a = n->as_array(); a && a->empty()) return nullptr;
  return root.table_array(name);
}

void read_run(const ConfigTable& t, QuantSweepConfig& c,
              const std::function<std::string(const std::string&)>& resolve) {
  t.only_keys({"seeds", "fidelity_steps", "probes", "coincidence_window_steps", "vp_cost_per_step", "threads",
               "baseline_spec"});
  if (const toml::node* s = t.get("seeds")) {
    const toml::array* a = s->as_array();
    if (!a || a->empty()) t.fail(s, "seeds", "expected a non-empty array of integer seeds");
    c.seeds.clear();
    for (const auto& e : *a) {
      auto i = e.value_exact<int64_t>();
      if (!i || *i < 0) t.fail(&e, "seeds", "expected a non-negative integer seed");
      if (std::find(c.seeds.begin(), c.seeds.end(), static_cast<uint64_t>(*i)) != c.seeds.end())
        t.fail(&e, "seeds", fmt::format("seed {} is listed twice", *i));
      c.seeds.push_back(static_cast<uint64_t>(*i));
    }
  }
  c.fidelity_steps = static_cast<uint64_t>(t.integer("fidelity_steps", 1000, ConfigRange::closed(1, 100000000)));
  c.probes = static_cast<uint32_t>(t.integer("probes", 16, ConfigRange::closed(0, 100000)));
  c.coincidence_window_steps =
      static_cast<uint64_t>(t.integer("coincidence_window_steps", 2, ConfigRange::closed(0, 1000)));
  c.vp_cost_per_step = t.number("vp_cost_per_step", 0.1, ConfigRange::closed(0.0, 1e6));
  c.threads = static_cast<unsigned>(t.integer("threads", 2, ConfigRange::closed(1, 256)));
  c.baseline_spec = resolve(t.string("baseline_spec", ""));
}

void read_tasks(const ConfigTable& t, QuantTaskConfig& tc,
                const std::function<std::string(const std::string&)>& resolve) {
  t.only_keys({"memory", "prediction", "fsdd", "samples", "max_delay", "washout_samples", "fsdd_data",
               "fsdd_test_per_group", "fsdd_val_per_group", "fsdd_fit_per_group"});
  auto count = [&](std::string_view key, int64_t lo, int64_t hi, uint64_t fallback) {
    return static_cast<uint64_t>(t.integer(key, static_cast<int64_t>(fallback),
                                           ConfigRange::closed(static_cast<double>(lo), static_cast<double>(hi))));
  };
  tc.memory = t.boolean("memory", tc.memory);
  tc.prediction = t.string("prediction", tc.prediction, {"none", "mackey-glass", "lorenz"});
  tc.fsdd = t.boolean("fsdd", tc.fsdd);
  tc.samples = count("samples", 10, 10000000, tc.samples);
  tc.max_delay = static_cast<std::size_t>(count("max_delay", 1, 100000, tc.max_delay));
  tc.washout_samples = count("washout_samples", 0, 10000000, tc.washout_samples);
  if (tc.washout_samples >= tc.samples)
    t.fail(nullptr, "washout_samples",
           fmt::format("washout_samples ({}) must be below samples ({})", tc.washout_samples, tc.samples));
  tc.fsdd_data = resolve(t.string("fsdd_data", ""));
  tc.fsdd_test_per_group = static_cast<uint32_t>(count("fsdd_test_per_group", 1, 5, tc.fsdd_test_per_group));
  tc.fsdd_val_per_group = static_cast<uint32_t>(count("fsdd_val_per_group", 1, 5, tc.fsdd_val_per_group));
  tc.fsdd_fit_per_group = static_cast<uint32_t>(count("fsdd_fit_per_group", 1, 40, tc.fsdd_fit_per_group));
}

void read_energy(const ConfigTable& t, QuantSweepConfig& c,
                 const std::function<std::string(const std::string&)>& resolve) {
  t.only_keys({"models", "models_file", "scale_sram_words"});
  if (const toml::node* m = t.get("models")) {
    const toml::array* a = m->as_array();
    if (!a) t.fail(m, "models", "expected an array of model names");
    c.energy_models.clear();
    for (const auto& e : *a) {
      auto s = e.value_exact<std::string>();
      if (!s || s->empty()) t.fail(&e, "models", "expected a model name (a string)");
      c.energy_models.push_back(*s);
    }
  }
  c.energy_models_file = resolve(t.string("models_file", ""));
  c.scale_sram_words = t.boolean("scale_sram_words", c.scale_sram_words);
}

void read_base(const ConfigTable& t, QuantSweepConfig& c) {
  for (const auto& [k, v] : t.table()) {
    const std::string key(k.str());
    if (key == "profile") {
      auto name = v.value_exact<std::string>();
      std::vector<std::string_view> names;
      for (const auto& p : fixed::hardware_profiles()) names.push_back(p.name);
      if (!name || !fixed::find_hardware_profile(*name))
        t.fail(&v, "profile", fmt::format("unknown hardware profile (allowed: {})", fmt::join(names, ", ")));
      c.base_profile = *name;
      continue;
    }
    c.base.push_back(parse_setting(t, key, key, v));
  }
}

QuantSweepConfig::RawAxis read_axis(const ConfigTable& t) {
  t.only_keys({"field", "values"});
  const toml::node* f = t.get("field");
  auto field = f ? f->value_exact<std::string>() : std::nullopt;
  if (!field)
    t.fail(f, "field",
           fmt::format("expected the name of a sweepable [hardware] key: {}", fmt::join(sweepable_keys(), ", ")));
  const toml::node* vs = t.get("values");
  const toml::array* va = vs ? vs->as_array() : nullptr;
  if (!va || va->empty()) t.fail(vs, "values", "expected a non-empty array of values");
  QuantSweepConfig::RawAxis raw;
  raw.key = *field;
  for (const auto& e : *va) raw.values.push_back(parse_setting(t, "values", raw.key, e));
  return raw;
}

QuantSweepConfig::RawGrid read_grid(const ConfigTable& t) {
  QuantSweepConfig::RawGrid raw;
  raw.line = t.line_of_table();
  // toml++ iterates a table by key; the grid's keys keep the file's order.
  std::vector<std::pair<std::string, const toml::node*>> entries;
  for (const auto& [k, v] : t.table()) entries.emplace_back(std::string(k.str()), &v);
  std::stable_sort(entries.begin(), entries.end(), [](const auto& x, const auto& y) {
    return ConfigTable::line_of(*x.second) < ConfigTable::line_of(*y.second);
  });
  for (const auto& [key, node] : entries) {
    const toml::array* va = node->as_array();
    if (!va || va->empty()) t.fail(node, key, "expected a non-empty array of values");
    std::vector<QuantSetting> values;
    for (const auto& e : *va) values.push_back(parse_setting(t, key, key, e));
    raw.keys.push_back(key);
    raw.values.push_back(std::move(values));
  }
  if (raw.keys.size() < 2) t.fail_table("a grid needs at least two keys (use [[axis]] for one)");
  return raw;
}

QuantSweepConfig read_sweep(const toml::table& document, const std::string& source,
                            const std::filesystem::path& base_dir) {
  QuantSweepConfig c;
  c.source = source;
  const std::function<std::string(const std::string&)> resolve = [&](const std::string& p) {
    if (p.empty()) return p;
    const std::filesystem::path path(p);
    return (path.is_absolute() || base_dir.empty() ? path : base_dir / path).lexically_normal().string();
  };
  const ConfigTable root(source, document, "");
  root.only_keys({"run", "tasks", "energy", "base", "axis", "grid"});
  if (const toml::table* t = root.subtable("run")) read_run(root.sub(*t, "run"), c, resolve);
  if (const toml::table* t = root.subtable("tasks")) read_tasks(root.sub(*t, "tasks"), c.tasks, resolve);
  if (const toml::table* t = root.subtable("energy")) read_energy(root.sub(*t, "energy"), c, resolve);
  if (const toml::table* t = root.subtable("base")) read_base(root.sub(*t, "base"), c);
  if (const toml::array* a = entries_of(root, "axis"))
    for (size_t i = 0; i < a->size(); ++i)
      c.raw_axes.push_back(read_axis(root.sub(*a->get(i)->as_table(), fmt::format("axis[{}]", i))));
  if (const toml::array* a = entries_of(root, "grid"))
    for (size_t i = 0; i < a->size(); ++i)
      c.raw_grids.push_back(read_grid(root.sub(*a->get(i)->as_table(), fmt::format("grid[{}]", i))));
  return c;
}

}  // namespace

QuantSweepConfig parse_quant_sweep(std::string_view toml_text, const std::string& source,
                                   const std::filesystem::path& base_dir) {
  return read_sweep(parse_config_text(toml_text, source), source, base_dir);
}

QuantSweepConfig load_quant_sweep(const std::string& path) {
  return read_sweep(parse_config_file(path), path, std::filesystem::path(path).parent_path());
}

// ---- settings and points ----

void apply_setting(HardwareSpec& hw, const QuantSetting& s) {
  if (const fixed::FormatField* f = fixed::find_format_field(s.key)) {
    fixed::set_field_value(hw.format, *f, static_cast<int64_t>(s.value));
    if (s.key == "weight_bits") hw.format.num_weight_bits = std::min(hw.format.num_weight_bits, hw.format.weight_bits);
  } else if (s.key == "tau_profiles") {
    hw.tau_profiles = static_cast<uint32_t>(s.value);
  } else if (s.key == "profile_method") {
    hw.profile_method = s.value != 0.0 ? ProfileMethod::Quantile : ProfileMethod::KMeans;
  } else if (s.key == "trace_scale") {
    hw.trace_scale = s.value;
  } else if (s.key == "voltage_headroom_bits") {
    hw.voltage_headroom_bits = static_cast<int>(s.value);
  } else {
    throw std::invalid_argument(fmt::format("apply_setting: '{}' is not a sweepable [hardware] key", s.key));
  }
}

nlohmann::json quant_hardware_json(const HardwareSpec& hw) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& f : fixed::format_fields()) {
    const int64_t v = fixed::field_value(hw.format, f);
    if (f.kind == fixed::FieldKind::integer)
      j[std::string(f.name)] = v;
    else
      j[std::string(f.name)] = fixed::field_value_text(f, v);
  }
  j["tau_profiles"] = hw.tau_profiles;
  j["profile_method"] = hw.profile_method == ProfileMethod::Quantile ? "quantile" : "kmeans";
  j["trace_scale"] = hw.trace_scale;
  j["voltage_headroom_bits"] = hw.voltage_headroom_bits;
  return j;
}

namespace {

bool same_hardware(const HardwareSpec& a, const HardwareSpec& b) {
  return a.format == b.format && a.tau_profiles == b.tau_profiles && a.profile_method == b.profile_method &&
         a.voltage_headroom_bits == b.voltage_headroom_bits && a.trace_scale == b.trace_scale &&
         a.sign_modes == b.sign_modes;
}

std::string point_id(const std::vector<QuantSetting>& settings) {
  if (settings.empty()) return "base";
  std::string id;
  for (const auto& s : settings) {
    if (!id.empty()) id += ' ';
    id += s.key + "=" + s.text;
  }
  return id;
}

// Applies settings with num_weight_bits last (weight_bits lowers it; an explicit value wins).
HardwareSpec apply_all(const HardwareSpec& base, const std::vector<QuantSetting>& settings) {
  HardwareSpec hw = base;
  for (const auto& s : settings)
    if (s.key != "num_weight_bits") apply_setting(hw, s);
  for (const auto& s : settings)
    if (s.key == "num_weight_bits") apply_setting(hw, s);
  return hw;
}

// The point with this hardware (added if new); returns its id.
std::string add_point(QuantSweepConfig& c, const std::vector<QuantSetting>& settings, const std::string& group,
                      const std::string& where) {
  const HardwareSpec hw = apply_all(c.points.front().hardware, settings);
  if (auto problems = hw.format.problems(); !problems.empty()) {
    const int line = settings.empty() ? 0 : settings.back().line;
    throw ConfigError(c.source, line, where,
                      fmt::format("the point '{}' has an invalid register format: {}", point_id(settings),
                                  fmt::join(problems, "; ")));
  }
  for (auto& p : c.points) {
    if (same_hardware(p.hardware, hw)) {
      if (std::find(p.groups.begin(), p.groups.end(), group) == p.groups.end()) p.groups.push_back(group);
      return p.id;
    }
  }
  QuantPoint p;
  p.id = point_id(settings);
  p.settings = settings;
  p.hardware = hw;
  p.groups = {group};
  c.points.push_back(std::move(p));
  return c.points.back().id;
}

}  // namespace

void make_points(QuantSweepConfig& c, const HardwareSpec& spec_hardware) {
  HardwareSpec base = spec_hardware;
  if (!c.base_profile.empty()) {
    const fixed::HardwareProfile* prof = fixed::find_hardware_profile(c.base_profile);
    if (!prof) throw std::invalid_argument(fmt::format("unknown hardware profile '{}'", c.base_profile));
    base.profile = c.base_profile;
    base.format = prof->format;
  }
  base = apply_all(base, c.base);
  if (auto problems = base.format.problems(); !problems.empty())
    throw ConfigError(c.source, c.base.empty() ? 0 : c.base.back().line, "base",
                      fmt::format("the base register format is invalid: {}", fmt::join(problems, "; ")));
  c.points.clear();
  c.axes.clear();
  c.grids.clear();
  QuantPoint b;
  b.id = "base";
  b.hardware = base;
  b.groups = {"base"};
  c.points.push_back(b);

  for (size_t a = 0; a < c.raw_axes.size(); ++a) {
    const auto& raw = c.raw_axes[a];
    QuantAxis axis;
    axis.key = raw.key;
    for (const auto& v : raw.values) {
      axis.values.push_back(v.text);
      axis.numeric.push_back(v.value);
      axis.point_ids.push_back(add_point(c, {v}, "axis:" + raw.key, fmt::format("axis[{}].values", a)));
    }
    c.axes.push_back(std::move(axis));
  }
  for (size_t g = 0; g < c.raw_grids.size(); ++g) {
    const auto& raw = c.raw_grids[g];
    QuantGrid grid;
    grid.keys = raw.keys;
    // Odometer over the keys' value lists, last key fastest (every list is non-empty).
    std::vector<size_t> at(raw.keys.size(), 0);
    for (bool carry = false; !carry;) {
      std::vector<QuantSetting> settings;
      std::vector<std::string> texts;
      for (size_t k = 0; k < raw.keys.size(); ++k) {
        settings.push_back(raw.values[k][at[k]]);
        texts.push_back(raw.values[k][at[k]].text);
      }
      grid.values.push_back(texts);
      grid.point_ids.push_back(add_point(c, settings, fmt::format("grid:{}", g), fmt::format("grid[{}]", g)));
      carry = true;
      for (size_t k = raw.keys.size(); carry && k > 0;) {
        --k;
        if (++at[k] < raw.values[k].size())
          carry = false;
        else
          at[k] = 0;
      }
    }
    c.grids.push_back(std::move(grid));
  }
}

}  // namespace hrsnn::study
