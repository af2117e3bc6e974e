#include "tools/report_inputs.hpp"

#include "core/io.hpp"
#include "tools/report_html.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <regex>
#include <stdexcept>

namespace hrsnn::cli::report {

namespace fs = std::filesystem;

ojson read_json_file(const std::string& option, const std::string& path) {
  std::string text;
  try {
    text = read_text_file(path);
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("{} {}: {}", option, path, e.what()));
  }
  try {
    return ojson::parse(text);
  } catch (const ojson::parse_error& e) {
    throw std::runtime_error(fmt::format("{} {}: not valid JSON: {}", option, path, e.what()));
  }
}

namespace {

// A number in a JSON value (a number, or {"mean": number}); NaN otherwise.
double number_of(const ojson& v) {
  if (v.is_number()) return v.get<double>();
  if (v.is_object() && v.contains("mean") && v["mean"].is_number()) return v["mean"].get<double>();
  return std::nan("");
}

ojson finite_or_null(double d) { return std::isfinite(d) ? ojson(d) : ojson(nullptr); }

std::vector<std::string> ordered_unique(const std::vector<std::string>& xs) {
  std::vector<std::string> out;
  for (const auto& x : xs)
    if (std::find(out.begin(), out.end(), x) == out.end()) out.push_back(x);
  return out;
}

}  // namespace

// --- Bayesian optimization ----------------------------------------------------------------

std::vector<BoHistory> read_bo(const std::string& path, size_t& ignored) {
  std::vector<fs::path> files;
  const fs::path root(path);
  if (fs::is_directory(root)) {
    for (const auto& e : fs::recursive_directory_iterator(root))
      if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
  } else if (fs::is_regular_file(root)) {
    files.push_back(root);
  } else {
    throw std::runtime_error(fmt::format("--bo-dir {}: no such directory or file", path));
  }
  static const std::regex kSeedSuffix("-seed[0-9]+$");
  std::vector<BoHistory> out;
  ignored = 0;
  for (const auto& f : files) {
    ojson j;
    try {
      j = ojson::parse(read_text_file(f));
    } catch (const std::exception&) {
      ++ignored;
      continue;
    }
    if (!j.is_object() || j.value("format", "") != "hrsnn-bo-history/1" || !j.contains("convergence") ||
        !j["convergence"].is_array()) {
      ++ignored;
      continue;
    }
    fs::path rel = fs::is_directory(root) ? f.lexically_relative(root) : f.filename();
    std::string label = rel.filename() == "history.json" && rel.has_parent_path() ? rel.parent_path().string()
                                                                                    : (rel.parent_path() / rel.stem()).string();
    if (label.empty()) label = f.stem().string();
    BoHistory h;
    h.group = std::regex_replace(label, kSeedSuffix, "");
    h.label = std::move(label);
    h.file = f.string();
    h.doc = std::move(j);
    out.push_back(std::move(h));
  }
  return out;
}

// --- Quantization sweeps ------------------------------------------------------------------

