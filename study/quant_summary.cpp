#include "study/quant_summary.hpp"

#include <fmt/core.h>

#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>

namespace hrsnn::study {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr const char* kSummaryFormat = "hrsnn-quant/1";

struct Stat {
  double mean = kNaN, sd = kNaN;
  size_t n = 0;
};

Stat stat_of(const std::vector<double>& xs) {
  Stat s;
  double sum = 0;
  for (double x : xs)
    if (std::isfinite(x)) {
      sum += x;
      ++s.n;
    }
  if (s.n == 0) return s;
  s.mean = sum / static_cast<double>(s.n);
  if (s.n > 1) {
    double ss = 0;
    for (double x : xs)
      if (std::isfinite(x)) ss += (x - s.mean) * (x - s.mean);
    s.sd = std::sqrt(ss / static_cast<double>(s.n - 1));
  } else {
    s.sd = 0.0;
  }
  return s;
}

// Mean, sd and n of every metric over a set of records (one per seed).
using Aggregate = std::map<std::string, Stat>;

Aggregate aggregate(const std::vector<const QuantRecord*>& records,
                    const std::map<std::string, std::vector<double>>& extra = {}) {
  std::map<std::string, std::vector<double>> by_metric = extra;
  for (const QuantRecord* r : records)
    for (const auto& [k, v] : r->metrics) by_metric[k].push_back(v);
  Aggregate out;
  for (const auto& [k, xs] : by_metric) out[k] = stat_of(xs);
  return out;
}

nlohmann::json aggregate_json(const Aggregate& a) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [k, s] : a)
    out[k] = {{"mean", quant_metric_json(s.mean)}, {"sd", quant_metric_json(s.sd)}, {"n", s.n}};
  return out;
}

// A metric's mean as quant.json reports it: NaN when absent or not finite (null in the file).
double mean_of(const Aggregate& a, const std::string& name) {
  auto it = a.find(name);
  if (it == a.end() || !std::isfinite(it->second.mean)) return kNaN;
  return it->second.mean;
}

// The records of one sweep, grouped, and their aggregates.
struct Groups {
  std::map<uint64_t, const QuantRecord*> reference, base_float, base_fixed;
  std::map<std::string, std::vector<const QuantRecord*>> by_point;

  explicit Groups(const std::vector<QuantRecord>& records) {
    for (const auto& r : records) {
      if (r.kind == "reference")
        reference[r.seed] = &r;
      else if (r.kind == "baseline-float")
        base_float[r.seed] = &r;
      else if (r.kind == "baseline-fixed")
        base_fixed[r.seed] = &r;
      else
        by_point[r.point].push_back(&r);
    }
  }

  static std::vector<const QuantRecord*> collect(const std::map<uint64_t, const QuantRecord*>& m) {
    std::vector<const QuantRecord*> v;
    for (const auto& [s, r] : m) v.push_back(r);
    return v;
  }

  static double value(const QuantRecord* r, const std::string& k) {
    if (!r) return kNaN;
    auto it = r->metrics.find(k);
    return it == r->metrics.end() ? kNaN : it->second;
  }

  // Paired (same seed) ratios of the task scores to the float reference, and the memory
  // capacity over the baseline on the base format.
  std::map<std::string, std::vector<double>> paired(const std::vector<const QuantRecord*>& rs) const {
    std::map<std::string, std::vector<double>> extra;
    for (const QuantRecord* r : rs) {
      const QuantRecord* ref = reference.count(r->seed) ? reference.at(r->seed) : nullptr;
      for (const auto& [k, v] : r->metrics)
        if (k.rfind("tasks.", 0) == 0 && k.find("time_s") == std::string::npos)  // wall times are not scores
          extra["relative." + k.substr(6)].push_back(v / value(ref, k));
      if (base_fixed.count(r->seed)) {
        const double b = value(base_fixed.at(r->seed), "tasks.memory.mc");
        extra["heterogeneity.mc_gain"].push_back(value(r, "tasks.memory.mc") - b);
        extra["heterogeneity.mc_ratio"].push_back(value(r, "tasks.memory.mc") / b);
      }
    }
    return extra;
  }
};

