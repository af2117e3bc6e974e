#include "study/study_results.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

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

double number_or_string(const nlohmann::json& j) {
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) {
    const std::string& s = j.get_ref<const std::string&>();
    if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
    if (s == "inf") return std::numeric_limits<double>::infinity();
    if (s == "-inf") return -std::numeric_limits<double>::infinity();
  }
  throw std::invalid_argument("expected a number or \"nan\", \"inf\", \"-inf\", got " + j.dump());
}

Record record_from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw std::invalid_argument("a record is a JSON object");
  Record r;
  r.model = j.at("model").get<std::string>();
  r.arith = j.at("arith").get<std::string>();
  r.seed = j.at("seed").get<uint64_t>();
  r.task = parse_task_kind(j.at("task").get<std::string>());
  const nlohmann::json& m = j.at("metrics");
  if (!m.is_object()) throw std::invalid_argument("\"metrics\" is not an object");
  for (const auto& [k, v] : m.items()) r.metrics[k] = number_or_string(v);
  r.wall_time_s = j.at("wall_time_s").get<double>();
  r.detail = j.at("detail");
  if (j.contains("error")) r.error = j.at("error").get<std::string>();
  return r;
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
