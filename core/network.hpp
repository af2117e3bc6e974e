// The instantiated network: every per-neuron and per-synapse value, sampled once from the
// spec and its seed. All backends start from this (the fixed core through quantize()).
#pragma once

#include "core/spec.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace hrsnn {

struct PopulationRange {
  std::string name;
  uint32_t first = 0;
  uint32_t size = 0;
  PopulationKind kind = PopulationKind::Excitatory;
};

// One projection in CSR by presynaptic neuron, plus (for plastic projections) the transposed
// index: for each postsynaptic neuron, the ids of its incoming synapses (indices into the
// forward arrays, never pointers) and their presynaptic neurons.
struct Projection {
  std::string name;
  uint32_t pre_population = 0;
  uint32_t post_population = 0;
  uint32_t pre_first = 0, pre_size = 0;
  uint32_t post_first = 0, post_size = 0;
  uint32_t delay_steps = 1;
  bool plastic = false;
  uint64_t first_synapse = 0;  // global synapse id of this projection's synapse 0

  std::vector<uint64_t> row_offset;  // pre_size + 1 entries
  std::vector<uint32_t> post;        // global id of the postsynaptic neuron, per synapse
  std::vector<double> weight;        // signed, physical units

  // Plastic projections only.
  std::vector<double> eta_plus, eta_minus;  // per synapse
  double w_min = 0.0, w_max = 0.0;
  std::vector<uint64_t> col_offset;   // post_size + 1 entries
  std::vector<uint32_t> col_synapse;  // projection-local synapse ids, grouped by postsynaptic neuron
  std::vector<uint32_t> col_pre;      // global id of the presynaptic neuron, per col_synapse entry

  uint64_t synapse_count() const { return post.size(); }
};

// The post-spike (column) walks of the float and fixed backends read and write w[col_synapse[c]]:
// one random access per visited synapse, a cache miss once the weights outgrow the caches. Then
// the walks ask for the weight they reach `kColumnPrefetch` entries later (the last entry's near
// the end of col_synapse, never past it), so that many misses are in flight at once instead of
// the few a loop iteration's length leaves room for. Only then: while the weights fit in the
// caches (below SimOptions::column_prefetch_min_bytes, default kColumnPrefetchMinBytes in
// core/foundation/recording.hpp)
// the hint is one more load per visit and no gain. A hint: no effect on any value.
inline constexpr uint64_t kColumnPrefetch = 16;

template <typename W>
inline void prefetch_column_weight(W* w, const uint32_t* col_synapse, uint64_t c, uint64_t last) {
  const uint64_t ahead = c + kColumnPrefetch;
  __builtin_prefetch(&w[col_synapse[ahead < last ? ahead : last]], 1);
}

// External input wiring: for each driven neuron, its (channel, weight) pairs.
struct InputWiring {
  EncoderKind encoder = EncoderKind::Current;
  uint32_t channels = 1;
  uint32_t steps_per_sample = 1;
  double rate_max_hz = 100.0;
  double delta_threshold = 0.1;
  double dt_ms = 1.0;
  std::vector<uint64_t> offset;   // N + 1 entries (CSR by neuron)
  std::vector<uint32_t> channel;  // per entry
  std::vector<double> weight;     // per entry
};

struct Network {
  double dt_ms = 1.0;
  uint64_t seed = 1;
  std::vector<PopulationRange> populations;
  std::vector<uint32_t> population_of;  // per neuron

  // Per neuron: exact per-step decay factors (state * (1 - d)), and LIF parameters.
  std::vector<double> du, dv, v_thresh, v_reset, bias;
  std::vector<uint32_t> t_ref_steps;
  // STDP trace decays per neuron (0 where the neuron has no trace of that kind).
  std::vector<double> dx, dy;
  std::vector<uint8_t> has_x, has_y;  // neuron is presynaptic / postsynaptic in a plastic projection
  double impulse_x = 1.0, impulse_y = 1.0;

  std::vector<Projection> projections;
  InputWiring input;
  uint32_t max_delay = 1;

  uint32_t size() const { return static_cast<uint32_t>(du.size()); }
  uint64_t synapse_count() const;
  uint64_t plastic_synapse_count() const;
};

// Sample the network. Deterministic: the same spec and seed give a bit-identical network.
// Throws std::runtime_error (naming the population/projection) on impossible samples.
Network build_network(const NetworkSpec& spec);

// Decay factor d = 1 - exp(-dt / tau), computed once (expm1 for precision at large tau).
double decay_factor(double dt_ms, double tau_ms);

}  // namespace hrsnn
