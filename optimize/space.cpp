#include "optimize/space.hpp"

#include "core/foundation/config.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <memory>
#include <set>
#include <sstream>

namespace hrsnn::opt {

namespace {

const std::vector<std::string> kDimensionKeys = {"name", "path", "low", "high", "scale", "integer", "tie"};

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

int line_of(const toml::node& node) { return static_cast<int>(node.source().begin.line); }

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> segments;
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = path.find('.', start);
    segments.emplace_back(path.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return segments;
}

std::string spec_label(const toml::table& spec, std::string_view spec_name) {
  if (!spec_name.empty()) return std::string(spec_name);
  if (spec.source().path && !spec.source().path->empty()) return *spec.source().path;
  return "<spec>";
}

// The numeric leaf a dimension's path names in the spec; throws SpaceError at the spec
// location where the walk stopped, naming the space entry that asked for it.
toml::node& resolve(toml::table& spec, const Dimension& dim, const std::string& spec_file,
                    const std::string& space_file) {
  const auto fail = [&](const toml::node& at, const std::string& key, const std::string& message) -> SpaceError {
    const std::string entry = dim.line > 0 ? fmt::format("{}:{}", space_file, dim.line) : space_file;
    return SpaceError(spec_file, line_of(at), key.empty() ? "<root>" : key,
                      fmt::format("{} (path '{}' of dimension '{}' at {})", message, dim.path, dim.name, entry));
  };
  toml::node* current = &spec;
  std::string walked;
  for (const std::string& segment : split_path(dim.path)) {
    toml::node* next = nullptr;
    if (auto* table = current->as_table()) {
      next = table->get(segment);
      if (!next) {
        std::vector<std::string> keys;
        for (const auto& [key, value] : *table) keys.emplace_back(key.str());
        throw fail(*current, walked, fmt::format("has no key '{}' (keys: {})", segment, join(keys)));
      }
    } else if (auto* array = current->as_array()) {
      std::vector<std::string> names;
      for (auto& element : *array) {
        const auto* element_table = element.as_table();
        const auto name = element_table ? element_table->get_as<std::string>("name") : nullptr;
        if (!name) continue;
        names.push_back(name->get());
        if (name->get() == segment && !next) next = &element;
      }
      if (!next) {
        std::size_t index = 0;
        const auto [end, error] = std::from_chars(segment.data(), segment.data() + segment.size(), index);
        if (error == std::errc() && end == segment.data() + segment.size() && index < array->size()) {
          next = array->get(index);
        }
      }
      if (!next) {
        throw fail(*current, walked,
                   fmt::format("no element with name = \"{}\" (names: {}; or an index below {})", segment,
                               names.empty() ? "none" : join(names), array->size()));
      }
    } else {
      throw fail(*current, walked,
                 fmt::format("is {}, not a table or an array, so it has no '{}'", config_type_name(*current), segment));
    }
    walked += walked.empty() ? segment : "." + segment;
    current = next;
  }
  if (!current->is_number()) {
    throw fail(*current, walked, fmt::format("is {}; a number is required", config_type_name(*current)));
  }
  if (current->is_integer() && !dim.integer) {
    throw fail(*current, walked, "is an integer in the spec; declare the dimension with integer = true to search it");
  }
  return *current;
}

// A tied field addressed like a dimension of its own (same integer flag, for resolve's checks).
Dimension tied(const Dimension& d, const Tie& t) {
  Dimension copy = d;
  copy.path = t.path;
  copy.ties.clear();
  return copy;
}

void write(toml::node& leaf, bool integer_dimension, double value) {
  if (auto* integer = leaf.as_integer()) {
    integer->get() = static_cast<int64_t>(std::llround(value));
  } else {
    leaf.as_floating_point()->get() = integer_dimension ? std::round(value) : value;
  }
}

// One [[dimension]] table of a space file, read through the shared configuration reader.
Dimension read_dimension(const ConfigTable& entry) {
  entry.only_keys(kDimensionKeys);
  Dimension d;
  d.line = entry.line_of_table();
  if (!entry.has("path")) {
    entry.fail_table(fmt::format("missing required key '{}' (a dotted key path like populations.E.tau_mem_ms.mean)",
                                 entry.join("path")));
  }
  d.path = entry.required_string("path");
  d.name = entry.string("name", "");
  d.low = entry.required_number("low", ConfigRange::any());
  d.high = entry.required_number("high", ConfigRange::any());
  d.scale = entry.string("scale", "linear", {"linear", "log"}) == "log" ? Scale::log : Scale::linear;
  d.integer = entry.boolean("integer", false);
  if (const toml::array* ties = entry.table_array("tie")) {
    for (std::size_t k = 0; k < ties->size(); ++k) {
      const ConfigTable tie(entry.file(), *ties->get(k)->as_table(), entry.join(fmt::format("tie[{}]", k)));
      tie.only_keys({"path", "factor"});
      d.ties.push_back({tie.required_string("path"), tie.number("factor", 1.0, ConfigRange::any())});
    }
  }
  return d;
}

}  // namespace

std::string to_string(Scale scale) { return scale == Scale::log ? "log" : "linear"; }

SearchSpace::SearchSpace(std::vector<Dimension> dimensions, std::string source)
    : dimensions_(std::move(dimensions)), source_(std::move(source)) {
  std::set<std::string> names, paths;
  for (std::size_t i = 0; i < dimensions_.size(); ++i) {
    Dimension& d = dimensions_[i];
    if (d.name.empty()) d.name = d.path;
    // At the line of the [[dimension]] table (0 for a dimension built in code).
    const auto fail = [&](std::string_view key, const std::string& message) {
      throw SpaceError(source_, static_cast<int>(d.line), fmt::format("dimension[{}].{}", i, key), message);
    };
    const auto segments = split_path(d.path);
    if (d.path.empty() || std::any_of(segments.begin(), segments.end(), [](const auto& s) { return s.empty(); })) {
      fail("path", fmt::format("'{}' is not a dotted key path like populations.E.tau_mem_ms.mean", d.path));
    }
    if (!std::isfinite(d.low) || !std::isfinite(d.high)) {
      fail(std::isfinite(d.low) ? "high" : "low",
           fmt::format("bounds must be finite numbers (low = {}, high = {})", d.low, d.high));
    }
    if (!(d.low < d.high)) fail("high", fmt::format("low must be below high (low = {}, high = {})", d.low, d.high));
    if (d.scale == Scale::log && !(d.low > 0.0)) {
      fail("scale", fmt::format("scale = \"log\" needs low > 0 (low = {})", d.low));
    }
    if (d.integer) {
      if (d.low != std::floor(d.low) || d.high != std::floor(d.high)) {
        fail("integer", fmt::format("integer = true needs whole-number bounds (low = {}, high = {})", d.low, d.high));
      }
      if (d.scale == Scale::log && d.low < 1.0) {
        fail("integer", fmt::format("an integer log-scale dimension needs low >= 1 (low = {})", d.low));
      }
    }
    if (!names.insert(d.name).second) fail("name", fmt::format("duplicate name '{}'", d.name));
    if (!paths.insert(d.path).second) fail("path", fmt::format("path '{}' already searched", d.path));
    for (std::size_t k = 0; k < d.ties.size(); ++k) {
      const Tie& t = d.ties[k];
      const std::string key = fmt::format("tie[{}]", k);
      const auto tie_segments = split_path(t.path);
      if (t.path.empty() ||
          std::any_of(tie_segments.begin(), tie_segments.end(), [](const auto& s) { return s.empty(); })) {
        fail(key + ".path", fmt::format("'{}' is not a dotted key path like populations.I.tau_syn_ms", t.path));
      }
      if (!std::isfinite(t.factor) || t.factor == 0.0) {
        fail(key + ".factor", fmt::format("factor must be a finite non-zero number (got {})", t.factor));
      }
      if (!paths.insert(t.path).second) fail(key + ".path", fmt::format("path '{}' already searched", t.path));
    }
  }
}

SearchSpace SearchSpace::from_file(const std::filesystem::path& path,
                                   const std::vector<std::string>& other_top_level_keys) {
  const toml::table table = parse_config_file(path.string());
  return from_table(table, path.string(), other_top_level_keys);
}

SearchSpace SearchSpace::from_string(std::string_view text, std::string source,
                                     const std::vector<std::string>& other_top_level_keys) {
  const toml::table table = parse_config_text(text, source);
  return from_table(table, std::move(source), other_top_level_keys);
}

SearchSpace SearchSpace::from_table(const toml::table& table, std::string source,
                                    const std::vector<std::string>& other_top_level_keys) {
  const ConfigTable root(source, table, "");
  std::vector<std::string> allowed = {"dimension"};
  allowed.insert(allowed.end(), other_top_level_keys.begin(), other_top_level_keys.end());
  root.only_keys(allowed);
  const toml::array* array = root.table_array("dimension");
  if (!array || array->empty()) {
    root.fail(array ? root.get("dimension") : nullptr, "dimension",
              "missing: at least one [[dimension]] table is required");
  }
  std::vector<Dimension> dimensions;
  for (std::size_t i = 0; i < array->size(); ++i) {
    dimensions.push_back(
        read_dimension(ConfigTable(source, *array->get(i)->as_table(), fmt::format("dimension[{}]", i))));
  }
  return SearchSpace(std::move(dimensions), std::move(source));
}

double SearchSpace::from_unit(std::size_t i, double u) const {
  const Dimension& d = dimensions_.at(i);
  u = std::clamp(u, 0.0, 1.0);
  // Integers: each whole number owns an equal share [k - 1/2, k + 1/2) of the range.
  const double lo = d.integer ? d.low - 0.5 : d.low;
  const double hi = d.integer ? d.high + 0.5 : d.high;
  double value =
      d.scale == Scale::log ? std::exp(std::log(lo) + u * (std::log(hi) - std::log(lo))) : lo + u * (hi - lo);
  if (d.integer) value = std::round(value);
  return std::clamp(value, d.low, d.high);
}

double SearchSpace::to_unit(std::size_t i, double value) const {
  const Dimension& d = dimensions_.at(i);
  const double lo = d.integer ? d.low - 0.5 : d.low;
  const double hi = d.integer ? d.high + 0.5 : d.high;
  if (d.integer) value = std::round(value);
  const double u = d.scale == Scale::log ? (std::log(value) - std::log(lo)) / (std::log(hi) - std::log(lo))
                                         : (value - lo) / (hi - lo);
  return std::clamp(u, 0.0, 1.0);
}

std::vector<double> SearchSpace::from_unit(const std::vector<double>& unit) const {
  if (unit.size() != size()) {
    throw std::invalid_argument(fmt::format("search space of {} dimensions given a point of {}", size(), unit.size()));
  }
  std::vector<double> values(unit.size());
  for (std::size_t i = 0; i < unit.size(); ++i) values[i] = from_unit(i, unit[i]);
  return values;
}

std::vector<double> SearchSpace::to_unit(const std::vector<double>& values) const {
  if (values.size() != size()) {
    throw std::invalid_argument(
        fmt::format("search space of {} dimensions given a point of {}", size(), values.size()));
  }
  std::vector<double> unit(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) unit[i] = to_unit(i, values[i]);
  return unit;
}

void SearchSpace::check(const toml::table& spec, std::string_view spec_name) const {
  // resolve() only reads; the table is not modified.
  auto& mutable_spec = const_cast<toml::table&>(spec);
  const std::string label = spec_label(spec, spec_name);
  for (const Dimension& d : dimensions_) {
    resolve(mutable_spec, d, label, source_);
    for (const Tie& t : d.ties) resolve(mutable_spec, tied(d, t), label, source_);
  }
}

std::vector<double> SearchSpace::read(const toml::table& spec, std::string_view spec_name) const {
  auto& mutable_spec = const_cast<toml::table&>(spec);
  const std::string label = spec_label(spec, spec_name);
  std::vector<double> values;
  for (const Dimension& d : dimensions_) {
    values.push_back(resolve(mutable_spec, d, label, source_).value<double>().value_or(std::nan("")));
  }
  return values;
}

void SearchSpace::apply(const std::vector<double>& values, toml::table& spec, std::string_view spec_name) const {
  if (values.size() != size()) {
    throw std::invalid_argument(fmt::format("search space of {} dimensions given {} values", size(), values.size()));
  }
  const std::string label = spec_label(spec, spec_name);
  for (std::size_t i = 0; i < values.size(); ++i) {
    const Dimension& d = dimensions_[i];
    if (!std::isfinite(values[i])) {
      throw std::invalid_argument(fmt::format("dimension '{}': cannot write non-finite value {}", d.name, values[i]));
    }
    write(resolve(spec, d, label, source_), d.integer, values[i]);
    for (const Tie& t : d.ties) write(resolve(spec, tied(d, t), label, source_), d.integer, t.factor * values[i]);
  }
}

std::string SearchSpace::apply_to_text(const std::vector<double>& values, const toml::table& spec,
                                       std::string_view spec_name) const {
  toml::table copy = spec;
  apply(values, copy, spec_label(spec, spec_name));
  return to_toml_text(copy);
}

nlohmann::ordered_json SearchSpace::to_json(const std::vector<double>& values) const {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < std::min(values.size(), size()); ++i) out[dimensions_[i].name] = values[i];
  return out;
}

Objective spec_objective(SearchSpace space, toml::table base_spec, SpecEvaluator evaluate) {
  space.check(base_spec);
  struct Shared {
    SearchSpace space;
    toml::table spec;
    SpecEvaluator evaluate;
  };
  auto shared = std::make_shared<const Shared>(Shared{std::move(space), std::move(base_spec), std::move(evaluate)});
  return [shared](const std::vector<double>& unit_x, uint64_t eval_index) {
    const std::vector<double> values = shared->space.from_unit(unit_x);
    toml::table spec = shared->spec;
    shared->space.apply(values, spec);
    Evaluation e = shared->evaluate(spec, eval_index);
    if (!e.metrics.is_object()) e.metrics = nlohmann::json::object();
    e.metrics["values"] = nlohmann::json::parse(shared->space.to_json(values).dump());
    return e;
  };
}

std::string to_toml_text(const toml::table& table) {
  std::ostringstream out;
  out << toml::toml_formatter(table);
  out << '\n';
  return out.str();
}

}  // namespace hrsnn::opt
