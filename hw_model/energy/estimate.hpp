// The joules of a run from its EventCounts under the models of a ModelLibrary (models.hpp):
// each term prices its event's count, SRAM terms by the size of the array they read.
#pragma once

#include "core/counters.hpp"
#include "hw_model/energy/models.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hrsnn::energy {

// The facts of a run an energy estimate needs besides its counts.
struct Workload {
  uint64_t neurons = 0;
  uint64_t synapses = 0;
  uint64_t steps = 0;
  double dt_ms = 1.0;
  uint64_t input_samples = 0;  // inferences; 0 = per-inference figures are not defined
  double simulated_seconds() const { return static_cast<double>(steps) * dt_ms * 1e-3; }
};

// Dense non-spiking RNN of the same size: macs = N*N*steps, neuron_updates = N*steps,
// weight_reads = N*N*steps, state_reads = state_writes = N*steps.
struct NamedCount {
  std::string event;
  uint64_t count = 0;
};
std::vector<NamedCount> dense_counts(const Workload& w);

// --- Results ------------------------------------------------------------------------------

struct TermEnergy {
  std::string event;
  std::string what;
  uint64_t count = 0;
  uint32_t ops_per_event = 1;
  std::optional<double> energy_pj_per_op;  // nullopt: an SRAM term whose array is not priced
  double energy_j = 0.0;
  std::string sram_level;  // SRAM terms: the level used, e.g. "8 KiB" or "bank of 1 MiB"
  Provenance provenance;
  std::string charged_because;
};

enum class EventStatus { Priced, Included, NotPriced };

struct EventEnergy {
  std::string event;
  uint64_t count = 0;
  EventStatus status = EventStatus::Priced;
  double energy_j = 0.0;
  std::string reason;  // for Included / NotPriced
};

struct ModelEnergy {
  std::string model;
  std::string description;
  ModelKind kind = ModelKind::Spiking;
  Scope scope = Scope::PerOp;
  std::vector<TermEnergy> terms;
  std::vector<EventEnergy> by_event;  // every event type, in counter order
  double total_j = 0.0;
  double sram_j = 0.0;                    // part of total_j spent in SRAM terms
  std::optional<double> per_inference_j;  // total / input samples
  double per_simulated_second_j = 0.0;    // total / simulated seconds (mean power, W)
  bool lower_bound = false;               // some counted events (or SRAM terms) are not priced
  std::vector<std::string> warnings;      // unpriced counts, operating point, unverified figures
};

struct EnergyReport {
  std::string models_source;
  Workload workload;
  EventCounts counts;
  std::optional<double> spikes_per_synapse_per_inference;  // synaptic_events / synapses / samples
  std::vector<Crossover> crossovers;
  std::vector<ModelEnergy> models;
  std::vector<NamedCount> dense_counts;
  std::vector<ModelEnergy> dense_baselines;

  nlohmann::json to_json() const;  // format "hrsnn-energy/1"; written in report.cpp
};

// The energy of one spiking model for these counts.
ModelEnergy model_energy(const ModelLibrary& lib, const Model& model, const EventCounts& counts, const Workload& w);
// The energy of one dense baseline for the dense equivalent of this workload.
ModelEnergy dense_baseline_energy(const ModelLibrary& lib, const Model& baseline, const Workload& w);
// Every named model (all models when `model_names` is empty) and every dense baseline.
EnergyReport estimate_energy(const ModelLibrary& lib, const std::vector<std::string>& model_names,
                             const EventCounts& counts, const Workload& w);

}  // namespace hrsnn::energy
