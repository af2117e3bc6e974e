#include "core/foundation/config.hpp"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <cmath>
#include <fstream>
#include <sstream>

namespace hrsnn {

ConfigError::ConfigError(std::string file, int line, std::string key_path, const std::string& message)
    : std::runtime_error(fmt::format("{}:{}: {}: {}", file, line, key_path, message)),
      file_(std::move(file)),
      line_(line),
      key_path_(std::move(key_path)),
      message_(message) {}

bool ConfigRange::contains(double x) const {
  if (std::isnan(x)) return false;
  if (open_low ? !(x > low) : !(x >= low)) return false;
  if (x > high) return false;
  if (integer && std::floor(x) != x) return false;
  return true;
}

std::string ConfigRange::describe() const {
  const std::string lo = std::isfinite(low) ? fmt::format("{}{}", open_low ? "(" : "[", low) : "(-inf";
  const std::string hi = std::isfinite(high) ? fmt::format("{}]", high) : "inf)";
  return fmt::format("{}{}, {}", integer ? "integer in " : "", lo, hi);
}

toml::table parse_config_text(std::string_view text, const std::string& source_name) {
  try {
    return toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    throw ConfigError(source_name, static_cast<int>(e.source().begin.line), "<syntax>", std::string(e.description()));
  }
}

toml::table parse_config_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path, 0, "<file>", "cannot open the file");
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw ConfigError(path, 0, "<file>", "cannot read the file");
  return parse_config_text(ss.str(), path);
}

std::string config_type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a floating-point number";
    case toml::node_type::boolean: return "a boolean";
    default: return "a date/time";
  }
}

ConfigTable::ConfigTable(std::string file, const toml::table& table, std::string path)
    : file_(std::move(file)), table_(&table), path_(std::move(path)) {}

void ConfigTable::fail(const toml::node* node, std::string_view key, const std::string& message) const {
  throw ConfigError(file_, node ? line_of(*node) : line_of_table(), join(key), message);
}

void ConfigTable::fail_table(const std::string& message) const {
  throw ConfigError(file_, line_of_table(), path_.empty() ? "<root>" : path_, message);
}

std::string ConfigTable::join(std::string_view key) const {
  if (path_.empty()) return std::string(key);
  if (key.empty()) return path_;
  return path_ + "." + std::string(key);
}

int ConfigTable::line_of_table() const { return static_cast<int>(table_->source().begin.line); }

void ConfigTable::only_keys(std::initializer_list<std::string_view> allowed) const {
  only_keys(std::vector<std::string>(allowed.begin(), allowed.end()));
}

void ConfigTable::only_keys(const std::vector<std::string>& allowed) const {
  for (const auto& [k, v] : *table_) {
    bool ok = false;
    for (const auto& a : allowed) ok = ok || (k.str() == a);
    if (!ok) fail(&v, k.str(), fmt::format("unknown key; allowed keys here: {}", fmt::join(allowed, ", ")));
  }
}

double ConfigTable::number(std::string_view key, double fallback, const ConfigRange& range) const {
  const toml::node* n = get(key);
  return n ? number_of(n, key, range) : fallback;
}

double ConfigTable::required_number(std::string_view key, const ConfigRange& range) const {
  const toml::node* n = get(key);
  if (!n) fail_table(fmt::format("missing required key '{}' ({})", join(key), range.describe()));
  return number_of(n, key, range);
}

double ConfigTable::number_of(const toml::node* n, std::string_view key, const ConfigRange& range) const {
  double x = 0.0;
  if (auto i = n->value_exact<int64_t>()) {
    x = static_cast<double>(*i);
  } else if (auto d = n->value_exact<double>()) {
    x = *d;
  } else {
    fail(n, key, fmt::format("expected a number, got {} (allowed: {})", config_type_name(*n), range.describe()));
  }
  // TOML spells inf and nan; no setting of any file kind means them, and an infinite value
  // that passed an open range would reach arithmetic that cannot represent it.
  if (!std::isfinite(x))
    fail(n, key, fmt::format("value {} is not a finite number (allowed: {})", x, range.describe()));
  if (!range.contains(x)) fail(n, key, fmt::format("value {} out of range (allowed: {})", x, range.describe()));
  return x;
}

int64_t ConfigTable::integer(std::string_view key, int64_t fallback, const ConfigRange& range) const {
  const toml::node* n = get(key);
  return n ? integer_of(n, key, range) : fallback;
}

