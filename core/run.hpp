// Running a spec end to end on a chosen backend: the one entry point the CLI, the study and
// the energy report share, so every backend produces the same outputs and counters.
#pragma once

#include "core/backend.hpp"
#include "core/counters.hpp"
#include "core/foundation/recording.hpp"
#include "core/network.hpp"
#include "core/spec.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace hrsnn {

struct RunOptions {
  Arith arith = Arith::Float64;
  std::optional<uint64_t> steps;  // overrides simulation.steps
  std::optional<uint64_t> seed;   // overrides simulation.seed
  SimOptions sim;
  // Called every `progress_every` steps (and at the end) with (done, total).
  std::function<void(uint64_t, uint64_t)> progress;
  uint64_t progress_every = 1000;
  // The fixed backend's register format and quantize() options; run_spec() takes the spec's
  // [hardware] table when this is empty.
  std::optional<HardwareSpec> hardware;
};

struct RunResult {
  Arith arith = Arith::Float64;
  uint64_t steps = 0;
  double wall_time_s = 0.0;
  uint32_t threads = 1;  // SimOptions::threads of the run
  RunCounts counts;
  Raster raster;
  ProbeTrace probes;
  std::vector<uint32_t> probe_ids;
  uint64_t input_samples = 0;
  uint64_t input_spikes = 0;
  double bytes_per_synapse = 0.0;
  double bytes_per_neuron = 0.0;
  // Fixed backend: probes are in register units; physical = register / voltage_scale.
  double voltage_scale = 1.0;
  nlohmann::json quantization;  // per-field quantization errors (fixed backend)
};

// Applies the overrides of `options` to a copy of the spec's simulation section.
NetworkSpec with_overrides(const NetworkSpec& spec, const RunOptions& options);

RunResult run_network(const Network& net, const InputSignal& signal, uint64_t steps, const RunOptions& options);
// Builds the network and the spec's own input signal, then runs it.
RunResult run_spec(const NetworkSpec& spec, const RunOptions& options);

// The JSON summary `hrsnn run` writes (format "hrsnn-run/1"): rates per population, event
// counts (total and per population), wall time, synaptic events/s.
nlohmann::json run_summary(const NetworkSpec& spec, const Network& net, const RunResult& result);
nlohmann::json counts_to_json(const EventCounts& counts);

}  // namespace hrsnn