// Findings: formats whose MC and FSDD accuracy stay within 2% of the float reference (paired
// ratio >= 0.98 for every task score measured), the smallest of them by memory per neuron,
// the smallest passing value along each axis, and (with a baseline) memory capacity against K.
nlohmann::json findings(const QuantSweepConfig& c, const std::vector<Aggregate>& points, const Aggregate& reference,
                        const std::optional<std::pair<Aggregate, Aggregate>>& baseline) {
  constexpr double kTolerance = 0.02;
  auto metrics_of = [&](const std::string& id) -> const Aggregate& {
    for (size_t p = 0; p < c.points.size(); ++p)
      if (c.points[p].id == id) return points[p];
    throw std::logic_error("quant_summary: unknown point " + id);
  };
  auto passes = [&](const Aggregate& m) -> std::optional<bool> {
    bool any = false, ok = true;
    for (const char* k : {"relative.memory.mc", "relative.fsdd.accuracy"}) {
      const double r = mean_of(m, k);
      if (std::isnan(r)) continue;
      any = true;
      ok = ok && r >= 1.0 - kTolerance;
    }
    if (!any) return std::nullopt;
    return ok;
  };
  nlohmann::json f = {{"criterion",
                       "paired mean of tasks.memory.mc and tasks.fsdd.accuracy (those measured) "
                       ">= 0.98 x the float reference's"},
                      {"tolerance", kTolerance}};
  nlohmann::json passing = nlohmann::json::array();
  std::string smallest;
  double smallest_bits = std::numeric_limits<double>::infinity();
  for (size_t p = 0; p < c.points.size(); ++p) {
    const auto ok = passes(points[p]);
    if (!ok || !*ok) continue;
    passing.push_back(c.points[p].id);
    const double bits = mean_of(points[p], "footprint.total_bits_per_neuron");
    if (bits < smallest_bits) {
      smallest_bits = bits;
      smallest = c.points[p].id;
    }
  }
  f["passing"] = passing;
  f["smallest"] = smallest.empty() ? nlohmann::json(nullptr)
                                   : nlohmann::json{{"point", smallest}, {"total_bits_per_neuron", smallest_bits}};
  nlohmann::json per_axis = nlohmann::json::array();
  for (const auto& a : c.axes) {
    nlohmann::json row = {{"key", a.key}};
    std::optional<double> best;
    std::string best_text;
    for (size_t k = 0; k < a.point_ids.size(); ++k) {
      const auto ok = passes(metrics_of(a.point_ids[k]));
      if (ok && *ok && (!best || a.numeric[k] < *best)) {
        best = a.numeric[k];
        best_text = a.values[k];
      }
    }
    row["smallest_passing"] = best ? nlohmann::json(best_text) : nlohmann::json(nullptr);
    per_axis.push_back(row);
  }
  f["per_axis"] = per_axis;

  // Heterogeneity in hardware: memory capacity against K shared decay profiles, next to the
  // homogeneous baseline on the base format (the float values show the benefit before
  // quantization).
  if (baseline) {
    const double float_mc = mean_of(reference, "tasks.memory.mc");
    const double baseline_float_mc = mean_of(baseline->first, "tasks.memory.mc");
    nlohmann::json het = {{"float_mc", float_mc},
                          {"baseline_float_mc", baseline_float_mc},
                          {"baseline_fixed_mc", mean_of(baseline->second, "tasks.memory.mc")}};
    het["float_gain"] = float_mc - baseline_float_mc;
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& a : c.axes) {
      if (a.key != "tau_profiles") continue;
      for (size_t k = 0; k < a.point_ids.size(); ++k) {
        const Aggregate& m = metrics_of(a.point_ids[k]);
        rows.push_back({{"tau_profiles", a.numeric[k]},
                        {"point", a.point_ids[k]},
                        {"mc", quant_metric_json(mean_of(m, "tasks.memory.mc"))},
                        {"mc_gain", quant_metric_json(mean_of(m, "heterogeneity.mc_gain"))},
                        {"decay_profiles", quant_metric_json(mean_of(m, "footprint.decay_profiles"))}});
      }
    }
    het["by_profiles"] = rows;
    for (auto& [k, v] : het.items())
      if (v.is_number_float() && !std::isfinite(v.get<double>())) v = nullptr;
    f["heterogeneity"] = het;
  }
  return f;
}

}  // namespace

