// Lockstep test: the Verilated neuron core against FixedSimulator on one network spec, every
// observable compared at every step (hw_model/verilated/lockstep.hpp). Prints
// "identical for N steps: ..." or the first divergence with its coordinates, and the cost of the
// RTL simulation (cycles per step, Verilator cycles/s).
//
// Usage: rtl_core_lockstep --spec FILE [--steps N] [--profile P] [--fault weight|prng_trace|dx]
// --profile replaces the spec's register format by the named profile's (as hrsnn verify --profile).
// --fault loads the RTL core with one register changed (never the C++ core): a self-test that the
// comparison reports a divergence.
#include "core/fixed/prng.hpp"
#include "core/network.hpp"
#include "core/spec.hpp"
#include "hw_model/verilated/lockstep.hpp"

#include <fmt/core.h>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>

namespace {

using namespace hrsnn;

void inject_fault(rtl::RtlCore& core, const Network& net, const fixed::RegisterImage& image, const std::string& fault) {
  if (fault == "weight") {
    for (size_t p = 0; p < net.projections.size(); ++p) {
      if (net.projections[p].synapse_count() == 0) continue;
      const int32_t w = image.projections[p].w[0];
      const int64_t changed =
          w == 0 ? (image.projections[p].params.sign_mode == fixed::SignMode::inhibitory ? -2 : 2) : 0;
      core.load(rtl::LoadSel::syn_w, static_cast<uint32_t>(core.synapse_address(p, 0)),
                static_cast<uint64_t>(changed) & static_cast<uint64_t>(fixed::low_mask(image.format.weight_bits + 1)));
      fmt::print("fault: projection {} synapse 0 weight {} -> {}\n", net.projections[p].name, w, changed);
      return;
    }
  } else if (fault == "prng_trace") {
    const uint32_t seed = fixed::prng_seed(net.seed, fixed::PrngStream::trace);
    core.load(rtl::LoadSel::global, 7, seed ^ 1u);
    fmt::print("fault: trace PRNG seed {:#010x} -> {:#010x}\n", seed, seed ^ 1u);
    return;
  } else if (fault == "dx") {
    for (uint32_t i = 0; i < net.size(); ++i) {
      if (!image.has_x[i]) continue;
      core.load(rtl::LoadSel::dx, i, image.dx[i] ^ 1u);
      fmt::print("fault: neuron {} dx {} -> {}\n", i, image.dx[i], image.dx[i] ^ 1u);
      return;
    }
  }
  throw std::invalid_argument("--fault: unknown fault or nothing to change: " + fault);
}

int run(int argc, char** argv) {
  std::string spec_path, fault, profile;
  uint64_t steps = 10000;
  for (int k = 1; k < argc; ++k) {
    const std::string arg = argv[k];
    const bool has_value = k + 1 < argc;
    if (arg == "--spec" && has_value) {
      spec_path = argv[++k];
    } else if (arg == "--steps" && has_value) {
      steps = std::strtoull(argv[++k], nullptr, 10);
    } else if (arg == "--profile" && has_value) {
      profile = argv[++k];
    } else if (arg == "--fault" && has_value) {
      fault = argv[++k];
    } else {
      fmt::print(stderr,
                 "usage: rtl_core_lockstep --spec FILE [--steps N] [--profile P] [--fault weight|prng_trace|dx]\n");
      return 2;
    }
  }
  if (spec_path.empty() || steps == 0) {
    fmt::print(stderr, "rtl_core_lockstep: --spec FILE and --steps N > 0 are required\n");
    return 2;
  }
  NetworkSpec spec = load_spec(spec_path);
  if (!profile.empty()) {
    const fixed::HardwareProfile* p = fixed::find_hardware_profile(profile);
    if (p == nullptr) throw std::invalid_argument("--profile: unknown hardware profile " + profile);
    spec.hardware.profile = profile;
    spec.hardware.format = p->format;
  }
  const Network net = build_network(spec);
  const fixed::RegisterImage image = fixed::quantize(net, spec.hardware);
  const InputSignal signal = make_spec_signal(spec, steps);
  fmt::print("{}: {} neurons, {} synapses ({} plastic), profile {}, {} steps\n", spec_path, net.size(),
             net.synapse_count(), net.plastic_synapse_count(), spec.hardware.profile, steps);

  rtl::LockstepOptions options;
  if (!fault.empty()) options.prepare = [&](rtl::RtlCore& core) { inject_fault(core, net, image, fault); };
  options.progress_every = 2000;
  options.progress = [](uint64_t done, uint64_t total) { fmt::print(stderr, "  {} / {} steps\n", done, total); };
  // The weight range each projection explored (the sign modes exercised).
  options.finish = [&](const fixed::FixedSimulator&, const rtl::RtlCore& core) {
    for (size_t p = 0; p < net.projections.size(); ++p) {
      int32_t lo = 0, hi = 0;
      for (uint64_t s = 0; s < net.projections[p].synapse_count(); ++s) {
        const int32_t w = core.weight(p, s);
        lo = s == 0 || w < lo ? w : lo;
        hi = s == 0 || w > hi ? w : hi;
      }
      fmt::print("  projection {}: {}{}, weight_exp {}, final weights [{}, {}]\n", net.projections[p].name,
                 fixed::to_string(image.projections[p].params.sign_mode), net.projections[p].plastic ? " plastic" : "",
                 image.projections[p].params.weight_exp, lo, hi);
    }
  };
  const rtl::LockstepResult r = rtl::run_lockstep(net, image, &signal, steps, options);

  fmt::print("[{}] {}\n", r.profile, rtl::describe(r));
  const double steps_done = static_cast<double>(r.steps > 0 ? r.steps : 1);
  fmt::print("  RTL: {} cycles ({:.0f} per step), {:.3g} cycles/s, {:.3g} steps/s; fixed core {:.3g} steps/s\n",
             r.cycles, static_cast<double>(r.cycles) / steps_done, static_cast<double>(r.cycles) / r.rtl_seconds,
             steps_done / r.rtl_seconds, steps_done / r.fixed_seconds);
  fmt::print(
      "  counts: active {} idle {} spikes {} synaptic_events {} trace_updates {} plastic_updates {} "
      "weight_reads {} weight_writes {}\n",
      r.counts.neuron_updates_active, r.counts.neuron_updates_idle, r.counts.spikes, r.counts.synaptic_events,
      r.counts.trace_updates, r.counts.plastic_updates, r.counts.weight_reads, r.counts.weight_writes);
  return r.divergence ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    fmt::print(stderr, "rtl_core_lockstep: error: {}\n", e.what());
    return 1;
  }
}
