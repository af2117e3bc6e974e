// The spiking network as a reservoir: drive a simulator (float reference or fixed-point core)
// with a task's input series and read features once per input sample, for the readouts of
// study/readout.hpp and study/gram_ridge.hpp.
//
// One input sample is held for steps_per_sample steps (InputSignal, core/input.hpp). After the
// last step of sample k the reservoir emits feature row k, one value per neuron:
//   filtered: f_i <- f_i * exp(-dt / filter_tau) + s_i at every step (an exponentially filtered
//             spike train, in spikes; a readout synapse with that time constant);
//   counts:   the number of spikes of neuron i during sample k's steps (binned counts).
// Spiking activity is recorded over the evaluation window, i.e. the samples from
// washout_samples on: S = spikes / (neurons * steps) (spikes per neuron per step), and the
// event counts of the window (the energy models' input).
#pragma once

#include "core/counters.hpp"
#include "core/network.hpp"
#include "core/run.hpp"
#include "core/spec.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace hrsnn::study {

enum class FeatureKind { filtered, counts };
FeatureKind parse_feature_kind(const std::string& name);  // "filtered" | "counts"
const char* to_string(FeatureKind kind);

struct ReservoirConfig {
  FeatureKind kind = FeatureKind::filtered;
  double filter_tau_ms = 20.0;     // filtered features: the readout synapse's time constant
  uint64_t washout_samples = 200;  // samples before the evaluation window of S and the counts
  // The learning phase: the signal's first `learning_samples` samples run with plasticity on
  // before any feature row; they reach no sink and no count of the window (0: no such phase).
  uint64_t learning_samples = 0;
  // Plasticity while the features are measured: on (a network still learning, as every
  // measurement was before the phases existed) or frozen, so the readout is fitted and tested
  // on one network.
  bool plastic_during_measurement = true;
  // The learning phase's rate trajectory is recorded per block of this many samples.
  uint64_t learning_block_samples = 100;
};

// Spiking activity over the evaluation window.
struct Activity {
  uint32_t neurons = 0;
  uint64_t steps = 0;   // steps in the evaluation window
  uint64_t spikes = 0;  // spikes of the network's neurons in the window
  EventCounts counts;   // event counts of the window
  EventCounts total;    // event counts of the whole run (learning and washout included)
  // Spikes per neuron per step in each block of the learning phase (its last block may be
  // shorter): whether the rate settled before the measurement.
  std::vector<double> learning_rate;
  double wall_time_s = 0.0;  // simulation and feature time of the whole run

  // S: spikes per neuron per step (0 for an empty window).
  double spiking_activity() const {
    return neurons && steps ? static_cast<double>(spikes) / (static_cast<double>(neurons) * static_cast<double>(steps))
                            : 0.0;
  }
};

// a - b, field by field (b must not exceed a).
EventCounts subtract(const EventCounts& a, const EventCounts& b);

// Called after every sample with the sample index and its feature row (one value per neuron).
using FeatureSink = std::function<void(uint64_t sample, std::span<const double> row)>;

// Drives `sim` for `samples` input samples of `steps_per_sample` steps each from its current
// time: first the learning phase (config.learning_samples, plasticity on), then the
// measurement (plasticity frozen unless config.plastic_during_measurement), whose samples reach
// `sink` numbered from 0. Works with any simulator with step(), time(), spikes_this_step(),
// counts() and set_plasticity() (FloatSimulator<double|float>, fixed::FixedSimulator). The
// simulator must have been built with the input signal to feed.
template <typename Sim, typename Sink>
Activity drive_reservoir(Sim& sim, uint32_t neurons, uint64_t samples, uint32_t steps_per_sample, double dt_ms,
                         const ReservoirConfig& config, Sink&& sink) {
  if (steps_per_sample == 0) throw std::invalid_argument("drive_reservoir: steps_per_sample must be >= 1");
  if (config.kind == FeatureKind::filtered && !(config.filter_tau_ms > 0.0))
    throw std::invalid_argument("drive_reservoir: filter_tau_ms must be > 0");
  const double keep = config.kind == FeatureKind::filtered ? std::exp(-dt_ms / config.filter_tau_ms) : 0.0;
  if (config.learning_samples > samples)
    throw std::invalid_argument("drive_reservoir: learning_samples exceeds the signal's samples");
  if (config.learning_block_samples == 0)
    throw std::invalid_argument("drive_reservoir: learning_block_samples must be >= 1");
  std::vector<double> row(neurons, 0.0);
  Activity act;
  act.neurons = neurons;
  sim.set_plasticity(true);
  for (uint64_t k = 0; k < config.learning_samples; k += config.learning_block_samples) {
    const uint64_t block = std::min(config.learning_block_samples, config.learning_samples - k);
    const uint64_t spikes_before = sim.counts().total.spikes;
    for (uint64_t s = 0; s < block * steps_per_sample; ++s) sim.step();
    const double steps = static_cast<double>(block * steps_per_sample);
    act.learning_rate.push_back(static_cast<double>(sim.counts().total.spikes - spikes_before) /
                                (static_cast<double>(neurons) * steps));
  }
  sim.set_plasticity(config.plastic_during_measurement);
  const uint64_t measured = samples - config.learning_samples;
  EventCounts at_washout = sim.counts().total;
  for (uint64_t k = 0; k < measured; ++k) {
    if (k == config.washout_samples) at_washout = sim.counts().total;
    if (config.kind == FeatureKind::counts) std::fill(row.begin(), row.end(), 0.0);
    for (uint32_t s = 0; s < steps_per_sample; ++s) {
      sim.step();
      if (config.kind == FeatureKind::filtered)
        for (double& f : row) f *= keep;
      for (uint32_t i : sim.spikes_this_step()) row[i] += 1.0;
    }
    sink(k, std::span<const double>(row));
  }
  const EventCounts end = sim.counts().total;
  act.total = end;
  if (measured > config.washout_samples) {
    act.counts = subtract(end, at_washout);
    act.steps = (measured - config.washout_samples) * steps_per_sample;
    act.spikes = act.counts.spikes;
  }
  return act;
}

// Which arithmetic simulates the network, and the fixed core's register format.
struct Backend {
  Arith arith = Arith::Float64;
  HardwareSpec hardware;  // used by Arith::Fixed (quantize(net, hardware))
};

// Builds the backend's simulator for `net` fed by `signal` and drives it over every sample of
// the signal, calling `sink` per sample. Throws what quantize() throws for an unrepresentable
// network.
Activity run_reservoir(const Network& net, const InputSignal& signal, const Backend& backend,
                       const ReservoirConfig& config, const FeatureSink& sink);

// run_reservoir collecting every feature row: samples x neurons.
struct ReservoirFeatures {
  Eigen::MatrixXd features;
  Activity activity;
};
ReservoirFeatures collect_features(const Network& net, const InputSignal& signal, const Backend& backend,
                                   const ReservoirConfig& config);

// A scalar series as the network's input signal: value * gain + offset on `channels` copies
// (every input channel carries the same series).
InputSignal scalar_signal(std::span<const double> series, double gain = 1.0, double offset = 0.0,
                          uint32_t channels = 1);

}  // namespace hrsnn::study
