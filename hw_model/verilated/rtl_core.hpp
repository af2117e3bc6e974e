// Driver of the Verilated neuron core (hw_model/rtl/neuron_core.v): loads a register image and a
// network topology through the core's load port, feeds the external input a step at a time,
// ticks the clock, and exposes the same observables as hrsnn::fixed::FixedSimulator (spikes, u,
// v, refractory counts, traces, weights, event counts, PRNG states), so that rtl_tests/ and
// `hrsnn verify` can compare the two at every step.
//
// The core is Verilated once per register profile (hw_model/verilated/CMakeLists.txt,
// HRSNN_RTL_CORE_PROFILES); RtlCore picks the model whose profile has exactly the image's
// HardwareFormat and refuses any other format, naming the fields that differ.
#pragma once

#include "core/counters.hpp"
#include "core/fixed/datapath.hpp"
#include "core/fixed/quantize.hpp"
#include "core/input.hpp"
#include "core/network.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace hrsnn::rtl {

// Memory sizes the core was Verilated with (HRSNN_RTL_CORE_* in
// hw_model/verilated/verilator.cmake).
struct CoreCapacity {
  uint32_t neurons = 0;          // neuron memories
  uint64_t synapses = 0;         // synapse memories (all projections) and transposed entries
  uint32_t projections = 0;      // projection registers and dendrite banks
  uint32_t ring_slots = 0;       // delay ring: every delay must be below this
  uint64_t pointer_entries = 0;  // row / column pointer tables: sum over projections of size + 1
};
CoreCapacity core_capacity();

// The profiles a core was Verilated for ("loihi", "narrow").
std::vector<std::string> core_profiles();

// The Verilated profile whose format is exactly `format`, or "" when there is none.
std::string core_profile_for(const fixed::HardwareFormat& format);

// Every reason the network and image cannot run on the core (one sentence each: format
// mismatch naming the fields, sizes beyond the capacity, delays beyond the ring); empty if it fits.
std::vector<std::string> core_fit_problems(const Network& net, const fixed::RegisterImage& image);

// The core's load-port selectors: neuron_core.v's SEL_* codes.
enum class LoadSel : uint8_t {
  du = 0,
  dv = 1,
  vth = 2,
  bias_mant = 3,
  bias_exp = 4,
  t_ref = 5,
  u = 6,
  v = 7,
  ref_count = 8,
  x = 9,
  y = 10,
  dx = 11,
  dy = 12,
  has_trace = 13,
  ext = 14,
  syn_post = 15,
  syn_w = 16,
  syn_lr = 17,
  row_ptr = 18,
  col_ptr = 19,
  col_syn = 20,
  col_pre = 21,
  dendrite = 22,
  projection = 23,
  global = 24,
};

class RtlCore {
 public:
  // Throws std::invalid_argument listing core_fit_problems() when the network does not fit.
  // `net` and `signal` must outlive the core (as for FixedSimulator).
  RtlCore(const Network& net, const fixed::RegisterImage& image, const InputSignal* signal);
  ~RtlCore();
  RtlCore(const RtlCore&) = delete;
  RtlCore& operator=(const RtlCore&) = delete;

  // One network step: the step's external input into the core's input buffer, then start and
  // clock until the controller is idle again. Throws std::runtime_error if an input value
  // does not fit the input buffer's 32-bit word.
  void step();
  void run(uint64_t steps);

  // Integer dendritic input added in the next step() only (as FixedSimulator::external_input).
  std::vector<int32_t>& external_input() { return external_; }

  // Waveform of every clock cycle from now on (Verilator VCD trace).
  void open_vcd(const std::string& path);
  void close_vcd();

  // One word through the load port between steps (the tests inject faults with it).
  void load(LoadSel sel, uint32_t addr, uint64_t data);

  const std::string& profile() const { return profile_; }
  uint64_t time() const { return t_; }
  uint64_t cycles() const;                               // clock cycles since construction (loading included)
  uint64_t step_cycles() const { return step_cycles_; }  // clock cycles of steps only
  const std::vector<uint32_t>& spikes_this_step() const { return spiked_; }
  fixed::LifState lif_state(uint32_t neuron) const;
  uint32_t x(uint32_t neuron) const;
  uint32_t y(uint32_t neuron) const;
  int32_t weight(size_t projection, uint64_t synapse) const;
  EventCounts counts() const;
  uint32_t soma_prng() const;
  uint32_t trace_prng() const;
  uint32_t synapse_prng() const;
  // Global synapse address of a projection's synapse in the core's synapse memory.
  uint64_t synapse_address(size_t projection, uint64_t synapse) const { return syn_base_[projection] + synapse; }

  class Model;  // the Verilated model of one profile, behind a profile-independent interface

 private:
  void load_network();
  void load_input();

  const Network& net_;
  const fixed::RegisterImage& img_;
  const fixed::HardwareFormat fmt_;
  std::string profile_;
  std::unique_ptr<Model> model_;
  InputEncoder encoder_;
  uint64_t t_ = 0;
  uint64_t step_cycles_ = 0;
  std::vector<uint64_t> syn_base_;  // per projection: global address of its synapse 0
  std::vector<int32_t> external_;
  std::vector<double> drive_;
  std::vector<int64_t> input_sum_;      // per neuron: this step's input (a units after the exponent)
  std::vector<uint32_t> input_events_;  // per neuron: this step's input events
  std::vector<uint32_t> spiked_;
};

}  // namespace hrsnn::rtl
