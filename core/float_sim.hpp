// The floating-point reference (double or float): the model of docs/model.md in real numbers. It is the
// chip's discrete-time system, not an ODE solver, so every difference from the fixed core is
// precision, never discretization.
#pragma once

#include "core/counters.hpp"
#include "core/foundation/recording.hpp"
#include "core/foundation/step_team.hpp"
#include "core/input.hpp"
#include "core/network.hpp"
#include "core/partition.hpp"

#include <cstdint>
#include <vector>

namespace hrsnn {

template <typename Real>
class FloatSimulator {
 public:
  FloatSimulator(const Network& net, const InputSignal* signal, SimOptions options = {});

  // One step of the model (docs/model.md), in this order (written once, here):
  //   1. a = spikes due now (scheduled at emission into the delay ring) + external input;
  //   2. neurons: u, then v, then refractory hold, then the strict threshold and reset;
  //   3. traces: decay, then this step's impulses (so a trace read at a spike includes it);
  //   4. plasticity: each synapse touched by a pre or post spike gets one update
  //      dw = eta_plus * x_pre * s_post - eta_minus * y_post * s_pre, then the clip;
  //   5. emission: each spike adds its synapses' weights (after step 4) to the ring slot
  //      t + delay (4 and 5 share one pass over each spiking row);
  //   6. monitors and counters; 7. t += 1.
  //
  // With SimOptions::threads = T > 1, T threads run each step (core/partition.hpp: each owns a
  // neuron range and its incoming synapses); every result is bit-identical to T = 1.
  void step();
  void run(uint64_t steps);

  // Learning on (the default) or frozen. Frozen, a plastic projection is static: its weights
  // stay as they are, spikes deliver them, and neither the weights nor the STDP traces are
  // updated (so no trace, plastic-update or weight-write events are counted, and the fixed
  // core draws nothing from its trace and synapse streams). Measurements of a trained network
  // freeze it, so the readout is fitted and tested on one network.
  void set_plasticity(bool on) { plasticity_on_ = on; }
  bool plasticity() const { return plasticity_on_; }

  // External input added to a in the next step() call only (probes, tests, tasks), then cleared.
  std::vector<Real>& external_input() { return external_; }

  uint64_t time() const { return t_; }
  const std::vector<uint32_t>& spikes_this_step() const { return spiked_; }
  const std::vector<Real>& u() const { return u_; }
  const std::vector<Real>& v() const { return v_; }
  const std::vector<Real>& x() const { return x_; }
  const std::vector<Real>& y() const { return y_; }
  const std::vector<int32_t>& refractory() const { return refr_; }
  // Current weights of a projection (plastic ones change), in CSR order.
  std::vector<Real> weights(size_t projection) const;
  const RunCounts& counts() const { return counts_; }
  const Raster& raster() const { return recorder_.raster(); }
  const ProbeTrace& probes() const { return recorder_.probes(); }
  const Network& network() const { return net_; }
  uint64_t input_spikes() const { return encoder_.input_spikes(); }
  // Bytes of synapse-indexed simulation state per synapse (weights, indices, plasticity
  // arrays); per-neuron arrays (row and column offsets) are counted in neuron_bytes().
  double synapse_bytes() const;
  double neuron_bytes() const;

 private:
  using Member = StepMember;  // core/partition.hpp

  // The phases of step(), in its order, each for member k's neurons (core/partition.hpp).
  void step_member(unsigned k, Real* a, bool drive);
  void gather_input(unsigned k, Real* a, bool drive, Member& m);
  void update_neurons(unsigned k, Real* a, Member& m);
  void update_traces(unsigned k, Member& m);
  void plasticity_and_emission(unsigned k, Member& m);

  struct Proj {
    uint32_t delay = 1;
    uint32_t pre_first = 0, post_first = 0;
    bool plastic = false;
    const Projection* src = nullptr;
    // Synapse-indexed arrays are in the stored order (core/partition.hpp: CSR order with one
    // thread, member-major with more); `post` and `col_syn` point at the network's arrays with
    // one thread and at the reordered copies with more.
    std::vector<Real> w;
    std::vector<Real> eta_plus, eta_minus;
    std::vector<Real> eta_plus_col;  // eta_plus in column order: the post-spike walk reads it sequentially
    std::vector<uint32_t> post_stored, col_syn_stored;
    const uint32_t* post = nullptr;     // post neuron of each stored synapse
    const uint32_t* col_syn = nullptr;  // column c's synapse, as a stored position
    Real w_min = 0, w_max = 0;
  };

  const Network& net_;
  SimOptions opt_;
  InputEncoder encoder_;
  uint64_t t_ = 0;
  uint32_t n_ = 0;
  uint32_t ring_slots_ = 2;

  std::vector<Real> u_, v_, keep_u_, keep_v_, vth_, vreset_, bias_;
  std::vector<int32_t> refr_;
  std::vector<int32_t> tref_;
  std::vector<Real> x_, y_, keep_x_, keep_y_;
  std::vector<uint32_t> traced_;  // neurons with an x or y trace
  std::vector<Real> ring_;        // ring_slots_ x n_
  std::vector<Real> external_;
  std::vector<Proj> proj_;
  std::vector<std::vector<uint32_t>> out_proj_;  // per population: outgoing projection ids
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

extern template class FloatSimulator<double>;
extern template class FloatSimulator<float>;

}  // namespace hrsnn
