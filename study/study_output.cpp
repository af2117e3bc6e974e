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
  nlohmann::json out = {{"format", "hrsnn-study/1"},
                        {"config", to_json(r.config)},
                        {"wall_time_s", r.wall_time_s},
                        {"cpu_time_s", r.cpu_time_s},
                        {"table", table},
                        {"claims", r.claims},
                        {"records", records}};
  if (!r.rate_calibration.empty()) out["rate_calibration"] = r.rate_calibration;
  return out;
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
  for (const auto& c : r.rate_calibration)
    out += fmt::format("matched rate: {} {} input gain {:.4g} -> {:.2f} Hz on seed {} (target {} Hz{})\n",
                       c["model"].get<std::string>(), c["arith"].get<std::string>(), c["gain"].get<double>(),
                       c["rate_hz"].get<double>(), c["seed"].get<uint64_t>(), c["target_hz"].get<double>(),
                       c["reached"].get<bool>() ? "" : ", not reached");
  return out;
}

namespace {

std::string num(const nlohmann::json& x) {
  if (x.is_number()) return fmt::format("{:.4g}", x.get<double>());
  return x.is_string() ? x.get<std::string>() : "-";
}

std::string percent(const nlohmann::json& level) {
  return level.is_number() ? fmt::format("{:.0f}%", level.get<double>() * 100) : "?";
}

// One comparison: means, the paired difference with its interval, the test and the verdict; for an
// undecided part, the seeds that would give the target power.
std::string format_part(const nlohmann::json& p, const std::string& indent) {
  const auto& s = p["stats"];
  std::string out =
      fmt::format("{}{} {} ({}): mean {} vs {}, paired diff {} ± {} (sd)", indent, p["comparison"].get<std::string>(),
                  p["metric"].get<std::string>(), p["claim"].get<std::string>(), num(s["mean_a"]), num(s["mean_b"]),
                  num(s["mean_diff"]), num(s["sd_diff"]));
  const std::string verdict = p["verdict"].get<std::string>();
  if (verdict == "not run") return out + fmt::format(" -> not run ({})\n", p.value("reason", ""));
  if (p.contains("equivalence")) {
    const auto& e = p["equivalence"];
    out += fmt::format(", {} CI [{}, {}] vs margin ±{} ({}), d_z = {}, p_TOST = {}, TOST power at 0 = {}",
                       percent(e["ci_level"]), num(e["ci_low"]), num(e["ci_high"]), num(e["margin"]),
                       p.value("margin_source", ""), num(s["d_z"]), num(e["p_tost"]), num(e["power_at_zero"]));
    out += " -> " + verdict;
    if (verdict == "inconclusive")
      out += fmt::format(" (power {} at a true difference of 0 needs {} seeds)", num(e["power_target"]),
                         num(e["n_for_power"]));
    return out + "\n";
  }
  out += fmt::format(", {} CI [{}, {}], d_z = {}, t = {}, one-sided p = {}", percent(s["ci_level"]), num(s["ci_low"]),
                     num(s["ci_high"]), num(s["d_z"]), num(s["t"]), num(s["p_one_sided"]));
  if (p.contains("p_holm")) out += ", Holm p = " + num(p["p_holm"]);
  out += fmt::format(", {}/{} seeds in the claimed direction -> {}", s["pairs_in_claimed_direction"].get<size_t>(),
                     s["n"].get<size_t>(), verdict);
  if (verdict == "inconclusive" && p.contains("power"))
    out += fmt::format(" (power {} for the observed difference{} needs {} seeds)", num(p["power"]["power"]),
                       p["power"].value("direction", "") == "opposite" ? ", against the claim," : "",
                       num(p["power"]["n_for_power"]));
  return out + "\n";
}

std::string format_claim_body(const nlohmann::json& c, const std::string& indent) {
  std::string out;
  for (const auto& p : c["parts"]) out += format_part(p, indent);
  if (c.contains("secondary"))
    for (const auto& p : c["secondary"]) out += format_part(p, indent + "(secondary) ");
  if (c.contains("seeds_for_power"))
    out += fmt::format("{}seeds that would decide it: {}\n", indent, num(c["seeds_for_power"]));
  return out;
}

}  // namespace

std::string format_claims(const StudyResult& r) {
  std::string out;
  for (const auto& c : r.claims) {
    out += fmt::format("claim ({}) [{}] {}: {}\n", c["id"].get<std::string>(), c["arith"].get<std::string>(),
                       c["statement"].get<std::string>(), c["verdict"].get<std::string>());
    if (c.contains("primary_arith_note")) out += "  (" + c["primary_arith_note"].get<std::string>() + ")\n";
    out += format_claim_body(c, "  ");
    if (c.contains("second_measurement"))
      for (const auto& m : c["second_measurement"]) {
        out += fmt::format("claim ({}) [{}] ({}): {}\n", c["id"].get<std::string>(), m["arith"].get<std::string>(),
                           m.value("note", ""), m["verdict"].get<std::string>());
        out += format_claim_body(m, "  ");
      }
  }
  return out;
}

void write_study_files(const StudyResult& result, const std::filesystem::path& dir) {
  write_text_durable(dir / "study.json", to_json(result).dump(2) + "\n");
  write_text_durable(dir / "study.csv", to_csv(result));
}

}  // namespace hrsnn::study