namespace {

// The hrsnn-quant/1 metrics worth a curve, in this order, when the file has them.
const char* const kQuantMetrics[] = {
    "fidelity.coincidence",
    "fidelity.rate_error_max",
    "fidelity.v_rmse_lsb_before_divergence",
    "fidelity.first_divergence_step",
    "tasks.memory.mc",
    "relative.memory.mc",
    "tasks.fsdd.accuracy",
    "relative.fsdd.accuracy",
    "activity.spikes",
    "energy.loihi_davies2018.per_inference_j",
    "footprint.total_bits_per_neuron",
    "footprint.total_kib",
};

QuantInput read_quant_v1(const ojson& doc, const std::string& path) {
  QuantInput in;
  in.format = "hrsnn-quant/1";
  std::map<std::string, const ojson*> by_id;
  if (doc.contains("points") && doc["points"].is_array())
    for (const auto& p : doc["points"])
      if (p.is_object() && p.contains("id") && p["id"].is_string()) by_id[p["id"].get<std::string>()] = &p;
  std::vector<std::string> present;
  for (const auto& [id, p] : by_id)
    if (p->contains("metrics") && (*p)["metrics"].is_object())
      for (auto it = (*p)["metrics"].begin(); it != (*p)["metrics"].end(); ++it)
        if (std::isfinite(number_of(it.value()))) present.push_back(it.key());
  std::vector<std::string> chosen;
  for (const char* m : kQuantMetrics)
    if (std::find(present.begin(), present.end(), m) != present.end()) chosen.emplace_back(m);
  if (chosen.empty()) chosen = ordered_unique(present);

  const ojson ref = doc.contains("reference") && doc["reference"].is_object() && doc["reference"].contains("metrics")
                        ? doc["reference"]["metrics"]
                        : ojson::object();
  if (!doc.contains("axes") || !doc["axes"].is_array())
    throw std::runtime_error(fmt::format("--quant-json {}: hrsnn-quant/1 without an \"axes\" array", path));
  for (const auto& axis : doc["axes"]) {
    QuantSweep q;
    q.name = axis.value("key", "axis");
    q.x_key = q.name;
    const ojson ids = axis.value("points", ojson::array());
    const ojson xs = axis.value("numeric", ojson::array());
    const ojson texts = axis.value("values", ojson::array());
    for (size_t k = 0; k < ids.size(); ++k) {
      ojson row = ojson::object();
      row[q.x_key] = k < xs.size() ? xs[k] : ojson(nullptr);
      if (k < texts.size() && texts[k].is_string() && (k >= xs.size() || !xs[k].is_number()))
        row[q.x_key] = texts[k];
      row["point"] = ids[k];
      const auto it = ids[k].is_string() ? by_id.find(ids[k].get<std::string>()) : by_id.end();
      if (it != by_id.end()) {
        const ojson& m = (*it->second).value("metrics", ojson::object());
        for (const auto& c : chosen) row[c] = m.contains(c) ? finite_or_null(number_of(m[c])) : ojson(nullptr);
        const ojson errors = (*it->second).value("errors", ojson::array());
        if (!errors.empty()) row["errors"] = errors;
      }
      q.points.push_back(std::move(row));
    }
    q.metrics = chosen;
    for (const auto& c : chosen)
      if (ref.contains(c) && std::isfinite(number_of(ref[c]))) q.reference[c] = number_of(ref[c]);
    in.sweeps.push_back(std::move(q));
  }
  in.findings = doc.value("findings", ojson(nullptr));
  const size_t grids = doc.contains("grids") && doc["grids"].is_array() ? doc["grids"].size() : 0;
  if (grids > 0) in.note = fmt::format("{} grid(s) of the sweep are not drawn (see the file).", grids);
  return in;
}

}  // namespace

QuantInput read_quant(const std::string& path) {
  const ojson doc = read_json_file("--quant-json", path);
  if (doc.is_object() && doc.value("format", "") == "hrsnn-quant/1") return read_quant_v1(doc, path);
  std::vector<ojson> sweeps;
  if (doc.is_object() && doc.contains("sweeps") && doc["sweeps"].is_array()) {
    sweeps.assign(doc["sweeps"].begin(), doc["sweeps"].end());
  } else if (doc.is_object() && doc.contains("points")) {
    sweeps.push_back(doc);
  } else if (doc.is_array()) {
    sweeps.push_back({{"name", "sweep"}, {"points", doc}});
  } else {
    throw std::runtime_error(fmt::format(
        "--quant-json {}: expected hrsnn-quant/1, {{\"sweeps\": [...]}}, {{\"points\": [...]}} or an array of points",
        path));
  }
  QuantInput in;
  for (size_t s = 0; s < sweeps.size(); ++s) {
    const ojson& sw = sweeps[s];
    if (!sw.is_object() || !sw.contains("points") || !sw["points"].is_array())
      throw std::runtime_error(fmt::format("--quant-json {}: sweeps[{}] has no \"points\" array", path, s));
    QuantSweep q;
    for (const char* k : {"name", "field", "parameter"})
      if (q.name.empty() && sw.contains(k) && sw[k].is_string()) q.name = sw[k].get<std::string>();
    if (q.name.empty()) q.name = fmt::format("sweep {}", s + 1);
    for (const auto& p : sw["points"])
      if (p.is_object()) q.points.push_back(p);
    auto numeric_in_points = [&q](const std::string& k) {
      return std::any_of(q.points.begin(), q.points.end(),
                         [&k](const ojson& p) { return p.contains(k) && p[k].is_number(); });
    };
    std::vector<std::string> candidates;
    for (const char* k : {"x", "x_key", "field", "parameter"})
      if (sw.contains(k) && sw[k].is_string()) candidates.push_back(sw[k].get<std::string>());
    for (const char* k : {"value", "bits", "k"}) candidates.emplace_back(k);
    for (const auto& c : candidates)
      if (q.x_key.empty() && numeric_in_points(c)) q.x_key = c;
    std::vector<std::string> keys;
    for (const auto& p : q.points)
      for (auto it = p.begin(); it != p.end(); ++it)
        if (it.value().is_number()) keys.push_back(it.key());
    keys = ordered_unique(keys);
    if (q.x_key.empty() && !keys.empty()) q.x_key = keys.front();
    for (const auto& k : keys)
      if (k != q.x_key) q.metrics.push_back(k);
    for (auto& p : q.points) {
      if (!p.contains(q.x_key)) continue;
      ojson reordered = {{q.x_key, p[q.x_key]}};
      for (auto it = p.begin(); it != p.end(); ++it)
        if (it.key() != q.x_key) reordered[it.key()] = it.value();
      p = std::move(reordered);
    }
    if (sw.contains("reference") && sw["reference"].is_object()) q.reference = sw["reference"];
    in.sweeps.push_back(std::move(q));
  }
  return in;
}

