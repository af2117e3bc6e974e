// What a network and a run will take, estimated from the spec before anything is allocated, and
// the limit they must fit in. build_network() and run_spec() refuse what does not fit with the
// estimate and the key that causes it, instead of ending in std::bad_alloc (or taking the
// machine's memory) minutes later.
#pragma once

#include "core/foundation/recording.hpp"
#include "core/spec.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace hrsnn {

// Bytes per synapse while a run holds it: the Network (post id, weight; plastic: learning
// rates and the transposed index), the simulator's copy and, for the fixed core, the register
// image, in whichever arithmetic takes most (float64 and fixed are within a few bytes of each
// other), plus the vectors' growth while the network is built.
inline constexpr uint64_t kBytesPerStaticSynapse = 24;
inline constexpr uint64_t kBytesPerPlasticSynapse = 72;

struct ProjectionEstimate {
  std::string key;      // "projections[i]"
  int line = 0;         // its line in the spec
  double synapses = 0;  // expected count (p x pre x post, or in_degree x post)
  double bytes = 0;
};

struct NetworkEstimate {
  double neurons = 0;
  double neuron_bytes = 0;  // state, parameters, delay ring, CSR offsets
  std::vector<ProjectionEstimate> projections;
  double synapses() const;
  double bytes() const;
};

NetworkEstimate estimate_network(const NetworkSpec& spec);

// Bytes a run of `steps` records whatever its spikes: the input signal `hrsnn run` generates,
// the probe samples and the per-step counters. (The raster grows with the spikes, which no
// estimate knows in advance.)
double estimate_run_bytes(const NetworkSpec& spec, uint64_t steps, const SimOptions& options);

// The memory a network or a run may take: HRSNN_MEMORY_LIMIT when set (bytes, or with a K, M,
// G or T suffix, powers of 1024; "0" or "none" turns the check off), else half of the physical
// memory (sysconf), or of the address-space limit when that is lower. Throws
// std::invalid_argument on a malformed HRSNN_MEMORY_LIMIT.
struct MemoryLimit {
  uint64_t bytes = 0;  // 0: no limit
  std::string source;  // "HRSNN_MEMORY_LIMIT" or "half of the physical memory"
};
MemoryLimit memory_limit();
// Parses a HRSNN_MEMORY_LIMIT value (exposed for tests); nullopt-like 0 for "none".
uint64_t parse_memory_size(const std::string& text);

// Throws ConfigError (spec file, line, key) when a projection would exceed 2^32 - 1 synapses or
// the network would not fit in the memory limit; the message gives the estimate.
void check_network_resources(const NetworkSpec& spec, const MemoryLimit& limit);
// Same for the per-step recordings of a run (key simulation.steps).
void check_run_resources(const NetworkSpec& spec, uint64_t steps, const SimOptions& options, const MemoryLimit& limit);

}  // namespace hrsnn
