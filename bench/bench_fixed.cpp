// Fixed-point core throughput beside the float reference on the same networks: synaptic
// events/s, bytes per synapse (packed 4-byte synapse words for static projections).
#include "bench/bench_specs.hpp"
#include "core/fixed/fixed_sim.hpp"
#include "core/fixed/quantize.hpp"
#include "core/input.hpp"
#include "core/network.hpp"
#include "core/spec.hpp"

#include <benchmark/benchmark.h>
#include <fmt/core.h>

#include <map>
#include <memory>
#include <string>

using namespace hrsnn;

namespace {

struct FixedCase {
  NetworkSpec spec;
  Network net;
  InputSignal signal;
  fixed::RegisterImage image;
};

const FixedCase& fixed_case(const std::string& key, const std::function<NetworkSpec()>& make) {
  static std::map<std::string, std::unique_ptr<FixedCase>> cache;
  auto& slot = cache[key];
  if (!slot) {
    auto c = std::make_unique<FixedCase>();
    c->spec = make();
    c->net = build_network(c->spec);
    c->signal = make_spec_signal(c->spec, 2'000'000);
    c->image = fixed::quantize(c->net, c->spec.hardware);
    slot = std::move(c);
  }
  return *slot;
}

// `threads`: SimOptions::threads; `counter`: the image with the counter PRNG form.
void run_fixed_bench(benchmark::State& state, const FixedCase& c, uint64_t warmup, uint32_t threads, bool counter) {
  SimOptions options;
  options.record_spikes = false;
  options.threads = threads;
  fixed::RegisterImage image = c.image;
  if (counter) image.format.prng = fixed::PrngForm::counter;
  fixed::FixedSimulator sim(c.net, image, &c.signal, options);
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
  state.counters["threads"] = threads;
  state.counters["counter_prng"] = counter ? 1 : 0;
}

// The example networks on the fixed core (compare BM_ExampleNetwork in bench_float.cpp).
void BM_ExampleNetworkFixed(benchmark::State& state) {
  const std::string which = state.range(0) == 0 ? "mrsnn" : "hrsnn";
  const FixedCase& c = fixed_case(
      "example/" + which, [&] { return load_spec(std::string(HRSNN_SOURCE_DIR) + "/examples/" + which + ".toml"); });
  state.SetLabel(which + (state.range(2) ? " counter" : " serial"));
  run_fixed_bench(state, c, 500, static_cast<uint32_t>(state.range(1)), state.range(2) != 0);
}
// Steps 500-10,500, the window of BM_ExampleNetwork. Arguments: example (0 MRSNN, 1 HRSNN),
// threads, PRNG form (0 serial, 1 counter).
BENCHMARK(BM_ExampleNetworkFixed)
    ->ArgsProduct({{0, 1}, {1, 2}, {0, 1}})
    ->Iterations(10000)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// 10,000 neurons x 10^7 static synapses, bias-driven (the network of BM_PropagationStatic).
void BM_PropagationStaticFixed(benchmark::State& state) {
  const FixedCase& c =
      fixed_case("static10k", [] { return parse_spec(bench::driven_spec(10000, 0.1, false, 0.06), "bench"); });
  run_fixed_bench(state, c, 200, static_cast<uint32_t>(state.range(0)), state.range(1) != 0);
}
// Arguments: threads, PRNG form (0 serial, 1 counter).
BENCHMARK(BM_PropagationStaticFixed)->Args({1, 0})->Args({2, 0})->UseRealTime()->Unit(benchmark::kMillisecond);

// The same network with STDP on every synapse (the network of BM_PropagationStdp): 10^7 plastic
// weights, far beyond the caches, so the post-spike walk's random weight accesses miss.
void BM_PropagationStdpFixed(benchmark::State& state) {
  const FixedCase& c =
      fixed_case("stdp10k", [] { return parse_spec(bench::driven_spec(10000, 0.1, true, 0.06), "bench"); });
  run_fixed_bench(state, c, 200, static_cast<uint32_t>(state.range(0)), state.range(1) != 0);
}
BENCHMARK(BM_PropagationStdpFixed)->ArgsProduct({{1, 2}, {0, 1}})->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
