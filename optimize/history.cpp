// The outputs of a finished run (declared in optimize/bo.hpp): the history as JSON and as CSV,
// with the physical values of each point beside the unit ones when the space is known.
#include "core/foundation/durable.hpp"
#include "optimize/bo.hpp"
#include "optimize/checkpoint.hpp"
#include "optimize/space.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

namespace hrsnn::opt {

namespace {

using json = nlohmann::json;

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csv_number(double v) { return std::isfinite(v) ? fmt::format("{}", v) : std::string(); }

std::string csv_scalar(const json& j) {
  if (j.is_number()) return csv_number(j.get<double>());
  if (j.is_boolean()) return j.get<bool>() ? "1" : "0";
  if (j.is_string()) return csv_field(j.get<std::string>());
  return csv_field(dump_line(j));
}

}  // namespace

nlohmann::ordered_json to_json(const Result& result, const SearchSpace* space) {
  using ojson = nlohmann::ordered_json;
  ojson out;
  out["format"] = "hrsnn-bo-history/1";
  out["dims"] = result.dims;
  if (space) {
    ojson names = ojson::array();
    for (const auto& d : space->dimensions()) names.push_back(d.name);
    out["dimensions"] = names;
  }
  out["evaluations_count"] = result.history.size();
  if (result.best) {
    const Record& b = result.history[*result.best];
    out["best"] = {{"index", b.index}, {"value", b.value}, {"x", b.x}};
    if (space) out["best"]["values"] = space->to_json(space->from_unit(b.x));
  } else {
    out["best"] = nullptr;
  }
  ojson convergence = ojson::array();
  for (double v : result.best_so_far) convergence.push_back(std::isfinite(v) ? ojson(v) : ojson(nullptr));
  out["convergence"] = convergence;
  out["timing"] = {{"surrogate_seconds", result.surrogate_seconds},
                   {"evaluation_seconds", result.evaluation_seconds},
                   {"wall_seconds", result.wall_seconds},
                   {"resumed_evaluations", result.resumed_evaluations}};
  ojson rounds = ojson::array();
  for (const auto& r : result.rounds) {
    rounds.push_back({{"round", r.round},
                      {"first_index", r.first_index},
                      {"size", r.proposals.size()},
                      {"surrogate_seconds", r.surrogate_seconds},
                      {"fit_seconds", r.fit_seconds},
                      {"hyper", r.hyper}});
  }
  out["rounds"] = rounds;
  ojson evaluations = ojson::array();
  for (std::size_t i = 0; i < result.history.size(); ++i) {
    const Record& r = result.history[i];
    ojson e = ojson::parse(dump_line(record_to_json(r)));
    e.erase("type");
    if (space && r.x.size() == space->size()) e["values"] = space->to_json(space->from_unit(r.x));
    e["best_so_far"] = std::isfinite(result.best_so_far[i]) ? ojson(result.best_so_far[i]) : ojson(nullptr);
    evaluations.push_back(std::move(e));
  }
  out["evaluations"] = evaluations;
  return out;
}

std::string history_csv(const Result& result, const SearchSpace* space) {
  const bool named = space && space->size() == result.dims;
  std::set<std::string> metric_keys;
  std::size_t n_constraints = 0;
  for (const Record& r : result.history) {
    n_constraints = std::max(n_constraints, r.constraints.size());
    if (!r.metrics.is_object()) continue;
    for (const auto& [key, value] : r.metrics.items()) {
      if (value.is_primitive()) metric_keys.insert(key);
    }
  }
  std::string out = "index,round,ok,feasible,value,best_so_far,eval_seconds";
  // One more field of the current line (appended in two steps: "," + text trips GCC 12's -Wrestrict).
  const auto cell = [&out](const std::string& text) {
    out += ',';
    out += text;
  };
  for (std::size_t k = 0; k < result.dims; ++k) {
    cell(named ? csv_field("u:" + space->dimensions()[k].name) : fmt::format("u{}", k));
  }
  if (named) {
    for (const auto& d : space->dimensions()) cell(csv_field(d.name));
  }
  for (std::size_t c = 0; c < n_constraints; ++c) out += fmt::format(",constraint{}", c);
  for (const auto& key : metric_keys) cell(csv_field("metric:" + key));
  out += ",error\n";
  for (std::size_t i = 0; i < result.history.size(); ++i) {
    const Record& r = result.history[i];
    out += fmt::format("{},{},{},{},{},{},{}", r.index, r.round, r.ok ? 1 : 0, r.feasible ? 1 : 0, csv_number(r.value),
                       csv_number(result.best_so_far[i]), r.eval_seconds);
    for (double u : r.x) cell(csv_number(u));
    if (named) {
      for (double v : space->from_unit(r.x)) cell(csv_number(v));
    }
    for (std::size_t c = 0; c < n_constraints; ++c) {
      cell(c < r.constraints.size() ? csv_number(r.constraints[c]) : std::string());
    }
    for (const auto& key : metric_keys) {
      out += ",";
      if (r.metrics.is_object() && r.metrics.contains(key)) out += csv_scalar(r.metrics.at(key));
    }
    cell(csv_field(r.error));
    out += '\n';
  }
  return out;
}

void write_history_json(const Result& result, const std::filesystem::path& path, const SearchSpace* space) {
  write_text_durable(path, to_json(result, space).dump(1) + "\n");
}

void write_history_csv(const Result& result, const std::filesystem::path& path, const SearchSpace* space) {
  write_text_durable(path, history_csv(result, space));
}

}  // namespace hrsnn::opt