int64_t ConfigTable::required_integer(std::string_view key, const ConfigRange& range) const {
  const toml::node* n = get(key);
  if (!n) fail_table(fmt::format("missing required key '{}' ({})", join(key), range.describe()));
  return integer_of(n, key, range);
}

int64_t ConfigTable::integer_of(const toml::node* n, std::string_view key, const ConfigRange& range) const {
  auto i = n->value_exact<int64_t>();
  if (!i)
    fail(n, key, fmt::format("expected an integer, got {} (allowed: {})", config_type_name(*n), range.describe()));
  if (!range.contains(static_cast<double>(*i)))
    fail(n, key, fmt::format("value {} out of range (allowed: {})", *i, range.describe()));
  return *i;
}

std::string ConfigTable::string(std::string_view key, std::string fallback,
                                std::initializer_list<std::string_view> choices) const {
  const toml::node* n = get(key);
  return n ? string_of(n, key, choices) : fallback;
}

std::string ConfigTable::string_of(const toml::node* n, std::string_view key,
                                   std::initializer_list<std::string_view> choices) const {
  auto s = n->value_exact<std::string>();
  std::vector<std::string> names(choices.begin(), choices.end());
  if (!s) {
    if (names.empty()) fail(n, key, fmt::format("expected a string, got {}", config_type_name(*n)));
    fail(n, key, fmt::format("expected a string, got {} (allowed: {})", config_type_name(*n), fmt::join(names, ", ")));
  }
  if (names.empty()) return *s;
  for (const auto& c : names)
    if (*s == c) return *s;
  fail(n, key, fmt::format("'{}' is not one of: {}", *s, fmt::join(names, ", ")));
}

std::string ConfigTable::required_string(std::string_view key) const {
  const toml::node* n = get(key);
  if (!n) fail_table(fmt::format("missing required key '{}' (a string)", join(key)));
  auto s = n->value_exact<std::string>();
  if (!s || s->empty()) fail(n, key, fmt::format("expected a non-empty string, got {}", config_type_name(*n)));
  return *s;
}

bool ConfigTable::boolean(std::string_view key, bool fallback) const {
  const toml::node* n = get(key);
  if (!n) return fallback;
  auto b = n->value_exact<bool>();
  if (!b) fail(n, key, fmt::format("expected true or false, got {}", config_type_name(*n)));
  return *b;
}

namespace {
const toml::array* array_or_fail(const ConfigTable& t, std::string_view key, const char* what) {
  const toml::node* n = t.get(key);
  if (!n) return nullptr;
  const toml::array* a = n->as_array();
  if (!a) t.fail(n, key, fmt::format("expected an array of {}, got {}", what, config_type_name(*n)));
  return a;
}
}  // namespace

std::vector<double> ConfigTable::number_array(std::string_view key, const ConfigRange& range) const {
  std::vector<double> out;
  if (const toml::array* a = array_or_fail(*this, key, "numbers"))
    for (const toml::node& e : *a) out.push_back(number_of(&e, key, range));
  return out;
}

std::vector<int64_t> ConfigTable::integer_array(std::string_view key, const ConfigRange& range) const {
  std::vector<int64_t> out;
  if (const toml::array* a = array_or_fail(*this, key, "integers"))
    for (const toml::node& e : *a) out.push_back(integer_of(&e, key, range));
  return out;
}

std::vector<std::string> ConfigTable::string_array(std::string_view key) const {
  std::vector<std::string> out;
  if (const toml::array* a = array_or_fail(*this, key, "strings"))
    for (const toml::node& e : *a) out.push_back(string_of(&e, key));
  return out;
}

const toml::table* ConfigTable::subtable(std::string_view key) const {
  const toml::node* n = get(key);
  if (!n) return nullptr;
  const toml::table* t = n->as_table();
  if (!t) fail(n, key, fmt::format("expected a table, got {}", config_type_name(*n)));
  return t;
}

ConfigTable ConfigTable::sub(const toml::table& table, std::string_view key) const {
  return ConfigTable(file_, table, join(key));
}

const toml::array* ConfigTable::table_array(std::string_view key) const {
  const toml::node* n = get(key);
  if (!n) return nullptr;
  const toml::array* a = n->as_array();
  if (!a || !a->is_array_of_tables())
    fail(n, key, fmt::format("expected an array of tables ([[{}]]), got {}", join(key), config_type_name(*n)));
  return a;
}

}  // namespace hrsnn
