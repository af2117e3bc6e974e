#include "study/study_output.hpp"

#include "core/foundation/durable.hpp"

#include <fmt/format.h>

#include <cmath>
#include <utility>
#include <vector>

namespace hrsnn::study {

namespace {

// Table columns: (task.metric, header, factor applied to the shown mean and sd).
struct Column {
  const char* key;
  const char* header;
  double scale;
};
const Column kColumns[] = {
    {"memory.mc", "MC", 1.0},
    {"memory.S", "S (1e-3)", 1e3},
    {"memory.E", "E (1e-3)", 1e3},
    {"memory.mc_per_S", "MC/S", 1.0},
    {"memory.narma10_nrmse", "NARMA10", 1.0},
    {"mackey-glass.nrmse", "MG NRMSE", 1.0},
    {"lorenz.nrmse", "Lorenz", 1.0},
    {"fsdd.accuracy", "FSDD acc", 100.0},
    {"fsdd.S", "S_fsdd(1e-3)", 1e3},
};

std::vector<std::pair<std::string, std::string>> table_rows(const StudyResult& r) {
  std::vector<std::pair<std::string, std::string>> rows;
  for (Variant v : r.config.models)
    for (Arith a : r.config.arithmetics) rows.emplace_back(to_string(v), to_string(a));
  if (r.config.baselines.esn) rows.emplace_back("esn", "float64");
  if (r.config.baselines.linear) rows.emplace_back("linear", "float64");
  return rows;
}

}  // namespace

nlohmann::json to_json(const StudyResult& r) {
  nlohmann::json table = nlohmann::json::array();
  for (const auto& [model, arith] : table_rows(r)) {
    nlohmann::json cells = nlohmann::json::object();
    auto it = r.table.find({model, arith});
    if (it != r.table.end())
      for (const auto& [k, s] : it->second)
        cells[k] = {{"mean", finite_or_string(s.mean)}, {"sd", finite_or_string(s.sd)}, {"n", s.n}};
    table.push_back({{"model", model}, {"arith", arith}, {"metrics", cells}});
  }
  nlohmann::json records = nlohmann::json::array();
  for (const Record& rec : r.records) records.push_back(to_json(rec));
  return {{"format", "hrsnn-study/1"},
          {"config", to_json(r.config)},
          {"wall_time_s", r.wall_time_s},
          {"cpu_time_s", r.cpu_time_s},
          {"table", table},
          {"claims", r.claims},
          {"records", records}};
}

std::string to_csv(const StudyResult& r) {
  std::string out = "model,arith,seed,task,metric,value\n";
  for (const Record& rec : r.records) {
    if (!rec.error.empty()) continue;
    for (const auto& [k, v] : rec.metrics)
      out += fmt::format("{},{},{},{},{},{:.10g}\n", rec.model, rec.arith, rec.seed, to_string(rec.task), k, v);
  }
  return out;
}

std::string format_table(const StudyResult& r) {
  std::string out = fmt::format("{:<12} {:<8}", "model", "arith");
  for (const Column& c : kColumns) out += fmt::format(" {:>15}", c.header);
  out += "\n";
  for (const auto& [model, arith] : table_rows(r)) {
    out += fmt::format("{:<12} {:<8}", model, arith);
    auto it = r.table.find({model, arith});
    for (const Column& c : kColumns) {
      std::string cell = "-";
      if (it != r.table.end()) {
        auto m = it->second.find(c.key);
        if (m != it->second.end() && std::isfinite(m->second.mean)) {
          const double mean = m->second.mean * c.scale, sd = m->second.sd * c.scale;
          cell = m->second.n > 1 ? fmt::format("{:.3g} ± {:.2g}", mean, sd) : fmt::format("{:.3g}", mean);
        }
      }
      // "±" is two bytes in UTF-8 and one column wide: pad by display width.
      const size_t extra = cell.find("±") != std::string::npos ? 1 : 0;
      out += fmt::format(" {:>{}}", cell, 15 + extra);
    }
    out += "\n";
  }
  return out;
}

std::string format_claims(const StudyResult& r) {
  std::string out;
  for (const auto& c : r.claims) {
    out += fmt::format("claim ({}) [{}] {}: {}\n", c["id"].get<std::string>(), c["arith"].get<std::string>(),
                       c["statement"].get<std::string>(), c["verdict"].get<std::string>());
    const auto print_part = [&](const nlohmann::json& p, const char* indent) {
      const auto& s = p["stats"];
      const auto num = [](const nlohmann::json& x) {
        return x.is_number() ? fmt::format("{:.4g}", x.get<double>()) : x.get<std::string>();
      };
      std::string p_text = num(p.contains("shifted_stats") ? p["shifted_stats"]["p_one_sided"] : s["p_one_sided"]);
      out += fmt::format(
          "{}{} {} ({}): mean {} vs {}, paired diff {} ± {} (sd), t = {}, one-sided p = {}, "
          "{}/{} seeds in the claimed direction -> {}\n",
          indent, p["comparison"].get<std::string>(), p["metric"].get<std::string>(), p["claim"].get<std::string>(),
          num(s["mean_a"]), num(s["mean_b"]), num(s["mean_diff"]), num(s["sd_diff"]), num(s["t"]), p_text,
          s["pairs_in_claimed_direction"].get<size_t>(), s["n"].get<size_t>(), p["verdict"].get<std::string>());
    };
    for (const auto& p : c["parts"]) print_part(p, "  ");
    if (c.contains("secondary"))
      for (const auto& p : c["secondary"]) print_part(p, "  (secondary) ");
  }
  return out;
}

void write_study_files(const StudyResult& result, const std::filesystem::path& dir) {
  write_text_durable(dir / "study.json", to_json(result).dump(2) + "\n");
  write_text_durable(dir / "study.csv", to_csv(result));
}

}  // namespace hrsnn::study