// --- Study ----------------------------------------------------------------------------------

bool is_study_v1(const ojson& doc) { return doc.is_object() && doc.value("format", "") == "hrsnn-study/1"; }

namespace {

// The study metrics drawn as bars, in this order, when the table has them.
const char* const kStudyMetrics[] = {"memory.mc", "memory.S", "memory.E", "fsdd.accuracy", "mackey-glass.nrmse",
                                     "lorenz.nrmse", "memory.narma10_nrmse"};

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
  if (st.contains("p_one_sided")) s += ", one-sided p " + html::number(st["p_one_sided"]);
  if (st.contains("n")) s += ", n " + html::number(st["n"]);
  if (p.contains("verdict") && p["verdict"].is_string()) s += " &rarr; " + verdict_span(p["verdict"].get<std::string>());
  return s + "</li>";
}

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
      metrics[it.key()] = {{"mean", finite_or_null(number_of(m))},
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

std::map<int, std::string> study_claim_verdicts(const ojson& doc) {
  std::map<int, std::string> out;
  for (const auto& c : rows_of(doc, "claims")) {
    if (!c.is_object() || !c.contains("id") || !c["id"].is_string()) continue;
    const std::string id = c["id"].get<std::string>();
    if (id.size() != 1 || id[0] < 'a' || id[0] > 'c') continue;
    const int n = id[0] - 'a' + 1;
    std::string& s = out[n];
    s += (s.empty() ? "" : "; ") + html::escape(c.value("arith", "")) + ": " + verdict_span(c.value("verdict", "?"));
  }
  return out;
}

std::string study_claims_html(const ojson& doc) {
  std::string h = "<table class=\"data\"><thead><tr><th>claim</th><th>arith</th><th>as tested</th><th>verdict</th>"
                  "<th>comparisons (paired over seeds)</th></tr></thead><tbody>\n";
  for (const auto& c : rows_of(doc, "claims")) {
    if (!c.is_object()) continue;
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
  std::string h = "<div class=\"scroll\"><table class=\"data\"><thead><tr><th>metric (mean &plusmn; sd over seeds)</th>";
  for (const auto& c : cols) h += "<th>" + html::escape(c.first) + "<br><span class=\"note\">" + html::escape(c.second) + "</span></th>";
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

// --- RTL traces -----------------------------------------------------------------------------

std::map<std::string, RtlTrace> read_rtl(const std::vector<std::string>& specs,
                                         const std::map<std::string, uint32_t>& probes, uint64_t max_step) {
  std::map<std::string, RtlTrace> out;
  for (const auto& s : specs) {
    const auto colon = s.find(':');
    const std::string name = colon == std::string::npos ? std::string() : s.substr(0, colon);
    if (!probes.count(name))
      throw std::invalid_argument(fmt::format("--rtl-probes {}: expected NAME:FILE with NAME mrsnn or hrsnn", s));
    const std::string file = s.substr(colon + 1);
    const html::Csv csv = html::parse_csv(read_text_file(file));
    auto col = [&](const char* c) {
      const auto it = std::find(csv.header.begin(), csv.header.end(), c);
      if (it == csv.header.end())
        throw std::runtime_error(fmt::format("--rtl-probes {}: no column '{}' (expected step,neuron,u,v)", file, c));
      return static_cast<size_t>(it - csv.header.begin());
    };
    const size_t cs = col("step"), cn = col("neuron"), cu = col("u"), cv = col("v");
    RtlTrace t;
    t.source = file;
    try {
      for (const auto& row : csv.rows) {
        if (row.size() <= std::max({cs, cn, cu, cv})) continue;
        const uint64_t step = std::stoull(row[cs]);
        if (std::stoul(row[cn]) != probes.at(name) || step >= max_step) continue;
        t.step.push_back(step);
        t.u.push_back(std::stod(row[cu]));
        t.v.push_back(std::stod(row[cv]));
      }
    } catch (const std::logic_error&) {
      throw std::runtime_error(fmt::format("--rtl-probes {}: a row is not step,neuron,u,v numbers", file));
    }
    out[name] = std::move(t);
  }
  return out;
}

}  // namespace hrsnn::cli::report
