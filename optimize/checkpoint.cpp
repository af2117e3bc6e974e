#include "optimize/checkpoint.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <system_error>

namespace hrsnn::opt {

namespace {

using json = nlohmann::json;

constexpr std::string_view kCheckpointFormat = "hrsnn-bo-checkpoint/1";

// A line's identity: a round or an evaluation index may be recorded only once.
std::string line_key(const json& j) {
  const std::string type = j.value("type", "");
  return type == "round" ? fmt::format("round {}", j.at("round").get<uint64_t>())
                         : fmt::format("evaluation {}", j.at("index").get<uint64_t>());
}

// Each line on its own: its type, its fields, and for a round the run's layout.
void check_line(const json& j, const RoundLayout& layout) {
  const std::string type = j.value("type", "");
  if (type == "round") {
    const RoundInfo info = round_from_json(j);
    if (info.first_index != layout.first_index(info.round) || info.proposals.size() != layout.round_size(info.round) ||
        std::any_of(info.proposals.begin(), info.proposals.end(),
                    [&](const auto& p) { return p.size() != layout.dims; })) {
      throw std::runtime_error("round does not fit the run's layout");
    }
  } else if (type == "evaluation") {
    if (record_from_json(j).x.size() != layout.dims) {
      throw std::runtime_error("evaluation of a point with the wrong number of dimensions");
    }
  } else {
    throw std::runtime_error(fmt::format("unknown line type '{}'", type));
  }
}

Journal open_journal(const std::filesystem::path& path, const json& header, bool resume, const RoundLayout& layout) {
  std::error_code ec;
  const bool exists = std::filesystem::exists(path, ec) && std::filesystem::file_size(path, ec) > 0;
  if (exists && !resume) {
    throw std::runtime_error(fmt::format("checkpoint {} exists; resume it or choose another path", path.string()));
  }
  JournalSchema schema;
  schema.kind = "BO checkpoint";
  schema.format = std::string(kCheckpointFormat);
  schema.validate = [layout](const json& j) { check_line(j, layout); };
  schema.key = line_key;
  return Journal(path, std::move(schema), header);
}

}  // namespace

std::string dump_line(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json number_or_null(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

double number_from(const json& j) { return j.is_number() ? j.get<double>() : std::numeric_limits<double>::quiet_NaN(); }

json record_to_json(const Record& r) {
  json constraints = json::array();
  for (double c : r.constraints) constraints.push_back(number_or_null(c));
  return json{{"type", "evaluation"},
              {"index", r.index},
              {"round", r.round},
              {"x", r.x},
              {"value", number_or_null(r.value)},
              {"ok", r.ok},
              {"feasible", r.feasible},
              {"constraints", constraints},
              {"metrics", r.metrics},
              {"error", r.error},
              {"eval_seconds", r.eval_seconds}};
}

Record record_from_json(const json& j) {
  Record r;
  r.index = j.at("index").get<uint64_t>();
  r.round = j.at("round").get<uint64_t>();
  r.x = j.at("x").get<std::vector<double>>();
  r.value = number_from(j.at("value"));
  r.ok = j.at("ok").get<bool>();
  r.feasible = j.at("feasible").get<bool>();
  for (const auto& c : j.at("constraints")) r.constraints.push_back(number_from(c));
  r.metrics = j.value("metrics", json::object());
  r.error = j.value("error", std::string());
  r.eval_seconds = j.value("eval_seconds", 0.0);
  return r;
}

json round_to_json(const RoundInfo& info) {
  return json{{"type", "round"},
              {"round", info.round},
              {"first_index", info.first_index},
              {"proposals", info.proposals},
              {"hyper", info.hyper},
              {"surrogate_seconds", info.surrogate_seconds},
              {"fit_seconds", info.fit_seconds}};
}

RoundInfo round_from_json(const json& j) {
  RoundInfo info;
  info.round = j.at("round").get<uint64_t>();
  info.first_index = j.at("first_index").get<uint64_t>();
  info.proposals = j.at("proposals").get<Points>();
  info.hyper = j.value("hyper", json(nullptr));
  info.surrogate_seconds = j.value("surrogate_seconds", 0.0);
  info.fit_seconds = j.value("fit_seconds", 0.0);
  return info;
}

json checkpoint_header(std::size_t dims, uint64_t n_initial, const Options& o) {
  json constraints = json::array();
  for (const auto& c : o.constraints) {
    constraints.push_back({{"name", c.name}, {"lower", number_or_null(c.lower)}, {"upper", number_or_null(c.upper)}});
  }
  const json header{{"type", "header"},
                    {"format", kCheckpointFormat},
                    {"dims", dims},
                    {"seed", o.seed},
                    {"strategy", to_string(o.strategy)},
                    {"design", to_string(o.design)},
                    {"initial_design_size", n_initial},
                    {"initial_points", o.initial_points},
                    {"batch_size", o.batch_size},
                    {"constraints", constraints},
                    {"constraint_handling", to_string(o.constraint_handling)},
                    {"log_values", o.log_values},
                    {"failure_margin", o.failure_margin},
                    {"penalty_weight", o.penalty_weight},
                    {"failure_handling", to_string(o.failure_handling)},
                    {"gp",
                     {{"log_length", {o.gp.log_length_min, o.gp.log_length_max}},
                      {"log_signal", {o.gp.log_signal_min, o.gp.log_signal_max}},
                      {"log_noise", {o.gp.log_noise_min, o.gp.log_noise_max}},
                      {"fit_noise", o.gp.fit_noise},
                      {"length_prior", {o.gp.length_prior_shape, o.gp.length_prior_rate}},
                      {"random_starts", o.gp.random_starts},
                      {"max_evaluations", o.gp.max_evaluations}}},
                    {"acquisition",
                     {{"candidates", o.acquisition.candidates},
                      {"local_candidates", o.acquisition.local_candidates},
                      {"local_radius", o.acquisition.local_radius},
                      {"local_starts", o.acquisition.local_starts},
                      {"max_evaluations", o.acquisition.max_evaluations}}}};
  return json::parse(dump_line(header));
}

Checkpoint::Checkpoint(const std::filesystem::path& path, const json& header, bool resume, const RoundLayout& layout)
    : journal_(open_journal(path, header, resume, layout)) {
  const json& found = journal_.header();
  for (const auto& [key, value] : header.items()) {
    if (!found.contains(key) || found.at(key) != value) {
      throw std::runtime_error(fmt::format(
          "{}: written with {} = {}, this run has {} = {}; resume with the same options (only the budget may "
          "change) or start a new checkpoint",
          path.string(), key, found.contains(key) ? dump_line(found.at(key)) : "(missing)", key, dump_line(value)));
    }
  }
  // Record k of the journal is line k + 2 of the file (the header is line 1).
  const std::vector<json>& lines = journal_.records();
  for (std::size_t k = 0; k < lines.size(); ++k) {
    const json& line = lines[k];
    if (line.value("type", "") == "round") {
      RoundInfo info = round_from_json(line);
      rounds.emplace(info.round, std::move(info));
    } else {
      Record record = record_from_json(line);
      if (!rounds.count(record.round)) {
        throw JournalError(path, k + 2, "malformed BO checkpoint record: evaluation of a round that was never planned");
      }
      records.emplace(record.index, std::move(record));
    }
  }
}

}  // namespace hrsnn::opt
