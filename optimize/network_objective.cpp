#include "optimize/network_objective.hpp"

#include "optimize/design.hpp"

#include <fmt/core.h>

#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>
#include <utility>

namespace hrsnn::opt {

ObjectiveKind parse_objective_kind(const std::string& name) {
  if (name == "E" || name == "efficiency") return ObjectiveKind::efficiency;
  if (name == "task") return ObjectiveKind::task;
  if (name == "MC" || name == "capacity") return ObjectiveKind::capacity;
  throw std::invalid_argument(fmt::format("unknown objective '{}' (allowed: E, task, MC)", name));
}

const char* to_string(ObjectiveKind kind) {
  switch (kind) {
    case ObjectiveKind::efficiency: return "E";
    case ObjectiveKind::task: return "task";
    case ObjectiveKind::capacity: return "MC";
  }
  return "?";
}

std::string task_error_metric(study::TaskKind task) {
  switch (task) {
    case study::TaskKind::memory: return "narma10_nrmse";
    case study::TaskKind::mackey_glass:
    case study::TaskKind::lorenz: return "nrmse";
    case study::TaskKind::fsdd: return "accuracy";
  }
  throw std::logic_error("task_error_metric: unknown task");
}

NetworkMeasure study_measure(const NetworkObjectiveConfig& config, const study::FsddData* fsdd) {
  const study::TaskKind task = config.kind == ObjectiveKind::task ? config.task : study::TaskKind::memory;
  if (task == study::TaskKind::fsdd && !fsdd)
    throw std::invalid_argument("study_measure: the FSDD task needs its data");
  return [study_config = config.study, task, arith = config.arith, fsdd](const NetworkSpec& spec) {
    const NetworkSpec scaled =
        study_config.size_scale == 1.0 ? spec : study::scale_network(spec, study_config.size_scale);
    return study::run_snn_task(scaled, "candidate", task, arith, study_config, fsdd);
  };
}

std::vector<uint64_t> evaluation_seeds(const NetworkObjectiveConfig& config, uint64_t index) {
  std::vector<uint64_t> seeds(config.seeds);
  for (uint32_t k = 0; k < config.seeds; ++k) {
    // Fresh seeds: one stream per (evaluation, network); the 32 low bits keep them readable.
    seeds[k] = config.fresh_seeds ? config.first_seed + (derive_stream("network", index, k) & 0xffffffffULL)
                                  : config.first_seed + k;
  }
  return seeds;
}

namespace {

double mean(const std::vector<double>& v) {
  double s = 0.0;
  for (double x : v) s += x;
  return v.empty() ? std::numeric_limits<double>::quiet_NaN() : s / static_cast<double>(v.size());
}

// The per-seed metrics the evaluation keeps (timings are left out so a resumed run's records
// equal an uninterrupted run's).
constexpr const char* kKeptMetrics[] = {"S", "rate_hz",  "mc",    "mc_corrected",  "mc_chance", "mc_tail",
                                        "E", "mc_per_S", "nrmse", "narma10_nrmse", "accuracy"};

// Below this the memory capacity is rounding noise (a silent network's readout gives ~1e-29),
// and E = S / MC would be a meaningless 1e22 or 0.
constexpr double kNoMemory = 1e-6;

}  // namespace

Evaluation combine_records(const NetworkObjectiveConfig& config, const std::vector<study::Record>& records,
                           const std::vector<std::string>& constraints) {
  Evaluation e;
  if (records.empty()) throw std::invalid_argument("combine_records: no records");
  std::map<std::string, std::vector<double>> per_metric;
  std::vector<double> values;
  nlohmann::json seeds = nlohmann::json::array();
  const std::string error_metric = task_error_metric(config.task);
  for (const study::Record& r : records) {
    nlohmann::json s = {{"seed", r.seed}};
    if (!r.error.empty()) {
      e.ok = false;
      if (e.error.empty()) e.error = fmt::format("seed {}: {}", r.seed, r.error);
      s["error"] = r.error;
      seeds.push_back(std::move(s));
      continue;
    }
    for (const char* key : kKeptMetrics) {
      const auto it = r.metrics.find(key);
      if (it == r.metrics.end()) continue;
      per_metric[key].push_back(it->second);
      s[key] = std::isfinite(it->second) ? nlohmann::json(it->second) : nlohmann::json(nullptr);
    }
    double value = std::numeric_limits<double>::quiet_NaN();
    std::string why;
    if (config.kind == ObjectiveKind::efficiency) {
      // E = S / the chance-corrected MC (study/task_runs.cpp); records without the correction
      // (null_delays = 0) carry the raw MC only.
      auto mc = r.metrics.find("mc_corrected");
      if (mc == r.metrics.end()) mc = r.metrics.find("mc");
      const auto big_e = r.metrics.find("E");
      if (mc == r.metrics.end() || big_e == r.metrics.end()) {
        why = "the record has no memory capacity";
      } else if (!(mc->second > kNoMemory)) {
        why = fmt::format("MC = {:.3g} (S = {:.3g}): the readout remembers nothing", mc->second,
                          r.metrics.count("S") ? r.metrics.at("S") : 0.0);
      } else if (!(big_e->second > 0.0)) {
        why = "S = 0: the network is silent";
      } else {
        value = big_e->second;
      }
    } else if (config.kind == ObjectiveKind::capacity) {
      // Minimized: minus the chance-corrected MC (the raw one for records without the correction).
      auto mc = r.metrics.find("mc_corrected");
      if (mc == r.metrics.end()) mc = r.metrics.find("mc");
      if (mc == r.metrics.end())
        why = "the record has no memory capacity";
      else
        value = -mc->second;
    } else {
      const auto err = r.metrics.find(error_metric);
      const auto s_it = r.metrics.find("S");
      if (err == r.metrics.end() || s_it == r.metrics.end()) {
        why = fmt::format("the record has no {}", error_metric);
      } else {
        const double task_error = error_metric == "accuracy" ? 1.0 - err->second : err->second;
        value = task_error + config.activity_weight * s_it->second;
      }
    }
    if (why.empty() && !std::isfinite(value)) why = fmt::format("objective {} is not finite", value);
    if (!why.empty()) {
      e.ok = false;
      if (e.error.empty()) e.error = fmt::format("seed {}: {}", r.seed, why);
      s["error"] = why;
    } else {
      values.push_back(value);
      s["value"] = value;
    }
    seeds.push_back(std::move(s));
  }
  for (const auto& [key, v] : per_metric) {
    const double m = mean(v);
    e.metrics[key] = std::isfinite(m) ? nlohmann::json(m) : nlohmann::json(nullptr);
  }
  if (config.kind == ObjectiveKind::task) {
    const auto it = per_metric.find(error_metric);
    if (it != per_metric.end()) {
      const double m = mean(it->second);
      e.metrics["task_error"] = error_metric == "accuracy" ? 1.0 - m : m;
    }
  }
  e.metrics["seeds"] = std::move(seeds);
  for (const std::string& name : constraints) {
    const auto it = per_metric.find(name);
    e.constraints.push_back(it == per_metric.end() ? std::numeric_limits<double>::quiet_NaN() : mean(it->second));
  }
  e.value = e.ok ? mean(values) : std::numeric_limits<double>::quiet_NaN();
  return e;
}

SpecEvaluator network_evaluator(NetworkObjectiveConfig config, NetworkMeasure measure,
                                std::vector<std::string> constraints, std::string source) {
  return [config = std::move(config), measure = std::move(measure), constraints = std::move(constraints),
          source = std::move(source)](const toml::table& table, uint64_t index) {
    // The space may move a field out of its allowed range (e.g. a distribution's mean beyond its
    // truncation): parse_spec rejects it with the key path, and the evaluation fails with that reason.
    const NetworkSpec spec = parse_spec(to_toml_text(table), fmt::format("{} (evaluation {})", source, index));
    std::vector<study::Record> records;
    for (uint64_t seed : evaluation_seeds(config, index)) {
      NetworkSpec s = spec;
      s.simulation.seed = seed;
      records.push_back(measure(s));
      records.back().seed = seed;
      if (!records.back().error.empty()) break;  // the evaluation has failed; spare the other seeds
    }
    return combine_records(config, records, constraints);
  };
}

}  // namespace hrsnn::opt
