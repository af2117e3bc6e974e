// Integer event counters, counted inside every backend's own loops (float, fixed, RTL).
// They are the only input of the energy models (hw_model/energy), so every field is an
// exact count of an operation a chip would perform, never an estimate.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace hrsnn {

struct EventCounts {
  uint64_t neuron_updates_active = 0;  // neuron updates where any state (u, v, refractory) or the input a was non-zero
  uint64_t neuron_updates_idle = 0;    // neuron updates with all state and input zero
  uint64_t spikes = 0;                 // spikes emitted
  uint64_t synaptic_events = 0;        // delivered events: spikes times the fan-out actually traversed
  uint64_t trace_updates = 0;          // STDP trace register updates (decay of a non-zero trace, or an impulse)
  uint64_t plastic_updates = 0;        // plastic weight updates applied (each synapse at most once per step)
  uint64_t weight_reads = 0;           // synaptic weight memory reads (delivery + plasticity)
  uint64_t weight_writes = 0;          // synaptic weight memory writes (plasticity)
  uint64_t state_reads = 0;            // neuron state record reads (one per neuron update)
  uint64_t state_writes = 0;           // neuron state record writes (one per neuron update)

  EventCounts& operator+=(const EventCounts& o) {
    neuron_updates_active += o.neuron_updates_active;
    neuron_updates_idle += o.neuron_updates_idle;
    spikes += o.spikes;
    synaptic_events += o.synaptic_events;
    trace_updates += o.trace_updates;
    plastic_updates += o.plastic_updates;
    weight_reads += o.weight_reads;
    weight_writes += o.weight_writes;
    state_reads += o.state_reads;
    state_writes += o.state_writes;
    return *this;
  }
  friend bool operator==(const EventCounts&, const EventCounts&) = default;
  uint64_t neuron_updates() const { return neuron_updates_active + neuron_updates_idle; }
};

// Visits every field with its stable name (used by JSON output and energy models).
template <typename F>
void for_each_count(const EventCounts& c, F&& f) {
  f(std::string_view{"neuron_updates_active"}, c.neuron_updates_active);
  f(std::string_view{"neuron_updates_idle"}, c.neuron_updates_idle);
  f(std::string_view{"spikes"}, c.spikes);
  f(std::string_view{"synaptic_events"}, c.synaptic_events);
  f(std::string_view{"trace_updates"}, c.trace_updates);
  f(std::string_view{"plastic_updates"}, c.plastic_updates);
  f(std::string_view{"weight_reads"}, c.weight_reads);
  f(std::string_view{"weight_writes"}, c.weight_writes);
  f(std::string_view{"state_reads"}, c.state_reads);
  f(std::string_view{"state_writes"}, c.state_writes);
}

// Books `updates` plastic weight updates (each one weight read and one write) into the step's
// counts and the postsynaptic population's, as every backend counts them.
inline void count_plastic_updates(EventCounts& step, EventCounts& population, uint64_t updates) {
  for (EventCounts* c : {&step, &population}) {
    c->plastic_updates += updates;
    c->weight_reads += updates;
    c->weight_writes += updates;
  }
}

// Books one population's neuron updates of a step (`size` neurons, `active` of them with a
// non-zero state or input, `spikes` spikes; each update one state read and one write) into the
// step's counts and the population's, as every backend counts them.
inline void count_neuron_updates(EventCounts& step, EventCounts& population, uint64_t size, uint64_t active,
                                 uint64_t spikes) {
  for (EventCounts* c : {&step, &population}) {
    c->neuron_updates_active += active;
    c->neuron_updates_idle += size - active;
    c->state_reads += size;
    c->state_writes += size;
    c->spikes += spikes;
  }
}

// Counts of a whole run: totals, per population (by population index), and optionally per step.
struct RunCounts {
  EventCounts total;
  std::vector<EventCounts> per_population;
  std::vector<EventCounts> per_step;  // filled only when the run asks for per-step counts
  uint64_t steps = 0;
};

}  // namespace hrsnn
