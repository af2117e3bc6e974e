// Lockstep of the Verilated neuron core (RtlCore) with the fixed-point core (FixedSimulator) from
// the same register image and input: after every step, every observable is compared exactly, in
// this order: the step's spikes, then per neuron u, v, ref_count, x, y, then every weight, then the
// three PRNG states, then the event counters. The first difference stops the run and is reported
// with its coordinates (step, neuron or synapse, field, expected, actual).
#pragma once

#include "core/counters.hpp"
#include "core/fixed/fixed_sim.hpp"
#include "hw_model/verilated/rtl_core.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace hrsnn::rtl {

struct Divergence {
  uint64_t step = 0;     // the step after which the two cores differ (0-based)
  std::string where;     // "neuron 17 (E)", "projection EE synapse 42 (3 -> 17)", "core"
  std::string field;     // "v", "spike", "weight", "prng_trace", "synaptic_events", ...
  int64_t expected = 0;  // FixedSimulator
  int64_t actual = 0;    // RTL
  std::string describe() const;
};

// Compares the state of the two cores after the same number of steps; nullopt when identical.
std::optional<Divergence> compare_cores(const Network& net, const fixed::FixedSimulator& ref, const RtlCore& rtl);

struct LockstepOptions {
  std::string vcd_path;  // waveform of the RTL core, when not empty
  // Applied to the freshly loaded RTL core before step 0 (tests inject faults here).
  std::function<void(RtlCore&)> prepare;
  // Called after every step found identical (e.g. to record probes of the RTL core).
  std::function<void(const fixed::FixedSimulator&, const RtlCore&)> on_step;
  // Called once after the last step compared (e.g. to summarise the final state).
  std::function<void(const fixed::FixedSimulator&, const RtlCore&)> finish;
  // Called every `progress_every` steps with (done, total).
  std::function<void(uint64_t, uint64_t)> progress;
  uint64_t progress_every = 1000;
};

struct LockstepResult {
  std::string profile;
  uint64_t steps = 0;        // steps run and found identical
  EventCounts counts;        // the RTL core's counters (equal to the fixed core's while identical)
  uint64_t cycles = 0;       // RTL clock cycles of the steps (loading excluded)
  double rtl_seconds = 0;    // wall time in RtlCore::step
  double fixed_seconds = 0;  // wall time in FixedSimulator::step
  std::optional<Divergence> divergence;
};

// Runs both cores for `steps` steps from `image` and `signal`, comparing after every step.
LockstepResult run_lockstep(const Network& net, const fixed::RegisterImage& image, const InputSignal* signal,
                            uint64_t steps, const LockstepOptions& options = {});

// "identical for N steps: S spikes, W weight updates, E events" or the first divergence.
std::string describe(const LockstepResult& result);

}  // namespace hrsnn::rtl
