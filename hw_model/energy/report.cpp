// The energy report as text and as JSON. See report.hpp.
#include "hw_model/energy/report.hpp"

#include <fmt/core.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <utility>

namespace hrsnn::energy {

namespace {

std::string_view to_string(EventStatus s) {
  switch (s) {
    case EventStatus::Priced: return "priced";
    case EventStatus::Included: return "included";
    case EventStatus::NotPriced: return "not_priced";
  }
  return "?";
}

std::string_view to_string(ModelKind k) { return k == ModelKind::Spiking ? "spiking" : "dense"; }

nlohmann::json provenance_json(const Provenance& p) {
  nlohmann::json j = {{"chip", p.chip},
                      {"node", p.node},
                      {"voltage", p.voltage},
                      {"scope", to_string(p.scope)},
                      {"evidence", to_string(p.evidence)},
                      {"obtained_by", to_string(p.obtained_by)},
                      {"citation", p.citation}};
  if (!p.note.empty()) j["note"] = p.note;
  return j;
}

nlohmann::json optional_json(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json model_json(const ModelEnergy& m) {
  nlohmann::json terms = nlohmann::json::array();
  for (const auto& t : m.terms) {
    nlohmann::json j = {{"model", m.model},
                        {"event", t.event},
                        {"what", t.what},
                        {"count", t.count},
                        {"ops_per_event", t.ops_per_event},
                        {"energy_pj_per_op", optional_json(t.energy_pj_per_op)},
                        {"energy_j", t.energy_j},
                        {"charged_because", t.charged_because}};
    if (!t.sram_level.empty()) j["sram_level"] = t.sram_level;
    j.update(provenance_json(t.provenance));
    terms.push_back(std::move(j));
  }
  nlohmann::json events = nlohmann::json::array();
  for (const auto& e : m.by_event) {
    nlohmann::json j = {{"model", m.model},
                        {"event", e.event},
                        {"count", e.count},
                        {"status", to_string(e.status)},
                        {"energy_j", e.energy_j}};
    if (!e.reason.empty()) j["reason"] = e.reason;
    events.push_back(std::move(j));
  }
  return {{"model", m.model},
          {"description", m.description},
          {"kind", to_string(m.kind)},
          {"scope", to_string(m.scope)},
          {"total_j", m.total_j},
          {"sram_j", m.sram_j},
          {"per_inference_j", optional_json(m.per_inference_j)},
          {"j_per_simulated_second", m.per_simulated_second_j},
          {"lower_bound", m.lower_bound},
          {"by_event", std::move(events)},
          {"terms", std::move(terms)},
          {"warnings", m.warnings}};
}

struct Spread {
  const ModelEnergy* low = nullptr;
  const ModelEnergy* high = nullptr;
};

Spread spread_of(const std::vector<ModelEnergy>& models) {
  Spread s;
  for (const auto& m : models) {
    if (m.total_j <= 0.0) continue;
    if (!s.low || m.total_j < s.low->total_j) s.low = &m;
    if (!s.high || m.total_j > s.high->total_j) s.high = &m;
  }
  return s;
}

}  // namespace

nlohmann::json EnergyReport::to_json() const {
  nlohmann::json counts_json = nlohmann::json::object();
  for_each_count(counts, [&](std::string_view name, uint64_t n) { counts_json[std::string(name)] = n; });
  nlohmann::json crossovers_json = nlohmann::json::array();
  for (const auto& c : crossovers)
    crossovers_json.push_back({{"name", c.name},
                               {"spikes_per_synapse_per_inference_low", c.low},
                               {"spikes_per_synapse_per_inference_high", c.high},
                               {"evidence", to_string(c.evidence)},
                               {"citation", c.citation}});
  nlohmann::json models_json = nlohmann::json::array();
  for (const auto& m : models) models_json.push_back(model_json(m));
  nlohmann::json dense_counts_json = nlohmann::json::object();
  for (const auto& c : dense_counts) dense_counts_json[c.event] = c.count;
  nlohmann::json baselines_json = nlohmann::json::array();
  for (const auto& b : dense_baselines) baselines_json.push_back(model_json(b));
  nlohmann::json spread = nullptr;
  const Spread s = spread_of(models);
  if (s.low && s.high)
    spread = {{"lowest_model", s.low->model},
              {"highest_model", s.high->model},
              {"highest_over_lowest", s.high->total_j / s.low->total_j}};
  return {{"format", "hrsnn-energy/1"},
          {"models_file", models_source},
          {"workload",
           {{"neurons", workload.neurons},
            {"synapses", workload.synapses},
            {"steps", workload.steps},
            {"dt_ms", workload.dt_ms},
            {"input_samples", workload.input_samples},
            {"simulated_seconds", workload.simulated_seconds()}}},
          {"counts", std::move(counts_json)},
          {"spikes_per_synapse_per_inference", optional_json(spikes_per_synapse_per_inference)},
          {"crossovers", std::move(crossovers_json)},
          {"models", std::move(models_json)},
          {"spread", std::move(spread)},
          {"dense_baseline",
           {{"description", "dense non-spiking RNN of the same N and steps: N*N MACs and N state updates per step"},
            {"counts", std::move(dense_counts_json)},
            {"models", std::move(baselines_json)}}}};
}

namespace {

// An energy (or power) with an SI prefix and three significant digits, e.g. "1.22 nJ".
std::string si(double v, std::string_view unit) {
  if (v == 0.0) return fmt::format("0 {}", unit);
  static constexpr std::pair<double, std::string_view> kPrefixes[] = {
      {1e3, "k"}, {1.0, ""}, {1e-3, "m"}, {1e-6, "u"}, {1e-9, "n"}, {1e-12, "p"}, {1e-15, "f"}};
  for (const auto& [scale, prefix] : kPrefixes) {
    if (std::fabs(v) >= scale * 0.9995) return fmt::format("{:.3g} {}{}", v / scale, prefix, unit);
  }
  return fmt::format("{:.3g} {}", v, unit);
}

std::string per_event_text(const ModelEnergy& m, const std::string& event) {
  double pj = 0.0;
  bool any = false;
  for (const auto& t : m.terms) {
    if (t.event != event || !t.energy_pj_per_op) continue;
    pj += *t.energy_pj_per_op * static_cast<double>(t.ops_per_event);
    any = true;
  }
  return any ? fmt::format("{:.4g}", pj) : "-";
}

void append_totals(std::string& out, const std::vector<ModelEnergy>& models, bool with_sram) {
  out +=
      fmt::format("  {:<20} {:<7} {:>11} {:>14} {:>16}", "model", "scope", "total", "per inference", "per sim. second");
  if (with_sram) out += fmt::format(" {:>11} {:>11}", "arithmetic", "SRAM");
  out += "  completeness\n";
  for (const auto& m : models) {
    out += fmt::format("  {:<20} {:<7} {:>11} {:>14} {:>16}", m.model, to_string(m.scope), si(m.total_j, "J"),
                       m.per_inference_j ? si(*m.per_inference_j, "J") : std::string("n/a"),
                       si(m.per_simulated_second_j, "W"));
    if (with_sram) out += fmt::format(" {:>11} {:>11}", si(m.total_j - m.sram_j, "J"), si(m.sram_j, "J"));
    out += m.lower_bound ? "  lower bound (unpriced events)\n" : "  all counted events priced\n";
  }
}

void append_breakdown(std::string& out, const ModelEnergy& m) {
  out += fmt::format("\n[{}] {}\n", m.model, m.description);
  out += fmt::format("  {:<22} {:>14} {:>12} {:>11} {:>7}\n", "event", "count", "pJ/event", "energy", "share");
  for (const auto& e : m.by_event) {
    if (e.status == EventStatus::Priced) {
      const double share = m.total_j > 0.0 ? 100.0 * e.energy_j / m.total_j : 0.0;
      out += fmt::format("  {:<22} {:>14} {:>12} {:>11} {:>6.1f}%\n", e.event, e.count, per_event_text(m, e.event),
                         si(e.energy_j, "J"), share);
    } else {
      out += fmt::format("  {:<22} {:>14} {:>12} {:>11}\n", e.event, e.count,
                         e.status == EventStatus::Included ? "included" : "not priced", "-");
    }
  }
  // Each figure with where it holds; citations numbered once per model.
  std::vector<std::string> citations;
  const auto citation_number = [&](const std::string& c) {
    auto it = std::find(citations.begin(), citations.end(), c);
    if (it == citations.end()) it = citations.insert(citations.end(), c);
    return 1 + (it - citations.begin());
  };
  out += "  figures:\n";
  for (const auto& t : m.terms) {
    const std::string value = t.energy_pj_per_op ? fmt::format("{:g} pJ", *t.energy_pj_per_op) : "not priced";
    const std::string ops = t.ops_per_event != 1 ? fmt::format(" x{}", t.ops_per_event) : "";
    const std::string level = t.sram_level.empty() ? "" : fmt::format(", SRAM {}", t.sram_level);
    out += fmt::format("    {:<22} {}{} {}{} [{}, {}, {}, {}, evidence {}, {}] [{}]\n", t.event, value, ops, t.what,
                       level, t.provenance.chip, t.provenance.node, t.provenance.voltage, to_string(t.provenance.scope),
                       to_string(t.provenance.evidence), to_string(t.provenance.obtained_by),
                       citation_number(t.provenance.citation));
  }
  for (size_t i = 0; i < citations.size(); ++i) out += fmt::format("    [{}] {}\n", i + 1, citations[i]);
  for (const auto& wmsg : m.warnings) out += fmt::format("  ! {}\n", wmsg);
}

}  // namespace

std::string format_report(const EnergyReport& r) {
  const Workload& w = r.workload;
  std::string out;
  out += fmt::format("hrsnn energy estimate (models: {})\n", r.models_source);
  out += fmt::format("workload: {} neurons, {} synapses, {} steps x {:g} ms = {:g} s simulated, {} input samples\n",
                     w.neurons, w.synapses, w.steps, w.dt_ms, w.simulated_seconds(), w.input_samples);
  out += "counts:";
  int column = 0;
  for_each_count(r.counts, [&](std::string_view name, uint64_t n) {
    out += fmt::format("{}{:<22}{:>12}", column % 3 == 0 ? "\n  " : "    ", name, n);
    ++column;
  });
  out += "\n";
  if (r.spikes_per_synapse_per_inference) {
    out += fmt::format("spikes per synapse per inference: {:.4g}", *r.spikes_per_synapse_per_inference);
  } else {
    out += "spikes per synapse per inference: n/a (no synapses or no input samples)";
  }
  if (!r.crossovers.empty()) {
    std::vector<std::string> cs;
    for (const auto& c : r.crossovers)
      cs.push_back(c.low == c.high ? fmt::format("{} {:g}", c.name, c.low)
                                   : fmt::format("{} {:g}-{:g}", c.name, c.low, c.high));
    out += fmt::format("\n  published break-even (spiking wins below): {}", fmt::join(cs, "; "));
  }
  out += "\n\nSpiking models, side by side (figures that disagree are shown, never averaged):\n";
  append_totals(out, r.models, false);
  const Spread s = spread_of(r.models);
  if (s.low && s.high && s.low != s.high)
    out += fmt::format("  spread: {} / {} = {:.3g}x (a lower bound omits the events its model does not price)\n",
                       s.high->model, s.low->model, s.high->total_j / s.low->total_j);

  if (!r.dense_baselines.empty()) {
    std::vector<std::string> cs;
    for (const auto& c : r.dense_counts) cs.push_back(fmt::format("{} {}", c.event, c.count));
    out += "\nDense non-spiking RNN of the same N and steps (N*N MACs + N state updates per step):\n";
    out += fmt::format("  counts: {}\n", fmt::join(cs, ", "));
    append_totals(out, r.dense_baselines, true);
  }

  out += "\nBreakdown by event type:\n";
  for (const auto& m : r.models) append_breakdown(out, m);
  for (const auto& m : r.dense_baselines) append_breakdown(out, m);
  return out;
}

}  // namespace hrsnn::energy
