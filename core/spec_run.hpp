// A spec run the way `hrsnn run` runs it (the same overrides, resource check, network, input
// signal, register format and summary), for callers that want the results in memory rather
// than in files: the Python module (python/) and `hrsnn energy SPEC`.
#pragma once

#include "core/network.hpp"
#include "core/run.hpp"
#include "core/spec.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <vector>

namespace hrsnn {

struct SpecRun {
  NetworkSpec spec;  // with the steps and seed of the options applied
  Network net;
  RunResult result;
  nlohmann::json summary;  // run_summary(spec, net, result): format "hrsnn-run/1"
};

// Throws std::invalid_argument when a probed neuron id is not below the network's size.
void check_probe_ids(const Network& net, const std::vector<uint32_t>& probes);

// Applies the overrides of `options` (steps, seed), takes the spec's [hardware] table when
// options.hardware is empty, refuses a run that would not fit in memory (ConfigError) or probes
// a neuron that does not exist (std::invalid_argument), builds the network and the spec's input
// signal, runs it and summarizes it.
SpecRun run_spec_summarized(const NetworkSpec& spec, RunOptions options);

}  // namespace hrsnn
