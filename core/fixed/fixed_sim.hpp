// The bit-accurate fixed-point core at network level: the step order of FloatSimulator, with
// every operation one of the datapath functions of core/fixed/datapath.hpp (the RTL's twins),
// on the register image from quantize(). docs/arithmetic.md §5-6 is its specification: the
// order of operations and of random draws written there is the order below.
#pragma once

#include "core/counters.hpp"
#include "core/fixed/datapath.hpp"
#include "core/fixed/prng.hpp"
#include "core/fixed/quantize.hpp"
#include "core/foundation/recording.hpp"
#include "core/foundation/step_team.hpp"
#include "core/input.hpp"
#include "core/network.hpp"
#include "core/partition.hpp"

#include <cstdint>
#include <vector>

namespace hrsnn::fixed {

// The draws of one phase under rounding mode R: with the serial form (Counter false) `state` is
// the stream's xorshift state, advanced per draw; with the counter form it is the step's key
// and a draw is prng_counter_draw(key, index). Other modes than stochastic draw nothing (0).
template <Rounding R, bool Counter>
struct Draws {
  uint32_t state;
  uint32_t next(uint32_t index) {
    if constexpr (R != Rounding::stochastic) {
      (void)index;
      return 0;
    } else if constexpr (Counter) {
      return prng_counter_draw(state, index);
    } else {
      (void)index;
      state = prng_next(state);
      return state;
    }
  }
  // The draw of an update that may be skipped: the serial stream advances only if `take` is 1
  // (no branch: a mask selects the state); a counter draw has no state to keep.
  uint32_t next_if(uint32_t index, uint32_t take) {
    if constexpr (R == Rounding::stochastic && !Counter) {
      (void)index;
      const uint32_t next = prng_next(state);
      const uint32_t keep = take - 1u;  // all ones when not taken
      state = (state & keep) | (next & ~keep);
      return next;
    } else {
      (void)take;
      return this->next(index);
    }
  }
};

class FixedSimulator {
 public:
  // `net` gives the topology (CSR, transposed index, populations, input wiring); every value
  // simulated comes from `image`.
  FixedSimulator(const Network& net, const RegisterImage& image, const InputSignal* signal, SimOptions options = {});

  // One step, in the float reference's order:
  //   1. a = narrow(sum over projections of apply_weight_exp(dendritic sum), + input port
  //      + external_input, a_bits), the ring slots cleared;
  //   2. lif_update per neuron, ascending (soma stream: one draw per neuron when the decay
  //      rounding is stochastic);
  //   3. trace_update per active trace (non-zero or spiking), neurons ascending, x before y
  //      (trace stream: one draw per active trace update when trace rounding is stochastic);
  //   4. plasticity, post-spike columns first (projections in order, spiking post neurons
  //      ascending, column order; synapses whose pre neuron also spiked are left to their
  //      row), then each spiking neuron's rows (ascending neurons, projections in order, row
  //      order) with weight_update then emission of the new weight (synapse stream: one draw
  //      per weight_update when weight rounding is stochastic);
  //   5. static rows: emission; 6. monitors and counters; 7. t += 1.
  // With the counter PRNG form (HardwareFormat::prng) a draw is named by (stream, step, index)
  // instead of its place in these orders. With SimOptions::threads = T > 1, T threads share each
  // step (core/partition.hpp); a phase that draws from a serial stream runs on one of them.
  // Every result is bit-identical for every T.
  void step();
  void run(uint64_t steps);

  // Learning on (the default) or frozen. Frozen, a plastic projection is static: its weights
  // stay as they are, spikes deliver them, and neither the weights nor the STDP traces are
  // updated (so no trace, plastic-update or weight-write events are counted, and the fixed
  // core draws nothing from its trace and synapse streams). Measurements of a trained network
  // freeze it, so the readout is fitted and tested on one network.
  void set_plasticity(bool on) { plasticity_on_ = on; }
  bool plasticity() const { return plasticity_on_; }

  // Integer dendritic input a added in the next step() only (register-level probes).
  std::vector<int32_t>& external_input() { return external_; }

  uint64_t time() const { return t_; }
  const std::vector<uint32_t>& spikes_this_step() const { return spiked_; }
  const std::vector<LifState>& lif_state() const { return lif_; }
  const std::vector<uint32_t>& x() const { return x_; }
  const std::vector<uint32_t>& y() const { return y_; }
  int32_t weight(size_t projection, uint64_t synapse) const;
  std::vector<int32_t> weights(size_t projection) const;
  const RunCounts& counts() const { return counts_; }
  const Raster& raster() const { return recorder_.raster(); }
  // Probes in register units (u, v as integers stored in doubles).
  const ProbeTrace& probes() const { return recorder_.probes(); }
  uint64_t input_spikes() const { return encoder_.input_spikes(); }
  const RegisterImage& image() const { return img_; }
  // Bytes of synapse-indexed state per synapse (packed index + weight words, learning rates,
  // transposed index) and of per-neuron state per neuron.
  double synapse_bytes() const;
  double neuron_bytes() const;
  // State of the three PRNG streams (for lockstep comparison with the RTL).
  uint32_t soma_prng() const { return soma_.state(); }
  uint32_t trace_prng() const { return trace_.state(); }
  uint32_t synapse_prng() const { return synapse_.state(); }

