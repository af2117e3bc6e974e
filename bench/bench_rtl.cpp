// The Verilated neuron core (hw_model/rtl/neuron_core.v, through hw_model/verilated/rtl_core.hpp)
// beside FixedSimulator on the same network and input: network steps/s of each, and the RTL's clock
// cycles per step and Verilator cycles/s. Both run the same 2,000 steps from step 0 (STDP changes
// the activity as a run goes on, so equal segments make the two figures comparable); the RTL's
// loading through its load port is outside the timed loop.
#ifdef HRSNN_HAVE_RTL

#include "core/fixed/fixed_sim.hpp"
#include "core/fixed/quantize.hpp"
#include "core/input.hpp"
#include "core/network.hpp"
#include "core/spec.hpp"
#include "hw_model/verilated/rtl_core.hpp"

#include <benchmark/benchmark.h>

#include <array>
#include <map>
#include <memory>
#include <string>

using namespace hrsnn;

namespace {

constexpr uint64_t kSteps = 2000;

struct RtlCase {
  std::string name;
  NetworkSpec spec;
  Network net;
  fixed::RegisterImage image;
  InputSignal signal;
};

// 0: examples/hrsnn_small.toml (loihi), 1: examples/mrsnn_small.toml (loihi),
// 2: rtl_tests/lockstep_narrow.toml (the small HRSNN on the narrow profile).
const RtlCase& rtl_case(int64_t which) {
  static std::map<int64_t, std::unique_ptr<RtlCase>> cache;
  auto& slot = cache[which];
  if (!slot) {
    static const std::array<const char*, 3> files = {"examples/hrsnn_small.toml", "examples/mrsnn_small.toml",
                                                     "rtl_tests/lockstep_narrow.toml"};
    auto c = std::make_unique<RtlCase>();
    c->name = files[static_cast<size_t>(which)];
    c->spec = load_spec(std::string(HRSNN_SOURCE_DIR) + "/" + c->name);
    c->net = build_network(c->spec);
    c->image = fixed::quantize(c->net, c->spec.hardware);
    c->signal = make_spec_signal(c->spec, kSteps);
    slot = std::move(c);
  }
  return *slot;
}

void report(benchmark::State& state, const RtlCase& c, uint64_t events) {
  const auto steps = static_cast<double>(state.iterations());
  state.counters["steps_per_s"] = benchmark::Counter(steps, benchmark::Counter::kIsRate);
  state.counters["syn_events_per_s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.SetLabel(c.name + " (" + c.spec.hardware.profile + ")");
}

void BM_RtlCoreStep(benchmark::State& state) {
  const RtlCase& c = rtl_case(state.range(0));
  rtl::RtlCore core(c.net, c.image, &c.signal);
  for (auto _ : state) core.step();
  const auto cycles = static_cast<double>(core.step_cycles());
  state.counters["cycles_per_s"] = benchmark::Counter(cycles, benchmark::Counter::kIsRate);
  state.counters["cycles_per_step"] = cycles / static_cast<double>(state.iterations());
  report(state, c, core.counts().synaptic_events);
}
BENCHMARK(BM_RtlCoreStep)->Arg(0)->Arg(1)->Arg(2)->Iterations(kSteps)->Unit(benchmark::kMicrosecond);

void BM_FixedCoreStep(benchmark::State& state) {
  const RtlCase& c = rtl_case(state.range(0));
  SimOptions sim;
  sim.record_spikes = false;
  fixed::FixedSimulator core(c.net, c.image, &c.signal, sim);
  for (auto _ : state) core.step();
  report(state, c, core.counts().total.synaptic_events);
}
BENCHMARK(BM_FixedCoreStep)->Arg(0)->Arg(1)->Arg(2)->Iterations(kSteps)->Unit(benchmark::kMicrosecond);

}  // namespace

#endif  // HRSNN_HAVE_RTL
