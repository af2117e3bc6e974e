// One reader for every configuration file (network specs, study configs, quantization sweeps,
// search spaces, energy models): TOML walked with its key path, every error a ConfigError that
// names the file, the line, the key and what is allowed. Readers of each file kind build on
// ConfigTable; nothing else parses TOML.
#pragma once

#include "core/foundation/config_error.hpp"

#include <toml++/toml.h>

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace hrsnn {

// The allowed values of a number: [low, high], `open_low` excluding low, `integer` requiring a
// whole number. NaN is never allowed; ConfigTable refuses +-inf whatever the range.
struct ConfigRange {
  double low = -std::numeric_limits<double>::infinity();
  double high = std::numeric_limits<double>::infinity();
  bool open_low = false;
  bool integer = false;

  bool contains(double x) const;
  std::string describe() const;  // "(0, inf)", "[0, 1]", "integer in [1, 64]"

  static ConfigRange any() { return {}; }
  static ConfigRange positive() { return {0.0, std::numeric_limits<double>::infinity(), true}; }
  static ConfigRange non_negative() { return {0.0, std::numeric_limits<double>::infinity()}; }
  static ConfigRange closed(double low, double high) { return {low, high}; }
  static ConfigRange integers(double low, double high) { return {low, high, false, true}; }
};

// The parsed TOML document of a file or of text; a syntax error is a ConfigError at its line
// (key "<syntax>"); a file that cannot be read is a ConfigError at line 0 (key "<file>").
toml::table parse_config_file(const std::string& path);
toml::table parse_config_text(std::string_view text, const std::string& source_name);

// "a table", "an array", "a string", "an integer", "a floating-point number", "a boolean",
// "a date/time": the one wording every reader uses for what it found.
std::string config_type_name(const toml::node& node);

// One TOML table and its key path inside one file.
class ConfigTable {
 public:
  ConfigTable(std::string file, const toml::table& table, std::string path);

  // Errors: at a node's line (or the table's when the node is absent), for `key` under this
  // table's path.
  [[noreturn]] void fail(const toml::node* node, std::string_view key, const std::string& message) const;
  [[noreturn]] void fail_table(const std::string& message) const;

  std::string join(std::string_view key) const;  // "path.key"
  int line_of_table() const;
  static int line_of(const toml::node& node) { return static_cast<int>(node.source().begin.line); }
  const toml::node* get(std::string_view key) const { return table_->get(key); }
  bool has(std::string_view key) const { return table_->contains(key); }
  const toml::table& table() const { return *table_; }
  const std::string& file() const { return file_; }
  const std::string& path() const { return path_; }

  // Every key must be one of `allowed`.
  void only_keys(std::initializer_list<std::string_view> allowed) const;
  void only_keys(const std::vector<std::string>& allowed) const;

  // Numbers (integers are accepted where a number is expected; inf and nan are always refused).
  double number(std::string_view key, double fallback, const ConfigRange& range) const;
  double required_number(std::string_view key, const ConfigRange& range) const;
  double number_of(const toml::node* node, std::string_view key, const ConfigRange& range) const;
  // Integers (a float is refused, even a whole one).
  int64_t integer(std::string_view key, int64_t fallback, const ConfigRange& range) const;
  int64_t required_integer(std::string_view key, const ConfigRange& range) const;
  int64_t integer_of(const toml::node* node, std::string_view key, const ConfigRange& range) const;
  // Strings, optionally one of `choices` (empty: any string).
  std::string string(std::string_view key, std::string fallback,
                     std::initializer_list<std::string_view> choices = {}) const;
  std::string string_of(const toml::node* node, std::string_view key,
                        std::initializer_list<std::string_view> choices = {}) const;
  std::string required_string(std::string_view key) const;  // non-empty
  bool boolean(std::string_view key, bool fallback) const;
  // Arrays of numbers / integers / strings (every element checked, errors at its line).
  std::vector<double> number_array(std::string_view key, const ConfigRange& range) const;
  std::vector<int64_t> integer_array(std::string_view key, const ConfigRange& range) const;
  std::vector<std::string> string_array(std::string_view key) const;

  // A sub-table: absent -> nullptr; present but not a table -> error.
  const toml::table* subtable(std::string_view key) const;
  ConfigTable sub(const toml::table& table, std::string_view key) const;
  // The array of tables `key` ([[key]]): absent -> nullptr; not an array of tables -> error.
  const toml::array* table_array(std::string_view key) const;

 private:
  std::string file_;
  const toml::table* table_;
  std::string path_;
};

}  // namespace hrsnn
