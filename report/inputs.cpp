#include "report/inputs.hpp"

#include "core/io.hpp"
#include "report/html.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <regex>
#include <stdexcept>

namespace hrsnn::report {

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

std::vector<ProtocolRun> read_protocol_runs(const std::string& dir) {
  std::vector<ProtocolRun> out;
  if (dir.empty() || !fs::is_directory(dir)) return out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const fs::path file = entry.path() / "study.json";
    if (!entry.is_directory() || !fs::is_regular_file(file)) continue;
    ojson doc = read_json_file("--results", file.string());
    if (!doc.is_object() || !doc.contains("config") || !doc["config"].is_object() ||
        !doc["config"].contains("protocol") || !doc["config"]["protocol"].is_object())
      continue;
    out.push_back({entry.path().filename().string(), file.string(), std::move(doc)});
  }
  std::sort(out.begin(), out.end(), [](const ProtocolRun& a, const ProtocolRun& b) { return a.label < b.label; });
  return out;
}

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
    std::string label = rel.filename() == "history.json" && rel.has_parent_path()
                            ? rel.parent_path().string()
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
      if (k < texts.size() && texts[k].is_string() && (k >= xs.size() || !xs[k].is_number())) row[q.x_key] = texts[k];
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

}  // namespace hrsnn::report
