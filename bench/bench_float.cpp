// Float-reference throughput: neuron update, spike propagation (static and with STDP), and the
// whole example HRSNN step. Every benchmark reports synaptic events/s and bytes per synapse.
#include "bench/bench_specs.hpp"
#include "core/float_sim.hpp"
#include "core/input.hpp"
#include "core/network.hpp"
#include "core/spec.hpp"

#include <benchmark/benchmark.h>
#include <fmt/core.h>

#include <functional>
#include <map>
#include <memory>
#include <string>

using namespace hrsnn;
using hrsnn::bench::driven_spec;

namespace {

struct Case {
  NetworkSpec spec;
  Network net;
  InputSignal signal;
};

// Networks are built once per process (10^7 synapses take a few seconds to sample).
const Case& cached(const std::string& key, const std::function<NetworkSpec()>& make) {
  static std::map<std::string, std::unique_ptr<Case>> cache;
  auto& slot = cache[key];
  if (!slot) {
    NetworkSpec spec = make();
    Network net = build_network(spec);
    InputSignal signal = make_spec_signal(spec, 2'000'000);
    slot = std::make_unique<Case>(Case{std::move(spec), std::move(net), std::move(signal)});
  }
  return *slot;
}

const Case& driven(uint32_t n, double p, bool stdp) {
  return cached(fmt::format("driven/{}/{}/{}", n, p, stdp),
                [=] { return parse_spec(driven_spec(n, p, stdp, 0.06), "bench"); });
}

template <typename Real>
void run_network_bench(benchmark::State& state, const Case& c, uint64_t warmup, uint32_t threads) {
  SimOptions options;
  options.record_spikes = false;
  options.threads = threads;
  FloatSimulator<Real> sim(c.net, &c.signal, options);
  sim.run(warmup);
  const uint64_t events0 = sim.counts().total.synaptic_events;
  const uint64_t steps0 = sim.time();
  for (auto _ : state) sim.step();
  const double events = static_cast<double>(sim.counts().total.synaptic_events - events0);
  const double steps = static_cast<double>(sim.time() - steps0);
  state.counters["syn_events_per_s"] = benchmark::Counter(events, benchmark::Counter::kIsRate);
  state.counters["steps_per_s"] = benchmark::Counter(steps, benchmark::Counter::kIsRate);
  state.counters["events_per_step"] = events / steps;
  state.counters["bytes_per_synapse"] = sim.synapse_bytes();
  state.counters["bytes_per_neuron"] = sim.neuron_bytes();
  state.counters["synapses"] = static_cast<double>(c.net.synapse_count());
  state.counters["threads"] = threads;
}

template <typename Real>
void BM_NeuronUpdate(benchmark::State& state) {
  const auto n = static_cast<uint32_t>(state.range(0));
  const Case& c = driven(n, 0.0, false);
  SimOptions options;
  options.record_spikes = false;
  FloatSimulator<Real> sim(c.net, nullptr, options);
  for (auto _ : state) sim.step();
  state.counters["neuron_updates_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * n, benchmark::Counter::kIsRate);
}
BENCHMARK_TEMPLATE(BM_NeuronUpdate, float)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(BM_NeuronUpdate, double)->Arg(10000)->Unit(benchmark::kMicrosecond);

// 10,000 neurons x 10^7 synapses, static: the one-core propagation target (3e8 events/s, <= 8
// B/synapse). The argument is the thread count (SimOptions::threads).
template <typename Real>
void BM_PropagationStatic(benchmark::State& state) {
  run_network_bench<Real>(state, driven(10000, 0.1, false), 200, static_cast<uint32_t>(state.range(0)));
}
BENCHMARK_TEMPLATE(BM_PropagationStatic, float)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_PropagationStatic, double)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

// Same network with STDP on every synapse.
template <typename Real>
void BM_PropagationStdp(benchmark::State& state) {
  run_network_bench<Real>(state, driven(10000, 0.1, true), 200, static_cast<uint32_t>(state.range(0)));
}
BENCHMARK_TEMPLATE(BM_PropagationStdp, float)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_PropagationStdp, double)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

// The example networks (1000 LIF, p = 0.1, STDP on E->E, dt = 1 ms) with their own input:
// the figure compared with Brian2 (tools/bench_brian2.py builds the same network).
template <typename Real>
void BM_ExampleNetwork(benchmark::State& state) {
  const std::string which = state.range(0) == 0 ? "mrsnn" : "hrsnn";
  const Case& c = cached("example/" + which,
                         [&] { return load_spec(std::string(HRSNN_SOURCE_DIR) + "/examples/" + which + ".toml"); });
  state.SetLabel(which);
  run_network_bench<Real>(state, c, 500, static_cast<uint32_t>(state.range(1)));
}
// A fixed window (steps 500-10,500) so that every arithmetic simulates the same stretch of the
// run: the rate of a plastic network changes as it learns, so windows of different lengths would
// not compare (BM_ExampleNetworkFixed uses the same window).
// Arguments: example (0 MRSNN, 1 HRSNN), threads.
BENCHMARK_TEMPLATE(BM_ExampleNetwork, double)
    ->ArgsProduct({{0, 1}, {1, 2}})
    ->Iterations(10000)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(BM_ExampleNetwork, float)
    ->ArgsProduct({{0, 1}, {1}})
    ->Iterations(10000)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
