#include "study/reservoir.hpp"

#include "core/backend.hpp"

#include <fmt/core.h>

#include <chrono>

namespace hrsnn::study {

FeatureKind parse_feature_kind(const std::string& name) {
  if (name == "filtered") return FeatureKind::filtered;
  if (name == "counts") return FeatureKind::counts;
  throw std::invalid_argument(fmt::format("unknown feature kind '{}' (allowed: filtered, counts)", name));
}

const char* to_string(FeatureKind kind) { return kind == FeatureKind::filtered ? "filtered" : "counts"; }

EventCounts subtract(const EventCounts& a, const EventCounts& b) {
  EventCounts d;
  d.neuron_updates_active = a.neuron_updates_active - b.neuron_updates_active;
  d.neuron_updates_idle = a.neuron_updates_idle - b.neuron_updates_idle;
  d.spikes = a.spikes - b.spikes;
  d.synaptic_events = a.synaptic_events - b.synaptic_events;
  d.trace_updates = a.trace_updates - b.trace_updates;
  d.plastic_updates = a.plastic_updates - b.plastic_updates;
  d.weight_reads = a.weight_reads - b.weight_reads;
  d.weight_writes = a.weight_writes - b.weight_writes;
  d.state_reads = a.state_reads - b.state_reads;
  d.state_writes = a.state_writes - b.state_writes;
  return d;
}

namespace {

template <typename Sim>
Activity drive_timed(Sim& sim, const Network& net, uint64_t samples, const ReservoirConfig& config,
                     const FeatureSink& sink) {
  const auto t0 = std::chrono::steady_clock::now();
  Activity a = drive_reservoir(sim, net.size(), samples, net.input.steps_per_sample, net.dt_ms, config, sink);
  a.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return a;
}

}  // namespace

Activity run_reservoir(const Network& net, const InputSignal& signal, const Backend& backend,
                       const ReservoirConfig& config, const FeatureSink& sink) {
  if (signal.channels != net.input.channels)
    throw std::invalid_argument(fmt::format("run_reservoir: the signal has {} channels, the network's input {}",
                                            signal.channels, net.input.channels));
  SimOptions options;
  options.record_spikes = false;  // features are read per step; a raster of a long task would not fit
  const uint64_t samples = signal.samples();
  return with_simulator(
      backend.arith, net, &signal, backend.hardware, options,
      [&](auto& sim, const fixed::RegisterImage*) { return drive_timed(sim, net, samples, config, sink); });
}

ReservoirFeatures collect_features(const Network& net, const InputSignal& signal, const Backend& backend,
                                   const ReservoirConfig& config) {
  ReservoirFeatures out;
  const uint64_t measured = signal.samples() - std::min(signal.samples(), config.learning_samples);
  out.features.resize(static_cast<Eigen::Index>(measured), static_cast<Eigen::Index>(net.size()));
  out.activity = run_reservoir(net, signal, backend, config, [&](uint64_t k, std::span<const double> row) {
    const auto r = static_cast<Eigen::Index>(k);
    for (size_t i = 0; i < row.size(); ++i) out.features(r, static_cast<Eigen::Index>(i)) = row[i];
  });
  return out;
}

InputSignal scalar_signal(std::span<const double> series, double gain, double offset, uint32_t channels) {
  if (channels == 0) throw std::invalid_argument("scalar_signal: channels must be >= 1");
  InputSignal s;
  s.channels = channels;
  s.values.resize(series.size() * channels);
  for (size_t k = 0; k < series.size(); ++k)
    for (uint32_t c = 0; c < channels; ++c) s.values[k * channels + c] = series[k] * gain + offset;
  return s;
}

}  // namespace hrsnn::study
