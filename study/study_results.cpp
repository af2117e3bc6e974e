#include "study/study_results.hpp"

#include <cmath>

namespace hrsnn::study {

nlohmann::json finite_or_string(double x) {
  if (std::isfinite(x)) return x;
  if (std::isnan(x)) return "nan";
  return x > 0 ? "inf" : "-inf";
}

nlohmann::json to_json(const Record& r) {
  nlohmann::json m = nlohmann::json::object();
  for (const auto& [k, v] : r.metrics) m[k] = finite_or_string(v);
  nlohmann::json j = {{"model", r.model},          {"arith", r.arith}, {"seed", r.seed},
                      {"task", to_string(r.task)}, {"metrics", m},     {"wall_time_s", r.wall_time_s},
                      {"detail", r.detail}};
  if (!r.error.empty()) j["error"] = r.error;
  return j;
}

SummaryTable summarize(const std::vector<Record>& records) {
  std::map<std::pair<std::string, std::string>, std::map<std::string, std::vector<double>>> values;
  for (const Record& r : records) {
    if (!r.error.empty()) continue;
    for (const auto& [k, v] : r.metrics)
      values[{r.model, r.arith}][std::string(to_string(r.task)) + "." + k].push_back(v);
  }
  SummaryTable out;
  for (const auto& [cell, metrics] : values) {
    for (const auto& [name, v] : metrics) {
      Summary s;
      s.n = v.size();
      for (double x : v) s.mean += x / static_cast<double>(s.n);
      double ss = 0;
      for (double x : v) ss += (x - s.mean) * (x - s.mean);
      s.sd = s.n > 1 ? std::sqrt(ss / static_cast<double>(s.n - 1)) : 0.0;
      out[cell][name] = s;
    }
  }
  return out;
}

}  // namespace hrsnn::study
