// The search space of an optimization: named dimensions, each a numeric field of the network
// spec addressed by a dotted key path, with bounds and a scale, mapped to and from the unit
// cube the optimizer works in.
//
// SPACE.toml:
//
//   [[dimension]]
//   name = "tau_E"                             # optional, defaults to the path
//   path = "populations.E.tau_mem_ms.mean"     # dotted path into the network spec
//   low = 5.0
//   high = 50.0
//   scale = "log"                              # "linear" (default) or "log"
//   integer = false                            # optional: round to whole numbers
//   tie = [{ path = "input.weight.low", factor = -1.0 }]  # optional: fields that follow it
//
// A path segment met at a table is a key; met at an array it selects the element (a table)
// whose `name` field equals the segment, or, failing that, the element at a decimal index:
// `projections.EE.weight.high` is `high` in the table `weight` of the element of the array
// `projections` with name = "EE".
#pragma once

#include "core/foundation/config_error.hpp"
#include "optimize/bo.hpp"

#include <toml++/toml.h>
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace hrsnn::opt {

// A bad space file, or a space that does not fit a spec: the one configuration error
// (core/foundation/config_error.hpp), naming file, line, key and what is allowed.
using SpaceError = ConfigError;

enum class Scale { linear, log };

// Another field of the spec that takes factor x the dimension's value: one searched number that
// sets several fields, e.g. a symmetric range's low = -high, or one time constant for two
// populations.
struct Tie {
  std::string path;
  double factor = 1.0;
};

struct Dimension {
  std::string name;  // for reports and CSV columns; defaults to path
  std::string path;  // dotted key path into the network spec
  double low = 0.0;
  double high = 1.0;
  Scale scale = Scale::linear;
  bool integer = false;   // whole numbers low..high, each given an equal share of the unit interval
  int64_t line = 0;       // line of the [[dimension]] header in the space file (0: built in code)
  std::vector<Tie> ties;  // fields written with the dimension (factor x its value)
};

class SearchSpace {
 public:
  SearchSpace() = default;
  // Validates the dimensions (bounds, scale, duplicate names or paths); throws SpaceError.
  explicit SearchSpace(std::vector<Dimension> dimensions, std::string source = "<space>");

  // Parses a SPACE.toml through the shared configuration reader (core/foundation/config.hpp).
  // Top-level keys other than `dimension` are errors unless listed in other_top_level_keys
  // (sections the caller reads itself, e.g. optimizer settings).
  static SearchSpace from_file(const std::filesystem::path& path,
                               const std::vector<std::string>& other_top_level_keys = {});
  static SearchSpace from_string(std::string_view text, std::string source = "<space>",
                                 const std::vector<std::string>& other_top_level_keys = {});
  static SearchSpace from_table(const toml::table& table, std::string source,
                                const std::vector<std::string>& other_top_level_keys = {});

  std::size_t size() const { return dimensions_.size(); }
  const std::vector<Dimension>& dimensions() const { return dimensions_; }
  const std::string& source() const { return source_; }

  // Unit-cube coordinate <-> value of one dimension; from_unit clamps u to [0, 1] and rounds
  // integer dimensions, to_unit maps an integer to the centre of its share.
  double from_unit(std::size_t i, double u) const;
  double to_unit(std::size_t i, double value) const;
  std::vector<double> from_unit(const std::vector<double>& unit) const;
  std::vector<double> to_unit(const std::vector<double>& values) const;

  // Checks that every path resolves to a numeric field of the spec, and that integer fields
  // are searched as integers. spec_name names the spec in messages (default: its source path).
  void check(const toml::table& spec, std::string_view spec_name = {}) const;
  // The spec's current values of the dimensions (e.g. to seed a run with the default point).
  std::vector<double> read(const toml::table& spec, std::string_view spec_name = {}) const;
  // Writes the values (physical units, one per dimension) into the spec.
  void apply(const std::vector<double>& values, toml::table& spec, std::string_view spec_name = {}) const;
  // A copy of the spec with the values applied, as TOML text.
  std::string apply_to_text(const std::vector<double>& values, const toml::table& spec,
                            std::string_view spec_name = {}) const;

  // {"<name>": value, ...} in dimension order.
  nlohmann::ordered_json to_json(const std::vector<double>& values) const;

 private:
  std::vector<Dimension> dimensions_;
  std::string source_ = "<space>";
};

// Evaluates one instantiated network spec (e.g. simulate it and return E = S / MC).
using SpecEvaluator = std::function<Evaluation(const toml::table& spec, uint64_t eval_index)>;

// The unit-cube objective minimize() wants, from an evaluator of specs: each point is mapped
// to physical values, written into a copy of base_spec, and evaluated; the values are added to
// the evaluation's metrics under "values". Checks the space against the spec first (throws
// SpaceError). Safe to call from several threads if evaluate is.
Objective spec_objective(SearchSpace space, toml::table base_spec, SpecEvaluator evaluate);

// A TOML table as TOML text.
std::string to_toml_text(const toml::table& table);

std::string to_string(Scale scale);

}  // namespace hrsnn::opt
