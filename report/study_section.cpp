#include "report/sections.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <utility>
#include <vector>

namespace hrsnn::report {

bool is_study_v1(const ojson& doc) { return doc.is_object() && doc.value("format", "") == "hrsnn-study/1"; }

namespace {

// The study metrics drawn as bars, in this order, when the table has them.
const char* const kStudyMetrics[] = {
    "memory.mc", "memory.S", "memory.E", "fsdd.accuracy", "mackey-glass.nrmse", "lorenz.nrmse", "memory.narma10_nrmse"};

const ojson& rows_of(const ojson& doc, const char* key) {
  static const ojson kEmpty = ojson::array();
  return doc.contains(key) && doc[key].is_array() ? doc[key] : kEmpty;
}

std::string verdict_span(const std::string& v) {
  std::string cls = "v-other";
  if (v == "holds" || v == "supported" || v == "pass") cls = "v-holds";
  if (v == "fails" || v == "refuted" || v == "fail") cls = "v-fails";
  if (v == "inconclusive") cls = "v-inconclusive";
  return "<span class=\"verdict " + cls + "\">" + html::escape(v) + "</span>";
}

std::string part_html(const ojson& p) {
  const ojson st = p.value("stats", ojson::object());
  std::string s = "<li>" + html::escape(p.value("claim", "")) + " <span class=\"note\">(" +
                  html::escape(p.value("comparison", "")) + ", <code>" + html::escape(p.value("metric", "")) +
                  "</code>)</span>: ";
  if (st.contains("mean_a") && st.contains("mean_b"))
    s += fmt::format("{} vs {}", html::number(st["mean_a"]), html::number(st["mean_b"]));
  if (st.contains("mean_diff")) s += ", difference " + html::number(st["mean_diff"]);
  if (st.contains("ci_low") && st.contains("ci_high"))
    s += fmt::format(" ({}% CI [{}, {}])", html::number(st.value("ci_level", 0.95) * 100.0), html::number(st["ci_low"]),
                     html::number(st["ci_high"]));
  if (st.contains("d_z")) s += ", d<sub>z</sub> " + html::number(st["d_z"]);
  const ojson eq = p.value("equivalence", ojson::object());
  if (eq.contains("p_tost")) {
    // Claim (b)'s "MC preserved": two one-sided tests against a margin.
    s += fmt::format(", TOST p {} ({}% CI [{}, {}] vs &plusmn;{}, {}), TOST power at 0 {}", html::number(eq["p_tost"]),
                     html::number(eq.value("ci_level", 0.9) * 100.0), html::number(eq.value("ci_low", 0.0)),
                     html::number(eq.value("ci_high", 0.0)), html::number(eq.value("margin", 0.0)),
                     html::escape(p.value("margin_source", "")), html::number(eq.value("power_at_zero", 0.0)));
  } else if (st.contains("p_one_sided")) {
    s += ", one-sided p " + html::number(st["p_one_sided"]);
  }
  if (p.contains("p_holm")) s += ", Holm p " + html::number(p["p_holm"]);
  if (st.contains("n")) s += ", n " + html::number(st["n"]);
  if (p.contains("verdict") && p["verdict"].is_string())
    s += " &rarr; " + verdict_span(p["verdict"].get<std::string>());
  // For an undecided part: the seeds that would give the target power.
  const ojson need = eq.contains("n_for_power") ? eq : p.value("power", ojson::object());
  if (p.value("verdict", "") == "inconclusive" && need.contains("n_for_power"))
    s += " <span class=\"note\">(power " + html::number(need.value("power_target", need.value("power", 0.8))) +
         " needs " + html::number(need["n_for_power"]) + " seeds)</span>";
  return s + "</li>";
}

// HTML: the verdict per paper claim (1..3) and arithmetic, e.g. "float64: holds; fixed: fails".
std::map<int, std::string> study_claim_verdicts(const ojson& doc) {
  std::map<int, std::string> out;
  for (const auto& c : rows_of(doc, "claims")) {
    if (!c.is_object() || !c.contains("id") || !c["id"].is_string()) continue;
    const std::string id = c["id"].get<std::string>();
    if (id.size() != 1 || id[0] < 'a' || id[0] > 'c') continue;
    const int n = id[0] - 'a' + 1;
    std::string& s = out[n];
    s += (s.empty() ? "" : "; ") + html::escape(c.value("arith", "")) + ": " + verdict_span(c.value("verdict", "?"));
    for (const auto& m : c.value("second_measurement", ojson::array()))
      s += "; " + html::escape(m.value("arith", "")) +
           " (second measurement of the same seeds): " + verdict_span(m.value("verdict", "?"));
  }
  return out;
}

// HTML: the claims as tested (statements, verdicts, every comparison with its statistics).
std::string study_claims_html(const ojson& doc) {
  std::string h =
      "<table class=\"data\"><thead><tr><th>claim</th><th>arith</th><th>as tested</th><th>verdict</th>"
      "<th>comparisons (paired over seeds)</th></tr></thead><tbody>\n";
  std::vector<ojson> rows;
  for (const auto& c : rows_of(doc, "claims")) {
    if (!c.is_object()) continue;
    rows.push_back(c);
    // The other arithmetic of the same seeds: a row of its own, marked as a second measurement.
    for (auto m : c.value("second_measurement", ojson::array())) {
      if (!m.contains("id")) m["id"] = c.value("id", "");
      if (!m.contains("statement")) m["statement"] = c.value("statement", "");
      m["statement"] = m["statement"].get<std::string>() + " (second measurement of the same seeds, not a replication)";
      rows.push_back(m);
    }
  }
  for (const auto& c : rows) {
    std::string parts = "<ul class=\"parts\">";
    for (const auto& p : c.value("parts", ojson::array())) parts += part_html(p);
    parts += "</ul>";
    const ojson secondary = c.value("secondary", ojson::array());
    if (!secondary.empty()) {
      parts += "<div class=\"note\">secondary:</div><ul class=\"parts\">";
      for (const auto& p : secondary) parts += part_html(p);
      parts += "</ul>";
    }
    h += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                     html::escape(c.value("id", "")), html::escape(c.value("arith", "")),
                     html::escape(c.value("statement", "")), verdict_span(c.value("verdict", "?")), parts);
  }
  return h + "</tbody></table>\n";
}

// HTML: the table pivoted, one row per metric and one column per model and arithmetic.
std::string study_table_html(const ojson& doc) {
  std::vector<std::pair<std::string, std::string>> cols;
  std::vector<std::string> metrics;
  std::map<std::pair<std::string, std::string>, const ojson*> cell;
  for (const auto& r : rows_of(doc, "table")) {
    if (!r.is_object() || !r.contains("metrics") || !r["metrics"].is_object()) continue;
    const auto key = std::make_pair(r.value("model", "?"), r.value("arith", ""));
    cols.push_back(key);
    cell[key] = &r["metrics"];
    for (auto it = r["metrics"].begin(); it != r["metrics"].end(); ++it) metrics.push_back(it.key());
  }
  metrics = ordered_unique(metrics);
  std::string h =
      "<div class=\"scroll\"><table class=\"data\"><thead><tr><th>metric (mean &plusmn; sd over seeds)</th>";
  for (const auto& c : cols)
    h += "<th>" + html::escape(c.first) + "<br><span class=\"note\">" + html::escape(c.second) + "</span></th>";
  h += "</tr></thead><tbody>\n";
  for (const auto& m : metrics) {
    h += "<tr><td class=\"key\"><code>" + html::escape(m) + "</code></td>";
    for (const auto& c : cols) {
      const ojson& ms = *cell[c];
      if (!ms.contains(m)) {
        h += "<td></td>";
        continue;
      }
      const ojson& v = ms[m];
      std::string text = html::number(v.is_object() ? v.value("mean", ojson(nullptr)) : v);
      if (v.is_object() && v.contains("sd") && v["sd"].is_number())
        text += fmt::format(" <span class=\"sd\">&plusmn; {:.2g}</span>", v["sd"].get<double>());
      h += "<td class=\"num\">" + text + "</td>";
    }
    h += "</tr>\n";
  }
  return h + "</tbody></table></div>\n";
}

// One claim of a committed run: its verdict and the paired difference, with its 95% interval, of
// the part that decided it (the first part with the claim's verdict, else the first part), e.g.
// "fails (het-neurons vs mrsnn, memory.mc_corrected: -0.133 [-0.270, 0.005])".
std::string run_claim_cell(const ojson& claim) {
  const std::string verdict = claim.value("verdict", "?");
  std::string s = verdict_span(verdict);
  const ojson parts = claim.value("parts", ojson::array());
  const ojson* part = nullptr;
  for (const auto& p : parts)
    if (!part && p.is_object() && p.value("verdict", "") == verdict) part = &p;
  if (!part && !parts.empty()) part = &parts[0];
  if (part && part->is_object() && part->contains("stats") && (*part)["stats"].is_object()) {
    const ojson& st = (*part)["stats"];
    s += " <span class=\"note\">(" + html::escape(part->value("comparison", "")) + ", " +
         html::escape(part->value("metric", "")) + ": " + html::number(st.value("mean_diff", ojson(nullptr))) + " [" +
         html::number(st.value("ci_low", ojson(nullptr))) + ", " + html::number(st.value("ci_high", ojson(nullptr))) +
         "])</span>";
  }
  return s;
}

// The runs committed under a declared protocol (results/ in the repository): what each
// declared, and its verdicts.
std::string protocol_runs_html(const std::vector<ProtocolRun>& runs, const std::string& dir) {
  std::string h = "<h3>Committed protocol runs</h3>\n<p>Runs made under a protocol declared before their data (";
  h += "<code>" + html::escape(dir) +
       "</code>; docs/study.md, \"The protocol\"). Each claim: the verdict on the protocol's primary arithmetic, "
       "and the paired difference, with its 95% interval, of the comparison that decided it.</p>\n";
  h += "<div class=\"scroll\"><table class=\"data\"><thead><tr><th>run</th><th>protocol</th><th>seeds</th>"
       "<th>models, arithmetic, tasks</th><th>(a)</th><th>(b)</th><th>(c)</th><th>(d)</th></tr></thead><tbody>\n";
  for (const ProtocolRun& r : runs) {
    const ojson& c = r.doc["config"];
    const ojson& p = c["protocol"];
    const std::string sha = p.value("sha256", "");
    const bool confirmation = p.value("phase", "") == "confirmation";
    const ojson first = confirmation ? p.value("confirmation_first_seed", ojson(nullptr))
                                     : p.value("exploration_first_seed", ojson(nullptr));
    const ojson count =
        confirmation ? p.value("confirmation_seeds", ojson(nullptr)) : p.value("exploration_seeds", ojson(nullptr));
    h += "<tr><td><code>" + html::escape(r.label) + "</code></td><td>" + html::escape(p.value("name", "?")) +
         "<br><span class=\"note\">" + html::escape(p.value("file", "")) + ", SHA-256 " +
         html::escape(sha.substr(0, 12)) + "&hellip;</span></td><td>" + html::escape(p.value("phase", "?")) + " " +
         html::number(first) + " + " + html::number(count) + "</td><td>" +
         html::cell(c.value("models", ojson::array())) + "; " + html::cell(c.value("arith", ojson::array())) + "; " +
         html::cell(c.value("tasks", ojson::array())) + "</td>";
    for (const char* id : {"a", "b", "c", "d"}) {
      std::string cell;
      for (const auto& claim : rows_of(r.doc, "claims"))
        if (claim.is_object() && claim.value("id", "") == id) cell = run_claim_cell(claim);
      h += "<td>" + cell + "</td>";
    }
    h += "</tr>\n";
  }
  return h + "</tbody></table></div>\n";
}

// The paper's claims (Chakraborty & Mukhopadhyay, ICLR 2023; docs/study.md).
const char* const kClaims[] = {
    "Heterogeneity in the neurons' integration/relaxation dynamics (per-neuron membrane time constants) raises the "
    "memory capacity of a recurrent spiking network over a homogeneous one (MRSNN) of the same size.",
    "Heterogeneous STDP dynamics (per-synapse LTP/LTD) reduce spiking activity while preserving memory capacity.",
    "Heterogeneity tuned by Bayesian optimization improves E = spiking activity / memory capacity, and the optimized "
    "HRSNN beats the MRSNN on time-series classification and prediction with fewer spikes.",
};

}  // namespace

