#include "core/fixed/fixed_sim.hpp"

#include <fmt/core.h>

#include <cmath>
#include <stdexcept>

namespace hrsnn::fixed {

FixedSimulator::FixedSimulator(const Network& net, const RegisterImage& image, const InputSignal* signal,
                               SimOptions options)
    : net_(net),
      img_(image),
      fmt_(image.format),
      opt_(std::move(options)),
      encoder_(net.input, signal, net.seed),
      n_(net.size()),
      soma_(net.seed, PrngStream::soma),
      trace_(net.seed, PrngStream::trace),
      synapse_(net.seed, PrngStream::synapse) {
  if (image.lif.size() != n_ || image.projections.size() != net.projections.size())
    throw std::invalid_argument("register image does not match the network (quantize it from this network)");
  ring_slots_ = net.max_delay + 1;
  lif_.assign(n_, LifState{});
  x_.assign(n_, 0);
  y_.assign(n_, 0);
  external_.assign(n_, 0);
  input_sum_.assign(n_, 0);
  is_spiking_.assign(n_, 0);
  for (uint32_t i = 0; i < n_; ++i)
    if (img_.has_x[i] || img_.has_y[i]) traced_.push_back(i);
  out_proj_.assign(net.populations.size(), {});
  const int wfb = fmt_.weight_bits + 1;
  for (size_t p = 0; p < net.projections.size(); ++p) {
    const Projection& src = net.projections[p];
    const ProjectionImage& pi = image.projections[p];
    Proj pr;
    pr.src = &src;
    pr.params = pi.params;
    pr.delay = src.delay_steps;
    pr.weight_field_bits = wfb;
    if (src.post_size > (uint64_t{1} << (32 - wfb)))
      throw std::invalid_argument(fmt::format("projection '{}': {} post neurons exceed the packed synapse word's "
                                              "{}-bit index field",
                                              src.name, src.post_size, 32 - wfb));
    pr.word.resize(src.post.size());
    const uint32_t mask = (uint32_t{1} << wfb) - 1;
    for (size_t s = 0; s < src.post.size(); ++s)
      pr.word[s] = ((src.post[s] - src.post_first) << wfb) | (static_cast<uint32_t>(pi.w[s]) & mask);
    if (src.plastic) pr.lr = pi.lr;
    pr.dendrite.assign(static_cast<size_t>(ring_slots_) * src.post_size, 0);
    proj_.push_back(std::move(pr));
    out_proj_[src.pre_population].push_back(static_cast<uint32_t>(p));
  }
  counts_.per_population.assign(net.populations.size(), {});
  for (uint32_t id : opt_.probes)
    if (id >= n_) throw std::out_of_range("probe neuron id out of range");
  spiked_.reserve(n_);
}

int32_t FixedSimulator::unpack_weight(const Proj& p, uint32_t word) const {
  const int shift = 32 - p.weight_field_bits;
  return static_cast<int32_t>(word << shift) >> shift;
}

int32_t FixedSimulator::weight(size_t projection, uint64_t synapse) const {
  return unpack_weight(proj_[projection], proj_[projection].word[synapse]);
}

std::vector<int32_t> FixedSimulator::weights(size_t projection) const {
  std::vector<int32_t> w(proj_[projection].word.size());
  for (size_t s = 0; s < w.size(); ++s) w[s] = weight(projection, s);
  return w;
}

double FixedSimulator::synapse_bytes() const {
  double bytes = 0.0;
  uint64_t syn = 0;
  for (const auto& p : proj_) {
    syn += p.word.size();
    bytes += static_cast<double>(p.word.size() * sizeof(uint32_t));
    if (!p.lr.empty())
      bytes += static_cast<double>(p.lr.size() * sizeof(SynapseLearnParams) +
                                   (p.src->col_synapse.size() + p.src->col_pre.size()) * sizeof(uint32_t));
  }
  return syn ? bytes / static_cast<double>(syn) : 0.0;
}

double FixedSimulator::neuron_bytes() const {
  double bytes = static_cast<double>(n_) * (sizeof(LifState) + sizeof(LifParams) + 2 * sizeof(uint32_t) +
                                            sizeof(int32_t) + sizeof(int64_t) + 1);
  for (const auto& p : proj_)
    bytes += static_cast<double>((p.src->row_offset.size() + p.src->col_offset.size()) * sizeof(uint64_t) +
                                 p.dendrite.size() * sizeof(int32_t));
  return n_ ? bytes / n_ : 0.0;
}

void FixedSimulator::step() {
  // A local copy of the register format: stores into the (unsigned) synapse words may alias
  // the format's int fields, which would force a reload of every field per synapse.
  const HardwareFormat fmt = fmt_;
  const uint32_t n = n_;
  const uint64_t t = t_;
  const size_t slot_now = t % ring_slots_;
  EventCounts step_counts;

  // 1. the dendritic input a of every neuron: projection sums (each shifted by its weight_exp),
  //    the input port, and the probe input; one narrowing to a_bits.
  std::fill(input_sum_.begin(), input_sum_.end(), 0);
  if (encoder_.drive(t, drive_)) {
    const InputWiring& iw = net_.input;
    const bool spiking_input = iw.encoder != EncoderKind::Current;
    for (uint32_t i = 0; i < n; ++i) {
      double sum = 0.0;
      for (uint64_t e = iw.offset[i]; e < iw.offset[i + 1]; ++e) {
        const double d = drive_[iw.channel[e]];
        if (d != 0.0) {
          sum += img_.input_w[e] * d;
          if (spiking_input) ++step_counts.synaptic_events;
        }
      }
      const int64_t in = std::llround(sum);
      input_sum_[i] = img_.input_weight_exp >= 0 ? shift_left(in, img_.input_weight_exp)
                                                 : shift_right_floor(in, -img_.input_weight_exp);
    }
  }
  for (uint32_t i = 0; i < n; ++i) input_sum_[i] += external_[i];
  std::fill(external_.begin(), external_.end(), 0);
  for (auto& pr : proj_) {
    const Projection& src = *pr.src;
    int32_t* acc = &pr.dendrite[slot_now * src.post_size];
    for (uint32_t li = 0; li < src.post_size; ++li) {
      // The ring holds the dendritic sums modulo 2^32 (see emission below); wrapping once here
      // equals accumulate_dendrite's wrap after every add, because a two's-complement wrap of
      // a sum is the wrap of the sum of the wrapped terms.
      if (acc[li] != 0) {
        const auto sum = static_cast<int32_t>(wrap_bits(acc[li], fmt.dendrite_acc_bits));
        input_sum_[src.post_first + li] += apply_weight_exp(sum, pr.params.weight_exp, fmt);
      }
      acc[li] = 0;
    }
  }

  // 2. neurons, ascending.
  const bool soma_random = fmt.decay_rounding == Rounding::stochastic;
  spiked_.clear();
  for (size_t p = 0; p < net_.populations.size(); ++p) {
    const PopulationRange& pop = net_.populations[p];
    uint64_t active = 0, spikes = 0;
    for (uint32_t i = pop.first; i < pop.first + pop.size; ++i) {
      const auto a = static_cast<int32_t>(narrow_dendritic_input(input_sum_[i], fmt));
      LifState& s = lif_[i];
      active += static_cast<uint64_t>(s.u != 0 || s.v != 0 || s.ref_count != 0 || a != 0);
      const uint32_t r = soma_random ? soma_.draw() : 0u;
      const LifOutput o = lif_update(s, img_.lif[i], a, r, fmt);
      s.u = o.u_next;
      s.v = o.v_next;
      s.ref_count = o.ref_count_next;
      if (o.spike) {
        spiked_.push_back(i);
        ++spikes;
      }
    }
    EventCounts& pc = counts_.per_population[p];
    pc.neuron_updates_active += active;
    pc.neuron_updates_idle += pop.size - active;
    pc.state_reads += pop.size;
    pc.state_writes += pop.size;
    pc.spikes += spikes;
    step_counts.neuron_updates_active += active;
    step_counts.neuron_updates_idle += pop.size - active;
    step_counts.state_reads += pop.size;
    step_counts.state_writes += pop.size;
    step_counts.spikes += spikes;
  }
  for (uint32_t i : spiked_) is_spiking_[i] = 1;

  // 3. traces: active ones only (a zero trace without a spike stays zero and draws nothing).
  const bool trace_random = fmt.trace_rounding == Rounding::stochastic;
  for (uint32_t i : traced_) {
    const bool s = is_spiking_[i] != 0;
    if (img_.has_x[i] && (x_[i] != 0 || s)) {
      TraceParams tp = img_.x_impulse;
      tp.dx = img_.dx[i];
      x_[i] = trace_update(TraceState{x_[i]}, tp, s, trace_random ? trace_.draw() : 0u, fmt).x_next;
      ++step_counts.trace_updates;
      ++counts_.per_population[net_.population_of[i]].trace_updates;
    }
    if (img_.has_y[i] && (y_[i] != 0 || s)) {
      TraceParams tp = img_.y_impulse;
      tp.dx = img_.dy[i];
      y_[i] = trace_update(TraceState{y_[i]}, tp, s, trace_random ? trace_.draw() : 0u, fmt).x_next;
      ++step_counts.trace_updates;
      ++counts_.per_population[net_.population_of[i]].trace_updates;
    }
  }

  // 4. plasticity on post-spike columns (pre neuron silent this step).
  const bool weight_random = fmt.weight_rounding == Rounding::stochastic;
  const int wfb = fmt.weight_bits + 1;
  const uint32_t wmask = (uint32_t{1} << wfb) - 1;
  for (auto& pr : proj_) {
    if (pr.lr.empty() || spiked_.empty()) continue;
    const Projection& src = *pr.src;
    const ProjectionParams params = pr.params;
    uint64_t updates = 0;
    for (uint32_t i : spiked_) {
      if (i < src.post_first || i >= src.post_first + src.post_size) continue;
      const uint32_t li = i - src.post_first;
      for (uint64_t c = src.col_offset[li]; c < src.col_offset[li + 1]; ++c) {
        const uint32_t j = src.col_pre[c];
        if (is_spiking_[j]) continue;
        const uint32_t s = src.col_synapse[c];
        const int32_t w = unpack_weight(pr, pr.word[s]);
        const WeightOutput o = weight_update(WeightState{w}, pr.lr[s], params, false, true, x_[j], y_[i],
                                             weight_random ? synapse_.draw() : 0u, fmt);
        pr.word[s] = (pr.word[s] & ~wmask) | (static_cast<uint32_t>(o.w_next) & wmask);
        ++updates;
      }
    }
    count_plastic_updates(step_counts, counts_.per_population[src.post_population], updates);
  }

  // 4b + 5. spiking rows: plastic update then emission; static rows: emission.
  for (uint32_t j : spiked_) {
    const uint32_t pop = net_.population_of[j];
    uint64_t events = 0;
    for (uint32_t p : out_proj_[pop]) {
      Proj& pr = proj_[p];
      const Projection& src = *pr.src;
      int32_t* acc = &pr.dendrite[static_cast<size_t>((t + pr.delay) % ring_slots_) * src.post_size];
      const uint32_t lj = j - src.pre_first;
      const uint64_t begin = src.row_offset[lj], end = src.row_offset[lj + 1];
      if (!pr.lr.empty()) {
        const ProjectionParams params = pr.params;
        for (uint64_t s = begin; s < end; ++s) {
          const uint32_t li = pr.word[s] >> wfb;
          const uint32_t i = src.post_first + li;
          const int32_t w = unpack_weight(pr, pr.word[s]);
          const WeightOutput o = weight_update(WeightState{w}, pr.lr[s], params, true, is_spiking_[i] != 0, x_[j],
                                               y_[i], weight_random ? synapse_.draw() : 0u, fmt);
          pr.word[s] = (pr.word[s] & ~wmask) | (static_cast<uint32_t>(o.w_next) & wmask);
          acc[li] = static_cast<int32_t>(static_cast<uint32_t>(acc[li]) + static_cast<uint32_t>(o.w_next));
        }
        const uint64_t updates = end - begin;
        count_plastic_updates(step_counts, counts_.per_population[src.post_population], updates);
      } else {
        const int shift = 32 - wfb;
        for (uint64_t s = begin; s < end; ++s) {
          const uint32_t word = pr.word[s];
          const uint32_t li = word >> wfb;
          acc[li] = static_cast<int32_t>(static_cast<uint32_t>(acc[li]) +
                                         static_cast<uint32_t>(static_cast<int32_t>(word << shift) >> shift));
        }
      }
      events += end - begin;
    }
    step_counts.synaptic_events += events;
    step_counts.weight_reads += events;
    counts_.per_population[pop].synaptic_events += events;
    counts_.per_population[pop].weight_reads += events;
  }

  // 6. monitors and counters.
  if (opt_.record_spikes) {
    for (uint32_t i : spiked_) {
      raster_.step.push_back(t);
      raster_.neuron.push_back(i);
    }
  }
  if (!opt_.probes.empty() && t % opt_.probe_every == 0) {
    probe_trace_.step.push_back(t);
    for (uint32_t id : opt_.probes) {
      probe_trace_.u.push_back(lif_[id].u);
      probe_trace_.v.push_back(lif_[id].v);
    }
  }
  for (uint32_t i : spiked_) is_spiking_[i] = 0;
  counts_.total += step_counts;
  if (opt_.per_step_counts) counts_.per_step.push_back(step_counts);
  ++t_;
  counts_.steps = t_;
}

void FixedSimulator::run(uint64_t steps) {
  for (uint64_t k = 0; k < steps; ++k) step();
}

}  // namespace hrsnn::fixed
