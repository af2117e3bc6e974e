// The model arithmetic: prices counted events under a model. See estimate.hpp.
#include "hw_model/energy/estimate.hpp"

#include <fmt/core.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <utility>

namespace hrsnn::energy {

namespace {

constexpr double kJoulesPerPicojoule = 1e-12;

std::string_view to_string(SramArray a) { return a == SramArray::Weights ? "weights" : "neuron_state"; }

}  // namespace

std::vector<NamedCount> dense_counts(const Workload& w) {
  const uint64_t n = w.neurons;
  return {{"macs", n * n * w.steps},
          {"neuron_updates", n * w.steps},
          {"weight_reads", n * n * w.steps},
          {"state_reads", n * w.steps},
          {"state_writes", n * w.steps}};
}

// --- Computing ----------------------------------------------------------------------------------

namespace {

std::string bytes_text(uint64_t b) {
  if (b >= (uint64_t{1} << 20) && b % (uint64_t{1} << 20) == 0) return fmt::format("{} MiB", b >> 20);
  if (b >= (uint64_t{1} << 10) && b % (uint64_t{1} << 10) == 0) return fmt::format("{} KiB", b >> 10);
  if (b >= (uint64_t{1} << 20)) return fmt::format("{:.1f} MiB", static_cast<double>(b) / 1048576.0);
  if (b >= (uint64_t{1} << 10)) return fmt::format("{:.1f} KiB", static_cast<double>(b) / 1024.0);
  return fmt::format("{} B", b);
}

void check_workload(const Workload& w) {
  if (w.neurons == 0) throw ConfigError("workload", 0, "neurons", "must be > 0");
  if (w.steps == 0) throw ConfigError("workload", 0, "steps", "must be > 0");
  if (!(w.dt_ms > 0.0) || !std::isfinite(w.dt_ms))
    throw ConfigError("workload", 0, "dt_ms", fmt::format("must be > 0, got {}", w.dt_ms));
}

ModelEnergy compute(const ModelLibrary& lib, const Model& m, const std::vector<NamedCount>& counts, const Workload& w,
                    const EventCounts* spiking_counts) {
  check_workload(w);
  ModelEnergy r;
  r.model = m.name;
  r.description = m.description;
  r.kind = m.kind;
  r.scope = m.all_in() ? Scope::AllIn : Scope::PerOp;
  const auto count_of = [&](const std::string& ev) -> uint64_t {
    for (const auto& c : counts)
      if (c.event == ev) return c.count;
    return 0;
  };

  for (const Term& t : m.terms) {
    TermEnergy te;
    te.event = t.event;
    te.what = t.what;
    te.count = count_of(t.event);
    te.ops_per_event = t.ops_per_event;
    te.provenance = t.provenance;
    te.charged_because = t.charged_because;
    if (t.energy_pj) {
      te.energy_pj_per_op = *t.energy_pj;
    } else {
      const SramAccess& a = *t.sram;
      const SramTable& table = lib.sram_table(a.table);
      const uint64_t elements = a.array == SramArray::NeuronState ? w.neurons
                                : m.kind == ModelKind::Dense      ? w.neurons * w.neurons
                                                                  : w.synapses;
      const uint64_t bytes = (elements * a.word_bits + 7) / 8;
      const auto level = std::find_if(table.levels.begin(), table.levels.end(),
                                      [&](const SramLevel& l) { return l.size_bytes >= bytes; });
      const double width_fraction = static_cast<double>(a.word_bits) / 64.0;
      if (level != table.levels.end()) {
        te.energy_pj_per_op = level->read_pj_per_64b * width_fraction;
        te.sram_level = bytes_text(level->size_bytes);
      } else if (table.larger_arrays == LargerArrays::BankOfLargest) {
        te.energy_pj_per_op = table.levels.back().read_pj_per_64b * width_fraction;
        te.sram_level = "bank of " + bytes_text(table.levels.back().size_bytes);
        r.warnings.push_back(fmt::format(
            "{} ({}): the {} array ({}) is larger than the largest tabulated SRAM of '{}' ({}); priced as one "
            "access to a {} bank (banked-SRAM assumption)",
            t.event, t.what, to_string(a.array), bytes_text(bytes), table.name,
            bytes_text(table.levels.back().size_bytes), bytes_text(table.levels.back().size_bytes)));
      } else {
        te.sram_level = "not priced";
        if (te.count > 0) r.lower_bound = true;
        r.warnings.push_back(fmt::format(
            "{} ({}): the {} array ({}) is larger than the largest tabulated SRAM of '{}' ({}); this term is "
            "not priced",
            t.event, t.what, to_string(a.array), bytes_text(bytes), table.name,
            bytes_text(table.levels.back().size_bytes)));
      }
    }
    if (te.energy_pj_per_op)
      te.energy_j = static_cast<double>(te.count) * static_cast<double>(te.ops_per_event) * *te.energy_pj_per_op *
                    kJoulesPerPicojoule;
    r.total_j += te.energy_j;
    if (t.sram) r.sram_j += te.energy_j;
    if (t.provenance.evidence == Evidence::Unverified)
      r.warnings.push_back(
          fmt::format("{} ({}): UNVERIFIED figure (evidence U); check it against its primary source", t.event, t.what));
    if (t.operating_point && spiking_counts) {
      const OperatingPoint& op = *t.operating_point;
      const double rate_hz =
          static_cast<double>(spiking_counts->spikes) / (static_cast<double>(w.neurons) * w.simulated_seconds());
      const double fan = static_cast<double>(w.synapses) / static_cast<double>(w.neurons);
      std::vector<std::string> at;
      if (op.rate_hz) at.push_back(fmt::format("{:g} Hz mean rate", *op.rate_hz));
      if (op.synapses_per_neuron) at.push_back(fmt::format("{:g} synapses/neuron", *op.synapses_per_neuron));
      r.warnings.push_back(fmt::format(
          "the all-in figure holds only at its operating point: {}{}; this run: {:.3g} Hz mean rate, {:.3g} "
          "synapses/neuron",
          op.description, at.empty() ? std::string() : fmt::format(" [{}]", fmt::join(at, ", ")), rate_hz, fan));
    }
    r.terms.push_back(std::move(te));
  }

  const std::vector<std::string>& events = m.kind == ModelKind::Spiking ? spiking_event_names() : dense_event_names();
  for (const auto& ev : events) {
    EventEnergy ee;
    ee.event = ev;
    ee.count = count_of(ev);
    const bool priced = std::any_of(m.terms.begin(), m.terms.end(), [&](const Term& t) { return t.event == ev; });
    if (priced) {
      ee.status = EventStatus::Priced;
      for (const auto& te : r.terms)
        if (te.event == ev) ee.energy_j += te.energy_j;
    } else {
      const auto u =
          std::find_if(m.uncharged.begin(), m.uncharged.end(), [&](const UnchargedEvent& x) { return x.event == ev; });
      ee.status = u->status == UnchargedStatus::Included ? EventStatus::Included : EventStatus::NotPriced;
      ee.reason = u->reason;
      if (ee.status == EventStatus::NotPriced && ee.count > 0) {
        r.lower_bound = true;
        r.warnings.push_back(fmt::format("{} {} not priced: {}", ee.count, ev, ee.reason));
      }
    }
    r.by_event.push_back(std::move(ee));
  }
  if (w.input_samples > 0) r.per_inference_j = r.total_j / static_cast<double>(w.input_samples);
  r.per_simulated_second_j = r.total_j / w.simulated_seconds();
  return r;
}

std::vector<NamedCount> named_counts(const EventCounts& c) {
  std::vector<NamedCount> v;
  for_each_count(c, [&](std::string_view name, uint64_t n) { v.push_back({std::string(name), n}); });
  return v;
}

}  // namespace

ModelEnergy model_energy(const ModelLibrary& lib, const Model& model, const EventCounts& counts, const Workload& w) {
  return compute(lib, model, named_counts(counts), w, &counts);
}

ModelEnergy dense_baseline_energy(const ModelLibrary& lib, const Model& baseline, const Workload& w) {
  return compute(lib, baseline, dense_counts(w), w, nullptr);
}

EnergyReport estimate_energy(const ModelLibrary& lib, const std::vector<std::string>& model_names,
                             const EventCounts& counts, const Workload& w) {
  check_workload(w);
  EnergyReport rep;
  rep.models_source = lib.source;
  rep.workload = w;
  rep.counts = counts;
  rep.crossovers = lib.crossovers;
  if (w.synapses > 0 && w.input_samples > 0)
    rep.spikes_per_synapse_per_inference = static_cast<double>(counts.synaptic_events) /
                                           static_cast<double>(w.synapses) / static_cast<double>(w.input_samples);
  if (model_names.empty()) {
    for (const auto& m : lib.models) rep.models.push_back(model_energy(lib, m, counts, w));
  } else {
    for (const auto& name : model_names) rep.models.push_back(model_energy(lib, lib.model(name), counts, w));
  }
  rep.dense_counts = dense_counts(w);
  for (const auto& b : lib.baselines) rep.dense_baselines.push_back(dense_baseline_energy(lib, b, w));
  return rep;
}

}  // namespace hrsnn::energy