ojson study_figure_data(const ojson& doc) {
  ojson out = ojson::object();
  ojson table = ojson::array();
  std::vector<std::string> present;
  for (const auto& r : rows_of(doc, "table")) {
    if (!r.is_object() || !r.contains("metrics") || !r["metrics"].is_object()) continue;
    ojson metrics = ojson::object();
    for (auto it = r["metrics"].begin(); it != r["metrics"].end(); ++it) {
      const ojson& m = it.value();
      metrics[it.key()] = {
          {"mean", finite_or_null(number_of(m))},
          {"sd", m.is_object() && m.contains("sd") ? finite_or_null(number_of(m["sd"])) : ojson(nullptr)}};
      if (std::isfinite(number_of(m))) present.push_back(it.key());
    }
    table.push_back({{"model", r.value("model", "?")}, {"arith", r.value("arith", "")}, {"metrics", metrics}});
  }
  ojson drawn = ojson::array();
  for (const char* m : kStudyMetrics)
    if (std::find(present.begin(), present.end(), m) != present.end()) drawn.push_back(m);
  out["table"] = table;
  out["metrics"] = drawn;

  // Memory curves r^2(k), averaged over seeds per model and arithmetic.
  std::vector<std::pair<std::string, std::string>> keys;
  std::map<std::pair<std::string, std::string>, std::vector<std::vector<double>>> curves;
  for (const auto& r : rows_of(doc, "records")) {
    if (!r.is_object() || r.value("task", "") != "memory" || !r.contains("detail") || !r["detail"].is_object() ||
        !r["detail"].contains("mc_curve") || !r["detail"]["mc_curve"].is_array())
      continue;
    const auto key = std::make_pair(r.value("model", "?"), r.value("arith", ""));
    if (!curves.count(key)) keys.push_back(key);
    std::vector<double> c;
    for (const auto& v : r["detail"]["mc_curve"]) c.push_back(v.is_number() ? v.get<double>() : std::nan(""));
    curves[key].push_back(std::move(c));
  }
  ojson mc = ojson::array();
  for (const auto& key : keys) {
    const auto& cs = curves[key];
    size_t len = cs.front().size();
    for (const auto& c : cs) len = std::min(len, c.size());
    ojson mean = ojson::array();
    for (size_t k = 0; k < len; ++k) {
      double s = 0.0;
      for (const auto& c : cs) s += c[k];
      mean.push_back(finite_or_null(s / static_cast<double>(cs.size())));
    }
    mc.push_back({{"model", key.first}, {"arith", key.second}, {"seeds", cs.size()}, {"curve", mean}});
  }
  out["mc_curves"] = mc;
  return out;
}

