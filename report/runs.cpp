#include "report/runs.hpp"

#include "core/io.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <stdexcept>

namespace hrsnn::report {

namespace {

// The probed neuron: the first excitatory neuron the input drives, so its trace moves.
uint32_t default_probe(const Network& net) {
  for (uint32_t i = 0; i < net.size(); ++i)
    if (net.input.offset.size() > i + 1 && net.input.offset[i + 1] > net.input.offset[i]) return i;
  return 0;
}

}  // namespace

std::vector<ExampleRun> simulate_examples(const ExampleOptions& a, const energy::ModelLibrary& lib) {
  const uint64_t steps = a.steps;
  std::vector<ExampleRun> runs;
  for (const char* name : {"mrsnn", "hrsnn"}) {
    RunOptions base;
    base.steps = steps;
    base.seed = a.seed;
    const NetworkSpec spec = with_overrides(load_spec(a.examples_dir + "/" + name + ".toml"), base);
    auto net = std::make_shared<const Network>(build_network(spec));
    const InputSignal signal = make_spec_signal(spec, spec.simulation.steps);
    const uint32_t probe = a.probe_neuron.value_or(default_probe(*net));
    if (probe >= net->size())
      throw std::invalid_argument(
          fmt::format("--probe-neuron: neuron {} out of range ({} has {} neurons)", probe, name, net->size()));
    for (Arith arith : {Arith::Float64, Arith::Fixed}) {
      ExampleRun run;
      run.network = name;
      run.label = name == std::string("mrsnn") ? "MRSNN" : "HRSNN";
      run.arith = arith;
      run.net = net;
      run.hardware = spec.hardware;
      run.probe = probe;
      RunOptions opt = base;
      opt.arith = arith;
      opt.hardware = spec.hardware;
      opt.sim.probes = {probe};
      const std::string label = run.key();
      if (a.progress) opt.progress = [&a, &label](uint64_t d, uint64_t t) { a.progress(label, d, t); };
      opt.progress_every = std::max<uint64_t>(500, steps / 20);
      run.result = run_network(*net, signal, spec.simulation.steps, opt);
      run.summary = run_summary(spec, *net, run.result);
      const energy::Workload w{net->size(), net->synapse_count(), run.result.steps, net->dt_ms,
                               run.result.input_samples};
      run.energy = energy::estimate_energy(lib, {}, run.result.counts.total, w);
      runs.push_back(std::move(run));
    }
  }
  return runs;
}

}  // namespace hrsnn::report
