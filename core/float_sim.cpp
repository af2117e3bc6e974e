#include "core/float_sim.hpp"

#include <algorithm>

#if defined(__SSE2__)
#include <xmmintrin.h>
#endif

namespace hrsnn {

template <typename Real>
FloatSimulator<Real>::FloatSimulator(const Network& net, const InputSignal* signal, SimOptions options)
    : net_(net),
      opt_(std::move(options)),
      encoder_(net.input, signal, net.seed),
      n_(net.size()),
      part_(partition_network(net, opt_.threads)),
      team_(part_.parts()) {
  const auto n = n_;
  ring_slots_ = net.max_delay + 1;
  u_.assign(n, Real(0));
  v_.assign(n, Real(0));
  x_.assign(n, Real(0));
  y_.assign(n, Real(0));
  refr_.assign(n, 0);
  ring_.assign(static_cast<size_t>(ring_slots_) * n, Real(0));
  external_.assign(n, Real(0));
  is_spiking_.assign(n, 0);
  keep_u_.resize(n);
  keep_v_.resize(n);
  keep_x_.resize(n);
  keep_y_.resize(n);
  vth_.resize(n);
  vreset_.resize(n);
  bias_.resize(n);
  tref_.resize(n);
  for (uint32_t i = 0; i < n; ++i) {
    // Store the kept fraction (1 - d) once: the per-step multiply uses it directly.
    keep_u_[i] = static_cast<Real>(1.0 - net.du[i]);
    keep_v_[i] = static_cast<Real>(1.0 - net.dv[i]);
    keep_x_[i] = static_cast<Real>(1.0 - net.dx[i]);
    keep_y_[i] = static_cast<Real>(1.0 - net.dy[i]);
    vth_[i] = static_cast<Real>(net.v_thresh[i]);
    vreset_[i] = static_cast<Real>(net.v_reset[i]);
    bias_[i] = static_cast<Real>(net.bias[i]);
    tref_[i] = static_cast<int32_t>(net.t_ref_steps[i]);
    if (net.has_x[i] || net.has_y[i]) traced_.push_back(i);
  }
  out_proj_.assign(net.populations.size(), {});
  for (size_t p = 0; p < net.projections.size(); ++p) {
    const Projection& src = net.projections[p];
    Proj pr;
    pr.delay = src.delay_steps;
    pr.pre_first = src.pre_first;
    pr.post_first = src.post_first;
    pr.plastic = src.plastic;
    pr.src = &src;
    // Stored order (core/partition.hpp): the CSR order with one member, member-major with more.
    const bool reorder = part_.parts() > 1;
    const uint32_t* order = reorder ? part_.order[p].data() : nullptr;
    const auto stored = [&](const std::vector<double>& v, std::vector<Real>& out) {
      out.resize(v.size());
      for (size_t q = 0; q < v.size(); ++q) out[q] = static_cast<Real>(v[reorder ? order[q] : q]);
    };
    stored(src.weight, pr.w);
    pr.post = src.post.data();
    pr.col_syn = src.col_synapse.data();
    if (reorder) {
      pr.post_stored.resize(src.post.size());
      for (size_t q = 0; q < src.post.size(); ++q) pr.post_stored[q] = src.post[order[q]];
      pr.post = pr.post_stored.data();
    }
    if (src.plastic) {
      stored(src.eta_plus, pr.eta_plus);
      stored(src.eta_minus, pr.eta_minus);
      pr.eta_plus_col.resize(src.col_synapse.size());
      for (size_t c = 0; c < src.col_synapse.size(); ++c)
        pr.eta_plus_col[c] = static_cast<Real>(src.eta_plus[src.col_synapse[c]]);
      pr.col_syn_stored = part_.stored_columns(src, p);
      if (reorder) pr.col_syn = pr.col_syn_stored.data();
      pr.w_min = static_cast<Real>(src.w_min);
      pr.w_max = static_cast<Real>(src.w_max);
    }
    proj_.push_back(std::move(pr));
    out_proj_[src.pre_population].push_back(static_cast<uint32_t>(p));
  }
  counts_.per_population.assign(net.populations.size(), {});
  if (!opt_.probes.empty()) {
    for (uint32_t id : opt_.probes)
      if (id >= n) throw std::out_of_range("probe neuron id out of range");
  }
  spiked_.reserve(n);
  part_.order = {};  // only the construction reads it
  const unsigned parts = part_.parts();
  members_ = make_step_members(parts, net.populations.size(), n_);
  traced_bound_.assign(parts + 1, traced_.size());
  for (unsigned k = 0; k < parts; ++k) {
    traced_bound_[k] =
        static_cast<size_t>(std::lower_bound(traced_.begin(), traced_.end(), part_.bound[k]) - traced_.begin());
  }
}

template <typename Real>
std::vector<Real> FloatSimulator<Real>::weights(size_t projection) const {
  const Proj& pr = proj_[projection];
  if (part_.parts() == 1) return pr.w;
  std::vector<Real> w(pr.w.size());
  for (uint64_t s = 0; s < w.size(); ++s) w[s] = pr.w[part_.position(*pr.src, projection, s)];
  return w;
}

template <typename Real>
double FloatSimulator<Real>::synapse_bytes() const {
  double bytes = 0.0;
  uint64_t syn = 0;
  for (const auto& p : proj_) {
    const Projection& s = *p.src;
    syn += s.synapse_count();
    bytes += static_cast<double>((s.post.size() + p.post_stored.size() + p.col_syn_stored.size()) * sizeof(uint32_t) +
                                 p.w.size() * sizeof(Real));
    if (p.plastic)
      bytes += static_cast<double>((p.eta_plus.size() + p.eta_minus.size() + p.eta_plus_col.size()) * sizeof(Real) +
                                   s.col_synapse.size() * sizeof(uint32_t) + s.col_pre.size() * sizeof(uint32_t));
  }
  return syn ? bytes / static_cast<double>(syn) : 0.0;
}

template <typename Real>
double FloatSimulator<Real>::neuron_bytes() const {
  double bytes = 0.0;
  for (const auto& p : proj_)
    bytes += static_cast<double>((p.src->row_offset.size() + p.src->col_offset.size()) * sizeof(uint64_t));
  // State and parameters: u, v, x, y, the four kept fractions, vth, vreset, bias, the external
  // input and the delay ring (Real); refractory counter and period (int32); spike flag (byte).
  bytes +=
      static_cast<double>(n_) * (static_cast<double>((12 + ring_slots_) * sizeof(Real)) + 2.0 * sizeof(int32_t) + 1.0);
  return n_ ? bytes / n_ : 0.0;
}

namespace {
// The float32 backend flushes subnormals to zero (FTZ/DAZ), as float hardware usually does;
// without it, decaying traces and membranes drift into the subnormal range after ~2,000
// silent steps and every operation on them costs ~100 cycles. float64 stays strict IEEE.
class FlushSubnormals {
 public:
  explicit FlushSubnormals(bool on) : on_(on) {
#if defined(__SSE2__)
    if (on_) {
      saved_ = _mm_getcsr();
      _mm_setcsr(saved_ | 0x8040u);  // FTZ (bit 15) | DAZ (bit 6)
    }
#endif
  }
  ~FlushSubnormals() {
#if defined(__SSE2__)
    if (on_) _mm_setcsr(saved_);
#endif
  }
  FlushSubnormals(const FlushSubnormals&) = delete;
  FlushSubnormals& operator=(const FlushSubnormals&) = delete;