 private:
  struct Proj {
    const Projection* src = nullptr;
    ProjectionParams params;
    uint32_t delay = 1;
    int weight_field_bits = 9;  // low bits of a word hold the signed weight mantissa
    bool plastic = false;
    // Static only: per synapse (post_local << weight_field_bits) | weight bits, and the row
    // emission compiled for this weight_field_bits (static_row_emitter in fixed_sim.cpp).
    std::vector<uint32_t> word;
    void (*emit_static_row)(const uint32_t* word, uint64_t begin, uint64_t end, int32_t* acc) = nullptr;
    // Plastic only, in synapse (row) order: post index, weight mantissa (weight_bits <= 15),
    // learning-rate mantissas (lr_mant_bits <= 16); eta_plus again in column order, read
    // sequentially by the post-spike walk; weight_update's constants.
    // Synapse-indexed arrays are in the stored order (core/partition.hpp: CSR order with one
    // thread, member-major with more); col_syn maps a column entry to its stored position.
    std::vector<uint32_t> post_local;
    std::vector<int16_t> w;
    std::vector<uint16_t> eta_plus, eta_minus, eta_plus_col;
    std::vector<uint32_t> col_syn_stored;  // with more than one thread
    const uint32_t* col_syn = nullptr;
    WeightUpdateConsts consts;
    std::vector<int32_t> dendrite;  // ring: slots x post_size, fmt.dendrite_acc_bits wrap
  };

  using Member = StepMember;  // core/partition.hpp
  int32_t unpack_weight(const Proj& p, uint32_t word) const;
  void step_member(unsigned k, bool drive);
  // Step 1 for neurons [lo, hi).
  void gather_input(uint32_t lo, uint32_t hi, bool drive, Member& m);
  // Step 2 with the decay rounding mode and the PRNG form fixed at compile time.
  template <Rounding R, bool Counter>
  void update_neurons(uint32_t lo, uint32_t hi, Member& m);
  // Step 3 with the trace rounding mode and the PRNG form fixed at compile time.
  template <Rounding R, bool Counter>
  void update_traces(size_t qlo, size_t qhi, Member& m);
  // Steps 4-5 with the weight rounding mode and the PRNG form fixed, and their synapse walks.
  template <Rounding R, bool Counter>
  void plasticity_and_emission(unsigned k, bool plastic_whole, Member& m);
  template <Rounding R, bool Counter, bool SingleSign>
  uint64_t column_walk(Proj& pr, uint32_t lo, uint32_t hi, Draws<R, Counter>& draws);
  template <Rounding R, bool Counter, bool SingleSign>
  void row_walk(Proj& pr, uint32_t j, uint64_t begin, uint64_t end, uint64_t shift, int32_t* acc,
                Draws<R, Counter>& draws);

  const Network& net_;
  const RegisterImage& img_;
  const HardwareFormat& fmt_;
  SimOptions opt_;
  InputEncoder encoder_;
  uint64_t t_ = 0;
  uint32_t n_ = 0;
  uint32_t ring_slots_ = 2;
  Prng soma_, trace_, synapse_;

  std::vector<LifState> lif_;
  std::vector<LifPrepared> lif_prep_;  // lif_prepare() of every neuron's registers
  std::vector<uint32_t> x_, y_;
  std::vector<int64_t> x_factor_, y_factor_;  // trace_decay_factor() of every traced neuron
  std::vector<uint32_t> traced_;
  std::vector<int32_t> external_;
  std::vector<int64_t> input_sum_;  // scratch: input port sums per neuron
  std::vector<Proj> proj_;
  std::vector<std::vector<uint32_t>> out_proj_;
  std::vector<uint32_t> spiked_;
  std::vector<uint8_t> is_spiking_;
  std::vector<double> drive_;

  RunCounts counts_;
  Recorder recorder_{opt_};
  bool plasticity_on_ = true;

  NeuronPartition part_;
  std::vector<size_t> traced_bound_;  // member k's traced neurons: traced_[traced_bound_[k] ..)
  std::vector<Member> members_;
  StepTeam team_;
};

}  // namespace hrsnn::fixed
