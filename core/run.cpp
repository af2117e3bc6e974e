#include "core/run.hpp"

#include "core/resources.hpp"

#include <fmt/core.h>

#include <chrono>
#include <stdexcept>

namespace hrsnn {

NetworkSpec with_overrides(const NetworkSpec& spec, const RunOptions& options) {
  NetworkSpec s = spec;
  if (options.steps) s.simulation.steps = *options.steps;
  if (options.seed) s.simulation.seed = *options.seed;
  return s;
}

namespace {

// Steps any backend (same interface) and collects what every backend reports.
template <typename Sim>
RunResult drive(Sim& sim, uint64_t steps, const RunOptions& options) {
  const uint64_t every = options.progress_every ? options.progress_every : steps;
  RunResult r;
  const auto t0 = std::chrono::steady_clock::now();
  for (uint64_t k = 0; k < steps; ++k) {
    sim.step();
    if (options.progress && ((k + 1) % every == 0 || k + 1 == steps)) options.progress(k + 1, steps);
  }
  r.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.threads = options.sim.threads;
  r.steps = steps;
  r.counts = sim.counts();
  r.raster = sim.raster();
  r.probes = sim.probes();
  r.probe_ids = options.sim.probes;
  r.input_spikes = sim.input_spikes();
  r.bytes_per_synapse = sim.synapse_bytes();
  r.bytes_per_neuron = sim.neuron_bytes();
  return r;
}

}  // namespace

RunResult run_network(const Network& net, const InputSignal& signal, uint64_t steps, const RunOptions& options) {
  const HardwareSpec hw = options.hardware.value_or(HardwareSpec{});
  RunResult r =
      with_simulator(options.arith, net, &signal, hw, options.sim, [&](auto& sim, const fixed::RegisterImage* image) {
        RunResult run = drive(sim, steps, options);
        if (image) {
          run.voltage_scale = image->voltage_scale;
          run.quantization = {{"profile", hw.profile},
                              {"voltage_scale", image->voltage_scale},
                              {"trace_scale", image->trace_scale},
                              {"decay_profiles", image->decay_profiles},
                              {"fields", image->errors_json()}};
        }
        return run;
      });
  r.arith = options.arith;
  const uint64_t sps = net.input.steps_per_sample;
  r.input_samples =
      signal.values.empty() ? (steps + sps - 1) / sps : std::min<uint64_t>(signal.samples(), (steps + sps - 1) / sps);
  return r;
}

RunResult run_spec(const NetworkSpec& spec_in, const RunOptions& options) {
  const NetworkSpec spec = with_overrides(spec_in, options);
  check_run_resources(spec, spec.simulation.steps, options.sim, memory_limit());
  const Network net = build_network(spec);
  const InputSignal signal = make_spec_signal(spec, spec.simulation.steps);
  RunOptions opt = options;
  if (!opt.hardware) opt.hardware = spec.hardware;
  return run_network(net, signal, spec.simulation.steps, opt);
}

nlohmann::json counts_to_json(const EventCounts& counts) {
  nlohmann::json j = nlohmann::json::object();
  for_each_count(counts, [&j](std::string_view name, uint64_t value) { j[std::string(name)] = value; });
  return j;
}

nlohmann::json run_summary(const NetworkSpec& spec, const Network& net, const RunResult& r) {
  nlohmann::json j;
  j["format"] = "hrsnn-run/1";
  j["spec"] = spec.source;
  j["arith"] = to_string(r.arith);
  j["seed"] = net.seed;
  j["steps"] = r.steps;
  j["dt_ms"] = net.dt_ms;
  j["simulated_s"] = static_cast<double>(r.steps) * net.dt_ms * 1e-3;
  j["neurons"] = net.size();
  j["synapses"] = net.synapse_count();
  j["plastic_synapses"] = net.plastic_synapse_count();
  j["input_samples"] = r.input_samples;
  j["input_spikes"] = r.input_spikes;
  j["counts"] = counts_to_json(r.counts.total);
  j["wall_time_s"] = r.wall_time_s;
  j["threads"] = r.threads;
  j["synaptic_events_per_s"] =
      r.wall_time_s > 0 ? static_cast<double>(r.counts.total.synaptic_events) / r.wall_time_s : 0.0;
  j["bytes_per_synapse"] = r.bytes_per_synapse;
  j["bytes_per_neuron"] = r.bytes_per_neuron;
  if (r.arith == Arith::Fixed) j["quantization"] = r.quantization;
  j["raster_hash"] = fmt::format("{:016x}", r.raster.hash());
  nlohmann::json pops = nlohmann::json::array();
  const double seconds = static_cast<double>(r.steps) * net.dt_ms * 1e-3;
  for (size_t p = 0; p < net.populations.size(); ++p) {
    const auto& pop = net.populations[p];
    const EventCounts& c = r.counts.per_population.at(p);
    pops.push_back({{"name", pop.name},
                    {"first", pop.first},
                    {"size", pop.size},
                    {"spikes", c.spikes},
                    {"rate_hz", seconds > 0 ? static_cast<double>(c.spikes) / pop.size / seconds : 0.0},
                    {"spikes_per_neuron_per_step",
                     r.steps ? static_cast<double>(c.spikes) / pop.size / static_cast<double>(r.steps) : 0.0},
                    {"counts", counts_to_json(c)}});
  }
  j["populations"] = pops;
  return j;
}

}  // namespace hrsnn