 private:
  bool on_;
  unsigned saved_ = 0;
};
}  // namespace

// 1. External input (the encoder's drive through the input wiring, and the probe input)
//    joins the spikes due now in a.
template <typename Real>
void FloatSimulator<Real>::gather_input(unsigned k, Real* a, bool drive, Member& m) {
  const uint32_t lo = part_.bound[k], hi = part_.bound[k + 1];
  if (drive) {
    const InputWiring& iw = net_.input;
    const bool spiking_input = iw.encoder != EncoderKind::Current;
    for (uint32_t i = lo; i < hi; ++i) {
      for (uint64_t e = iw.offset[i]; e < iw.offset[i + 1]; ++e) {
        const double d = drive_[iw.channel[e]];
        if (d != 0.0) {
          a[i] += static_cast<Real>(iw.weight[e] * d);
          if (spiking_input) ++m.counts.synaptic_events;
        }
      }
    }
  }
  for (uint32_t i = lo; i < hi; ++i) {
    a[i] += external_[i];
    external_[i] = Real(0);
  }
}

// 2. Neurons, population by population (for the per-population counters): u, then v, then the
//    refractory hold, then the strict threshold and reset; a is consumed (zeroed).
template <typename Real>
void FloatSimulator<Real>::update_neurons(unsigned k, Real* a, Member& m) {
  const uint32_t lo = part_.bound[k], hi = part_.bound[k + 1];
  m.spiked.clear();
  std::fill(is_spiking_.begin() + lo, is_spiking_.begin() + hi, uint8_t{0});  // the last step's flags
  for (size_t p = 0; p < net_.populations.size(); ++p) {
    const PopulationRange& pop = net_.populations[p];
    const uint32_t first = std::max(pop.first, lo), last = std::min(pop.first + pop.size, hi);
    if (first >= last) continue;
    uint64_t active = 0, spikes = 0;
    for (uint32_t i = first; i < last; ++i) {
      const Real ai = a[i];
      active += static_cast<uint64_t>((u_[i] != Real(0)) || (v_[i] != Real(0)) || (ai != Real(0)) || (refr_[i] != 0));
      const Real ui = keep_u_[i] * u_[i] + ai;
      Real vi = keep_v_[i] * v_[i] + ui + bias_[i];
      u_[i] = ui;
      if (refr_[i] > 0) {
        vi = vreset_[i];
        --refr_[i];
      } else if (vi > vth_[i]) {
        vi = vreset_[i];
        refr_[i] = tref_[i];
        m.spiked.push_back(i);
        ++spikes;
      }
      v_[i] = vi;
      a[i] = Real(0);
    }
    count_neuron_updates(m.counts, m.per_population[p], last - first, active, spikes);
  }
  for (uint32_t i : m.spiked) is_spiking_[i] = 1;
}

// 3. Traces: decay, then this step's impulse.
template <typename Real>
void FloatSimulator<Real>::update_traces(unsigned k, Member& m) {
  const Real ax = static_cast<Real>(net_.impulse_x), ay = static_cast<Real>(net_.impulse_y);
  for (size_t q = traced_bound_[k]; q < traced_bound_[k + 1]; ++q) {
    const uint32_t i = traced_[q];
    const bool s = is_spiking_[i] != 0;
    if (net_.has_x[i]) {
      if (x_[i] != Real(0) || s) {
        x_[i] = keep_x_[i] * x_[i] + (s ? ax : Real(0));
        ++m.counts.trace_updates;
        ++m.per_population[net_.population_of[i]].trace_updates;
      }
    }
    if (net_.has_y[i]) {
      if (y_[i] != Real(0) || s) {
        y_[i] = keep_y_[i] * y_[i] + (s ? ay : Real(0));
        ++m.counts.trace_updates;
        ++m.per_population[net_.population_of[i]].trace_updates;
      }
    }
  }
}

// 4 + 5. Plasticity and emission. Post-spike columns first: potentiation of synapses whose pre
//    neuron did not spike (x read after this step's impulses). Then each spike's rows in one
//    pass: a plastic row gets its update (depression, plus potentiation where the post neuron
//    also spiked, as one dw and one clip), and every row's weight, now final for this step, is
//    added to the ring slot t + delay. Member k walks the columns of its own spiking neurons and,
//    for every spike of the step in neuron order, the slice of the row it owns.
template <typename Real>
void FloatSimulator<Real>::plasticity_and_emission(unsigned k, Member& m) {
  const uint32_t n = n_;
  const uint64_t t = t_;
  for (auto& pr : proj_) {
    if (!pr.plastic || !plasticity_on_ || m.spiked.empty()) continue;
    const Projection& src = *pr.src;
    uint64_t updates = 0;
    const uint32_t* col_pre = src.col_pre.data();
    const uint32_t* col_syn = pr.col_syn;
    const Real* eta_col = pr.eta_plus_col.data();
    Real* w = pr.w.data();
    const uint64_t last = src.col_synapse.size() - 1;
    const bool prefetch = pr.w.size() * sizeof(*w) >= opt_.column_prefetch_min_bytes;
    for (uint32_t i : m.spiked) {
      if (i < src.post_first || i >= src.post_first + src.post_size) continue;
      const uint32_t li = i - src.post_first;
      const uint64_t begin = src.col_offset[li], end = src.col_offset[li + 1];
      for (uint64_t c = begin; c < end; ++c) {
        if (prefetch) prefetch_column_weight(w, col_syn, c, last);
        const uint32_t j = col_pre[c];
        if (is_spiking_[j]) continue;  // updated in its row below
        const uint32_t s = col_syn[c];
        w[s] = std::clamp(w[s] + eta_col[c] * x_[j], pr.w_min, pr.w_max);
        ++updates;
      }
    }
    count_plastic_updates(m.counts, m.per_population[src.post_population], updates);
  }
  for (const Member& owner : members_) {
    for (uint32_t j : owner.spiked) {
      const uint32_t pop = net_.population_of[j];
      uint64_t events = 0;
      for (uint32_t p : out_proj_[pop]) {
        Proj& pr = proj_[p];
        const Projection& src = *pr.src;
        Real* slot = &ring_[static_cast<size_t>((t + pr.delay) % ring_slots_) * n];
        const uint32_t lj = j - src.pre_first;
        const uint64_t* slice = part_.slices(src, p, k);
        const uint64_t begin = slice[lj], end = slice[lj + 1];
        const uint32_t* post = pr.post;
        Real* w = pr.w.data();
        if (pr.plastic && plasticity_on_) {
          const Real* em = pr.eta_minus.data();
          const Real* ep = pr.eta_plus.data();
          const Real xj = x_[j];
          for (uint64_t s = begin; s < end; ++s) {
            const uint32_t i = post[s];
            Real dw = -em[s] * y_[i];
            if (is_spiking_[i]) dw += ep[s] * xj;
            const Real wn = std::clamp(w[s] + dw, pr.w_min, pr.w_max);
            w[s] = wn;
            slot[i] += wn;
          }
          count_plastic_updates(m.counts, m.per_population[src.post_population], end - begin);
        } else {
          for (uint64_t s = begin; s < end; ++s) slot[post[s]] += w[s];
        }
        events += end - begin;
      }
      m.counts.synaptic_events += events;
      m.counts.weight_reads += events;
      m.per_population[pop].synaptic_events += events;
      m.per_population[pop].weight_reads += events;
    }
  }
}

// One member's share of a step: phases 1-3 on its own neurons (a trace needs only its own
// neuron's spike), then, all members past them, 4-5 (which read every member's spikes and traces).
template <typename Real>
void FloatSimulator<Real>::step_member(unsigned k, Real* a, bool drive) {
  const FlushSubnormals ftz(sizeof(Real) == sizeof(float));
  Member& m = members_[k];
  reset_step_member(m);
  gather_input(k, a, drive, m);             // 1. a = spikes due now + external input
  update_neurons(k, a, m);                  // 2. u, v, refractory, threshold, reset
  if (plasticity_on_) update_traces(k, m);  // 3. trace decay, then impulses
  team_.barrier();
  plasticity_and_emission(k, m);  // 4 + 5. weight updates, then emission
}

template <typename Real>
void FloatSimulator<Real>::step() {
  const uint64_t t = t_;
  Real* a = &ring_[static_cast<size_t>(t % ring_slots_) * n_];
  const bool drive = encoder_.drive(t, drive_);
  team_.run([&](unsigned k) { step_member(k, a, drive); });

  EventCounts step_counts;
  merge_step_members(members_, spiked_, step_counts, counts_.per_population);
  // 6. monitors and counters.
  recorder_.record(
      t, spiked_, [this](uint32_t id) { return u_[id]; }, [this](uint32_t id) { return v_[id]; }, step_counts, counts_);
  // 7. advance the clock (each member clears its spike flags at its next update).
  ++t_;
  counts_.steps = t_;
}

template <typename Real>
void FloatSimulator<Real>::run(uint64_t steps) {
  for (uint64_t k = 0; k < steps; ++k) step();
}

template class FloatSimulator<double>;
template class FloatSimulator<float>;

}  // namespace hrsnn
