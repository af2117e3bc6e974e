// The report's example runs: the two example networks (MRSNN and HRSNN) simulated on the
// float64 reference and on the fixed-point core, each costed under every energy model, and
// the windows of them the page shows.
#pragma once

#include "core/run.hpp"
#include "hw_model/energy/energy_model.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hrsnn::report {

constexpr uint64_t kRasterWindowSteps = 1000;   // steps of the raster figure
constexpr uint64_t kMembraneWindowSteps = 300;  // steps of the membrane figure and its comparison
constexpr uint64_t kRateBins = 200;             // population-rate bins over the whole run

struct ExampleRun {
  std::string network;  // "mrsnn" | "hrsnn"
  std::string label;    // "MRSNN" | "HRSNN"
  Arith arith = Arith::Float64;
  std::shared_ptr<const Network> net;
  HardwareSpec hardware;  // the spec's [hardware] table (the fixed run's register format)
  uint32_t probe = 0;
  RunResult result;
  nlohmann::json summary;
  energy::EnergyReport energy;
  std::string key() const { return network + "_" + to_string(arith); }
  std::string title() const { return label + " " + to_string(arith); }
};

struct ExampleOptions {
  std::string examples_dir;  // holds mrsnn.toml and hrsnn.toml
  uint64_t steps = 0;
  uint64_t seed = 1;
  std::optional<uint32_t> probe_neuron;  // default: the first excitatory neuron the input drives
  // Called with the run's key() and (done, total) steps; may be empty.
  std::function<void(const std::string&, uint64_t, uint64_t)> progress;
};

// mrsnn float64, mrsnn fixed, hrsnn float64, hrsnn fixed, in this order.
std::vector<ExampleRun> simulate_examples(const ExampleOptions& options, const energy::ModelLibrary& lib);

}  // namespace hrsnn::report