nlohmann::json quant_summary(const NetworkSpec& spec, const QuantSweepConfig& c,
                             const std::vector<QuantRecord>& records) {
  const Groups g(records);
  const Aggregate reference = aggregate(Groups::collect(g.reference));
  std::optional<std::pair<Aggregate, Aggregate>> baseline;  // float, fixed
  if (!g.base_float.empty()) {
    const auto fixed = Groups::collect(g.base_fixed);
    baseline.emplace(aggregate(Groups::collect(g.base_float)), aggregate(fixed, g.paired(fixed)));
  }
  std::vector<Aggregate> points;
  for (const auto& p : c.points) {
    auto it = g.by_point.find(p.id);
    const std::vector<const QuantRecord*> rs = it == g.by_point.end() ? std::vector<const QuantRecord*>{} : it->second;
    points.push_back(aggregate(rs, g.paired(rs)));
  }

  nlohmann::json j;
  j["format"] = kSummaryFormat;
  j["spec"] = spec.source;
  j["sweep"] = c.source;
  j["baseline_spec"] = c.baseline_spec;
  j["config"] = {{"seeds", c.seeds},
                 {"fidelity_steps", c.fidelity_steps},
                 {"probes", c.probes},
                 {"coincidence_window_steps", c.coincidence_window_steps},
                 {"vp_cost_per_step", c.vp_cost_per_step},
                 {"tasks",
                  {{"memory", c.tasks.memory},
                   {"prediction", c.tasks.prediction},
                   {"fsdd", c.tasks.fsdd},
                   {"samples", c.tasks.samples},
                   {"max_delay", c.tasks.max_delay},
                   {"washout_samples", c.tasks.washout_samples}}},
                 {"energy_models", c.energy_models},
                 {"scale_sram_words", c.scale_sram_words}};
  j["base"] = {{"hardware", quant_hardware_json(c.points.front().hardware)}};
  j["reference"] = {{"arith", "float64"}, {"metrics", aggregate_json(reference)}};
  if (baseline)
    j["baseline"] = {{"float", {{"metrics", aggregate_json(baseline->first)}}},
                     {"fixed", {{"point", "base"}, {"metrics", aggregate_json(baseline->second)}}}};
  else
    j["baseline"] = nullptr;

  j["points"] = nlohmann::json::array();
  for (size_t k = 0; k < c.points.size(); ++k) {
    const QuantPoint& p = c.points[k];
    nlohmann::json settings = nlohmann::json::object(), numeric = nlohmann::json::object();
    for (const auto& s : p.settings) {
      settings[s.key] = s.text;
      numeric[s.key] = s.value;
    }
    std::vector<std::string> errors;
    if (auto it = g.by_point.find(p.id); it != g.by_point.end())
      for (const QuantRecord* r : it->second)
        if (!r->error.empty()) errors.push_back(fmt::format("seed {}: {}", r->seed, r->error));
    j["points"].push_back({{"id", p.id},
                           {"groups", p.groups},
                           {"settings", settings},
                           {"numeric", numeric},
                           {"hardware", quant_hardware_json(p.hardware)},
                           {"errors", errors},
                           {"metrics", aggregate_json(points[k])}});
  }
  j["axes"] = nlohmann::json::array();
  for (const auto& a : c.axes)
    j["axes"].push_back({{"key", a.key}, {"values", a.values}, {"numeric", a.numeric}, {"points", a.point_ids}});
  j["grids"] = nlohmann::json::array();
  for (const auto& gr : c.grids) {
    nlohmann::json pts = nlohmann::json::array();
    for (size_t k = 0; k < gr.point_ids.size(); ++k) {
      nlohmann::json v = nlohmann::json::object();
      for (size_t f = 0; f < gr.keys.size(); ++f) v[gr.keys[f]] = gr.values[k][f];
      pts.push_back({{"values", v}, {"point", gr.point_ids[k]}});
    }
    j["grids"].push_back({{"keys", gr.keys}, {"points", pts}});
  }
  j["findings"] = findings(c, points, reference, baseline);
  return j;
}

std::string quant_csv(const std::vector<QuantRecord>& records) {
  std::string out = "job,kind,point,seed,metric,value\n";
  for (const auto& r : records) {
    for (const auto& [k, v] : r.metrics)
      out += fmt::format(
          "{},{},{},{},{},{}\n", r.job, r.kind, r.point, r.seed, k,
          std::isfinite(v) ? fmt::format("{:.17g}", v) : std::string(std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf")));
  }
  return out;
}

}  // namespace hrsnn::study