std::string study_section(const PageInputs& in) {
  std::string h = "<h2 id=\"study\">6. Study: the paper's claims</h2>\n";
  const bool v1 = in.study && is_study_v1(*in.study);
  const auto verdicts = v1 ? study_claim_verdicts(*in.study) : std::map<int, std::string>{};
  h += "<table class=\"data\"><thead><tr><th>#</th><th>claim (Chakraborty &amp; Mukhopadhyay, ICLR 2023)</th>"
       "<th>verdict of the study</th></tr></thead><tbody>\n";
  for (size_t i = 0; i < std::size(kClaims); ++i) {
    const auto it = verdicts.find(static_cast<int>(i + 1));
    const std::string verdict = it != verdicts.end() ? it->second
                                : in.study           ? std::string("not in the study file (see its tables below)")
                                                     : std::string("not tested yet: needs the study's results");
    h += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td></tr>\n", i + 1, kClaims[i], verdict);
  }
  h += "</tbody></table>\n";
  if (in.protocol_runs && !in.protocol_runs->empty()) h += protocol_runs_html(*in.protocol_runs, in.args.results_dir);
  if (!in.study && !in.study_csv) {
    h += nodata(
        "The study (memory capacity, prediction, spoken digits; MRSNN, neuron-only and STDP-only "
        "heterogeneity, HRSNN, ESN and linear baselines over several seeds) is run by <code>hrsnn study</code>, "
        "which writes <code>study.json</code> and <code>study.csv</code>. Pass them with "
        "<code>--study-json study.json</code> and/or <code>--study-csv study.csv</code>.");
    return h;
  }
  if (v1) {
    const ojson& doc = *in.study;
    h += fmt::format("<p>From <code>{}</code>", html::escape(in.args.study_json));
    if (doc.contains("config") && doc["config"].is_object()) {
      const ojson& c = doc["config"];
      if (c.contains("seeds")) h += ", " + html::number(c["seeds"]) + " seeds";
      if (c.contains("size_scale")) h += ", network size scale " + html::number(c["size_scale"]);
      if (c.contains("tasks")) h += ", tasks " + html::cell(c["tasks"]);
    }
    if (doc.contains("wall_time_s")) h += ", " + html::number(doc["wall_time_s"]) + " s";
    h += ".</p>\n<h3>The claims as tested</h3>\n" + study_claims_html(doc);
    h += figure(in.figs, "study_metrics", "study metrics",
                "Key metrics per model (mean over seeds, bars: &plusmn; sd), float64 and fixed side by side.");
    h += figure(in.figs, "mc_curves", "memory curves",
                "Memory curve r&sup2;(k) of the linear readout reconstructing the input k samples back, averaged "
                "over seeds; memory capacity is the area under it.");
    h += "<h3>Study table</h3>\n" + study_table_html(doc);
    if (doc.contains("config")) {
      std::string cfg = doc["config"].dump(2);
      h += "<details><summary>Study configuration</summary><pre>" + html::escape(cfg) + "</pre></details>\n";
    }
    const size_t records = doc.contains("records") && doc["records"].is_array() ? doc["records"].size() : 0;
    if (records) h += fmt::format("<p class=\"note\">{} per-seed records are in the file, not shown.</p>\n", records);
  } else if (in.study) {
    h += "<h3>Study results (<code>" + html::escape(in.args.study_json) + "</code>)</h3>\n";
    h += html::render_json(*in.study);
  }
  if (in.study_csv) {
    h += "<details" + std::string(v1 ? "" : " open") + "><summary>Study table as CSV (<code>" +
         html::escape(in.args.study_csv) + "</code>)</summary>\n" + html::table_from_csv(*in.study_csv) +
         "</details>\n";
  }
  return h;
}

}  // namespace hrsnn::report
