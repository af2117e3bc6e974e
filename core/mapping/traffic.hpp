// Counting on a mapped network (docs/mapping.md, "Traffic"): spike messages per core pair, hops
// per direction, per-core work, and their price in joules and nanoseconds per time step under
// the chip's figures. A neuron's destination cores are fixed by the placement, so the counts
// are exact from its spike count in a run: messages = sum_i spikes_i * dest_cores_i, and likewise
// per core pair. The simulators' loops are untouched.
#pragma once

#include "core/counters.hpp"
#include "core/mapping/chip.hpp"
#include "core/mapping/mapper.hpp"
#include "core/run.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace hrsnn::mapping {

// What a run says about each neuron.
struct Activity {
  uint64_t steps = 0;
  std::vector<double> spikes;           // per neuron: spikes in the run
  std::vector<double> active_fraction;  // per neuron: its population's active share of neuron updates
  uint64_t plastic_updates = 0;         // the run's counted total (apportioned to cores)
};

// Per core, totals over the run.
struct CoreWork {
  double neuron_updates_active = 0, neuron_updates_idle = 0;
  double synaptic_ops = 0, plastic_updates = 0;
  double messages_sent = 0, messages_received = 0;
};

struct Traffic {
  uint64_t steps = 0;
  double messages = 0;       // one per (spike, distinct destination core)
  double same_core = 0;      // destination core = source core
  double same_tile = 0;      // another core of the source's tile (router, no hop)
  double mesh = 0;           // another tile: crosses the mesh
  double chip_crossing = 0;  // of the mesh messages, those to another chip
  double hops_east = 0, hops_west = 0, hops_north = 0, hops_south = 0;
  double message_hops = 0;                          // sum over messages of their hops
  uint32_t longest_x_hops = 0, longest_y_hops = 0;  // the slowest route a message took
  std::vector<CoreWork> cores;
};

// A run's activity: spikes per neuron from its raster (recorded in full), each neuron's
// population's active share of neuron updates, the counted plastic updates.
Activity activity_of(const Network& net, const RunResult& run);

Traffic count_traffic(const ChipSpec& chip, const MapGraph& g, const Placement& p, const Activity& a);

// Messages from core a to core b over the run (one per spike and distinct destination core),
// core_ids() x core_ids(), row-major; those staying within a core on the diagonal.
std::vector<double> core_messages(const MapGraph& g, const Placement& p, const std::vector<double>& spikes);

// Inter-core messages x hops (the objective partition lowers), from per-neuron weights (spikes).
double message_hops(const ChipSpec& chip, const MapGraph& g, const Placement& p, const std::vector<double>& spikes);

struct PricedTerm {
  std::string name;
  double count_per_step = 0;
  double unit = 0;  // pJ or ns
  bool known = true;
  std::string key, source;
};

// Energy and latency of a mean time step (docs/mapping.md states the model).
struct StepCost {
  std::vector<PricedTerm> energy;  // pJ terms
  double energy_pj = 0;
  bool energy_lower_bound = false;  // some figure is unknown (priced at 0)
  // Latency: max over cores of max(update-and-send, receive) + mesh traversal + barrier.
  uint32_t slowest_core = 0;
  double core_update_send_ns = 0, core_receive_ns = 0, core_ns = 0;
  double mesh_ns = 0, barrier_ns = 0, latency_ns = 0;
  uint32_t tiles_used = 0;
  bool latency_lower_bound = false;
  std::vector<std::string> unknown;  // keys of unknown figures used
  std::vector<std::string> notes;
};

StepCost price_step(const ChipSpec& chip, const Placement& p, const Traffic& t);

nlohmann::json traffic_to_json(const Traffic& t);
nlohmann::json step_cost_to_json(const StepCost& c);

}  // namespace hrsnn::mapping
