#include "core/fixed/fixed_sim.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace hrsnn::fixed {

namespace {
// The signed weight mantissa in the low 32 - shift bits of a packed static synapse word.
int32_t weight_of_word(uint32_t word, int shift) { return static_cast<int32_t>(word << shift) >> shift; }

// Adds the weights of the static synapses [begin, end) into the ring slot `acc` (modulo 2^32: the
// dendritic sums wrap, see step 1). The weight field width is a template argument because a
// shift by a constant is one instruction where a shift by a register's count is three on x86;
// measured on the 10^7-synapse static network, 0.8 -> 0.5 Gcycles of emission per 1000 steps.
template <int WeightFieldBits>
void emit_static_row(const uint32_t* word, uint64_t begin, uint64_t end, int32_t* acc) {
  for (uint64_t s = begin; s < end; ++s) {
    const uint32_t wd = word[s];
    const auto w = static_cast<uint32_t>(weight_of_word(wd, 32 - WeightFieldBits));
    const uint32_t li = wd >> WeightFieldBits;
    acc[li] = static_cast<int32_t>(static_cast<uint32_t>(acc[li]) + w);
  }
}

using StaticRowEmitter = void (*)(const uint32_t*, uint64_t, uint64_t, int32_t*);

// emit_static_row for a weight field of `bits` bits (weight_bits + 1, in [2, 16]).
StaticRowEmitter static_row_emitter(int bits) {
  constexpr int kMin = 2, kMax = 16;
  static constexpr auto table = []<int... I>(std::integer_sequence<int, I...>) {
    return std::array<StaticRowEmitter, sizeof...(I)>{&emit_static_row<kMin + I>...};
  }
  (std::make_integer_sequence<int, kMax - kMin + 1>{});
  if (bits < kMin || bits > kMax)
    throw std::invalid_argument(fmt::format("weight field of {} bits (allowed {}..{})", bits, kMin, kMax));
  return table[static_cast<size_t>(bits - kMin)];
}

// std::llround (nearest, ties away from zero) for |x| < 2^62, without the library call: the
// truncation, then the fraction x - trunc(x), which is exact in double.
int64_t round_half_away(double x) {
  const auto t = static_cast<int64_t>(x);
  const double f = x - static_cast<double>(t);
  return t + (f >= 0.5 ? 1 : 0) - (f <= -0.5 ? 1 : 0);
}

// Calls fn(std::bool_constant<counter>) for the format's PRNG form.
template <typename Fn>
void with_prng_form(PrngForm form, Fn&& fn) {
  if (form == PrngForm::counter)
    fn(std::true_type{});
  else
    fn(std::false_type{});
}

// Step 1's share of one projection: the weight sums of the slot due now, wrapped to
// dendrite_acc_bits, through apply_weight_exp (its run-time choices made once per projection),
// added to the neurons' input sums. The ring holds the sums modulo 2^32 (see the emission in
// plasticity_and_emission); wrapping once here equals accumulate_dendrite's wrap after every
// add, because the two's-complement wrap of a sum is the wrap of the sum of the wrapped terms.
// An empty sum adds 0: no test, no branch.
template <Overflow Ov, bool Left>
void add_projection_input(const int32_t* acc, int64_t* input, uint32_t count, int shift, const HardwareFormat& fmt) {
  const int acc_bits = fmt.dendrite_acc_bits, a_bits = fmt.a_bits;
  for (uint32_t li = 0; li < count; ++li) {
    const auto sum = static_cast<int32_t>(wrap_bits(acc[li], acc_bits));
    input[li] += apply_weight_exp_prepared<Ov, Left>(sum, shift, a_bits);
  }
}
}  // namespace

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
      synapse_(net.seed, PrngStream::synapse),
      part_(partition_network(net, opt_.threads)),
      team_(part_.parts()) {
  if (image.lif.size() != n_ || image.projections.size() != net.projections.size())
    throw std::invalid_argument("register image does not match the network (quantize it from this network)");
  check_input_port(net, image, signal);
  ring_slots_ = net.max_delay + 1;
  lif_.assign(n_, LifState{});
  x_factor_.assign(n_, 0);
  y_factor_.assign(n_, 0);
  for (uint32_t i = 0; i < n_; ++i) {
    if (img_.has_x[i]) x_factor_[i] = trace_decay_factor(img_.dx[i], fmt_);
    if (img_.has_y[i]) y_factor_[i] = trace_decay_factor(img_.dy[i], fmt_);
  }
  lif_prep_.reserve(n_);
  for (const LifParams& param : image.lif) lif_prep_.push_back(lif_prepare(param, fmt_));
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
    pr.plastic = src.plastic;
    // Stored order (core/partition.hpp): the CSR order with one member, member-major with more.
    const bool reorder = part_.parts() > 1;
    const uint32_t* order = reorder ? part_.order[p].data() : nullptr;
    const auto at = [&](size_t q) { return reorder ? order[q] : q; };
    if (src.plastic) {
      // Plastic: the weight as its own int16 (weight_bits <= 15), so that the post-spike walk
      // reads and writes it without unpacking; the post index beside it for the rows.
      pr.post_local.resize(src.post.size());
      pr.w.resize(src.post.size());
      for (size_t q = 0; q < src.post.size(); ++q) {
        pr.post_local[q] = src.post[at(q)] - src.post_first;
        pr.w[q] = static_cast<int16_t>(pi.w[at(q)]);
      }
      pr.eta_plus.resize(pi.lr.size());
      pr.eta_minus.resize(pi.lr.size());
      for (size_t q = 0; q < pi.lr.size(); ++q) {
        pr.eta_plus[q] = static_cast<uint16_t>(pi.lr[at(q)].eta_plus_mant);
        pr.eta_minus[q] = static_cast<uint16_t>(pi.lr[at(q)].eta_minus_mant);
      }
      pr.eta_plus_col.resize(src.col_synapse.size());
      for (size_t c = 0; c < src.col_synapse.size(); ++c)
        pr.eta_plus_col[c] = static_cast<uint16_t>(pi.lr[src.col_synapse[c]].eta_plus_mant);
      pr.col_syn = src.col_synapse.data();
      pr.col_syn_stored = part_.stored_columns(src, p);
      if (reorder) pr.col_syn = pr.col_syn_stored.data();
      pr.consts = weight_update_consts(pr.params, fmt_);
    } else {
      if (src.post_size > (uint64_t{1} << (32 - wfb)))
        throw std::invalid_argument(
            fmt::format("projection '{}': {} post neurons exceed the packed synapse word's "
                        "{}-bit index field",
                        src.name, src.post_size, 32 - wfb));
      pr.emit_static_row = static_row_emitter(wfb);
      pr.word.resize(src.post.size());
      const uint32_t mask = (uint32_t{1} << wfb) - 1;
      for (size_t q = 0; q < src.post.size(); ++q)
        pr.word[q] = ((src.post[at(q)] - src.post_first) << wfb) | (static_cast<uint32_t>(pi.w[at(q)]) & mask);
    }
    pr.dendrite.assign(static_cast<size_t>(ring_slots_) * src.post_size, 0);
    proj_.push_back(std::move(pr));
    out_proj_[src.pre_population].push_back(static_cast<uint32_t>(p));
  }
  counts_.per_population.assign(net.populations.size(), {});
  for (uint32_t id : opt_.probes)
    if (id >= n_) throw std::out_of_range("probe neuron id out of range");
  spiked_.reserve(n_);
  part_.order = {};  // only the construction reads it
  const unsigned parts = part_.parts();
  members_ = make_step_members(parts, net.populations.size(), n_);
  traced_bound_.assign(parts + 1, traced_.size());
  for (unsigned k = 0; k < parts; ++k) {
    traced_bound_[k] =
        static_cast<size_t>(std::lower_bound(traced_.begin(), traced_.end(), part_.bound[k]) - traced_.begin());
  }
}

int32_t FixedSimulator::unpack_weight(const Proj& p, uint32_t word) const {
  return weight_of_word(word, 32 - p.weight_field_bits);
}

int32_t FixedSimulator::weight(size_t projection, uint64_t synapse) const {
  const Proj& p = proj_[projection];
  const uint64_t q = part_.position(*p.src, projection, synapse);
  return p.plastic ? p.w[q] : unpack_weight(p, p.word[q]);
}

std::vector<int32_t> FixedSimulator::weights(size_t projection) const {
  std::vector<int32_t> w(proj_[projection].src->post.size());
  for (size_t s = 0; s < w.size(); ++s) w[s] = weight(projection, s);
  return w;
}

double FixedSimulator::synapse_bytes() const {
  double bytes = 0.0;
  uint64_t syn = 0;
  for (const auto& p : proj_) {
    syn += p.src->post.size();
    bytes += static_cast<double>(p.word.size() * sizeof(uint32_t));
    if (p.plastic)
      bytes += static_cast<double>(p.post_local.size() * sizeof(uint32_t) + p.w.size() * sizeof(int16_t) +
                                   (p.eta_plus.size() + p.eta_minus.size() + p.eta_plus_col.size()) * sizeof(uint16_t) +
                                   (p.src->col_synapse.size() + p.col_syn_stored.size() + p.src->col_pre.size()) *
                                       sizeof(uint32_t));
  }
  return syn ? bytes / static_cast<double>(syn) : 0.0;
}

double FixedSimulator::neuron_bytes() const {
  double bytes = static_cast<double>(n_) *
                 (sizeof(LifState) + sizeof(LifParams) + 2 * sizeof(uint32_t) + sizeof(int32_t) + sizeof(int64_t) + 1);
  for (const auto& p : proj_)
    bytes += static_cast<double>((p.src->row_offset.size() + p.src->col_offset.size()) * sizeof(uint64_t) +
                                 p.dendrite.size() * sizeof(int32_t));
  return n_ ? bytes / n_ : 0.0;
}

// Step 1 for the neurons [lo, hi): the dendritic input a of every neuron (projection sums, each
// shifted by its weight_exp, the input port and the probe input), the ring slots cleared.
void FixedSimulator::gather_input(uint32_t lo, uint32_t hi, bool drive, Member& m) {
  const HardwareFormat fmt = fmt_;
  const size_t slot_now = t_ % ring_slots_;
  int64_t* input_sum = input_sum_.data();
  int32_t* external = external_.data();
  for (uint32_t i = lo; i < hi; ++i) {
    input_sum[i] = external[i];
    external[i] = 0;
  }
  if (drive) {
    const InputWiring& iw = net_.input;
    const bool spiking_input = iw.encoder != EncoderKind::Current;
    const int exp = img_.input_weight_exp;
    for (uint32_t i = lo; i < hi; ++i) {
      const uint64_t begin = iw.offset[i], end = iw.offset[i + 1];
      if (begin == end) continue;  // no input synapse: the source value is 0
      double sum = 0.0;
      for (uint64_t e = begin; e < end; ++e) {
        const double d = drive_[iw.channel[e]];
        if (d != 0.0) {
          sum += img_.input_w[e] * d;
          if (spiking_input) ++m.counts.synaptic_events;
        }
      }
      const int64_t in = round_half_away(sum);
      input_sum[i] += exp >= 0 ? shift_left(in, exp) : shift_right_floor(in, -exp);
    }
  }
  for (auto& pr : proj_) {
    const Projection& src = *pr.src;
    const uint32_t first = std::max(lo, src.post_first), last = std::min(hi, src.post_first + src.post_size);
    if (first >= last) continue;
    int32_t* acc = &pr.dendrite[slot_now * src.post_size] + (first - src.post_first);
    with_weight_exp(pr.params.weight_exp, fmt, [&](auto ov, auto left, int shift) {
      add_projection_input<decltype(ov)::value, decltype(left)::value>(acc, input_sum + first, last - first, shift,
                                                                       fmt);
    });
    std::fill(acc, acc + (last - first), 0);
  }
}

// Step 2 for the neurons [lo, hi): lif_update (as lif_update_prepared<R>), ascending, the spikes
// appended without a branch. The serial soma stream is only ever walked whole (lo = 0, hi = n).
template <Rounding R, bool Counter>
void FixedSimulator::update_neurons(uint32_t lo, uint32_t hi, Member& m) {
  const HardwareFormat fmt = fmt_;  // a local copy: the state stores may alias its int fields
  Draws<R, Counter> draws{Counter ? prng_step_key(soma_.state(), t_) : soma_.state()};
  std::fill(is_spiking_.begin() + lo, is_spiking_.begin() + hi, uint8_t{0});  // the last step's flags
  std::vector<uint32_t>& spiked = m.spiked;
  spiked.resize(hi - lo);
  uint32_t* out = spiked.data();
  uint32_t count = 0;
  LifState* state = lif_.data();
  const LifPrepared* prep = lif_prep_.data();
  const int64_t* input = input_sum_.data();
  for (size_t p = 0; p < net_.populations.size(); ++p) {
    const PopulationRange& pop = net_.populations[p];
    const uint32_t first = std::max(pop.first, lo), last = std::min(pop.first + pop.size, hi);
    if (first >= last) continue;
    uint64_t active = 0;
    const uint32_t count0 = count;
    for (uint32_t i = first; i < last; ++i) {
      const auto a = static_cast<int32_t>(narrow_dendritic_input(input[i], fmt));
      const LifState st = state[i];
      active += static_cast<uint64_t>(st.u != 0 || st.v != 0 || st.ref_count != 0 || a != 0);
      const uint32_t r = draws.next(i);
      const LifOutput o = lif_update_prepared<R>(st, prep[i], a, r, fmt);
      state[i] = LifState{o.u_next, o.v_next, o.ref_count_next};
      out[count] = i;
      count += o.spike ? 1u : 0u;
    }
    count_neuron_updates(m.counts, m.per_population[p], last - first, active, count - count0);
  }
  spiked.resize(count);
  for (uint32_t i : spiked) is_spiking_[i] = 1;
  if constexpr (!Counter) soma_ = Prng(draws.state);
}

// Step 3 for traced_[qlo, qhi): trace_update (as trace_update_prepared<R>) of every active trace,
// neurons ascending, x before y. An inactive trace (0, no spike) is skipped with a branch: on the
// MRSNN most traces are 0 and the branch predicts well (a branch-free form that updates every
// trace and draws conditionally measured 35% slower). The serial stream is walked whole only.
template <Rounding R, bool Counter>
void FixedSimulator::update_traces(size_t qlo, size_t qhi, Member& m) {
  const HardwareFormat fmt = fmt_;
  Draws<R, Counter> draws{Counter ? prng_step_key(trace_.state(), t_) : trace_.state()};
  const int64_t x_impulse = trace_impulse(img_.x_impulse, fmt);
  const int64_t y_impulse = trace_impulse(img_.y_impulse, fmt);
  const uint8_t* spiking = is_spiking_.data();
  uint32_t* x = x_.data();
  uint32_t* y = y_.data();
  uint32_t pop = qlo < qhi ? net_.population_of[traced_[qlo]] : 0;
  uint64_t pop_updates = 0;  // of population `pop` (traced_ is ascending, populations contiguous)
  for (size_t q = qlo; q < qhi; ++q) {
    const uint32_t i = traced_[q];
    if (net_.population_of[i] != pop) {
      m.per_population[pop].trace_updates += pop_updates;
      m.counts.trace_updates += pop_updates;
      pop_updates = 0;
      pop = net_.population_of[i];
    }
    const bool s = spiking[i] != 0;
    if (img_.has_x[i] && (x[i] != 0 || s)) {
      const uint32_t r = draws.next(2 * i);
      x[i] = trace_update_prepared<R>(x[i], x_factor_[i], x_impulse, s, r, fmt);
      ++pop_updates;
    }
    if (img_.has_y[i] && (y[i] != 0 || s)) {
      const uint32_t r = draws.next(2 * i + 1);
      y[i] = trace_update_prepared<R>(y[i], y_factor_[i], y_impulse, s, r, fmt);
      ++pop_updates;
    }
  }
  if (qlo < qhi) m.per_population[pop].trace_updates += pop_updates;
  m.counts.trace_updates += pop_updates;
  if constexpr (!Counter) trace_ = Prng(draws.state);
}

// Steps 4 and 5 for member k: weight_update (as weight_update_prepared<R>) over the post-spike
// columns, then every spike's rows (all members' spikes, neurons ascending) with the update and
// the emission of the new weight. `plastic_whole` (the serial synapse stream under stochastic
// rounding): member 0 walks every plastic column and row whole, in the serial order, and the
// members share only the static rows; otherwise each member takes the posts it owns.
template <Rounding R, bool Counter>
void FixedSimulator::plasticity_and_emission(unsigned k, bool plastic_whole, Member& m) {
  const uint32_t lo = part_.bound[k], hi = part_.bound[k + 1];
  const bool plastic_mine = !plastic_whole || k == 0;
  const uint32_t plo = plastic_whole ? 0 : lo, phi = plastic_whole ? n_ : hi;
  Draws<R, Counter> draws{Counter ? prng_step_key(synapse_.state(), t_) : synapse_.state()};
  // 4. plasticity on post-spike columns (pre neuron silent this step).
  if (plastic_mine) {
    for (auto& pr : proj_) {
      if (!pr.plastic || !plasticity_on_) continue;
      const uint64_t updates = pr.consts.single_sign ? column_walk<R, Counter, true>(pr, plo, phi, draws)
                                                     : column_walk<R, Counter, false>(pr, plo, phi, draws);
      count_plastic_updates(m.counts, m.per_population[pr.src->post_population], updates);
    }
  }
  // 4b + 5. spiking rows: plastic update then emission; static rows: emission.
  for (const Member& owner : members_) {
    for (uint32_t j : owner.spiked) {
      const uint32_t pop = net_.population_of[j];
      uint64_t events = 0;
      for (uint32_t p : out_proj_[pop]) {
        Proj& pr = proj_[p];
        const Projection& src = *pr.src;
        const bool learning = pr.plastic && plasticity_on_;
        if (learning && !plastic_mine) continue;
        int32_t* acc = &pr.dendrite[static_cast<size_t>((t_ + pr.delay) % ring_slots_) * src.post_size];
        const uint32_t lj = j - src.pre_first;
        // The row's slices in the stored order: this member's, or every member's in member order
        // (= the row's CSR order) when member 0 walks plastic rows whole.
        const bool whole = learning && plastic_whole;
        const unsigned k_first = whole ? 0 : k, k_last = whole ? part_.parts() - 1 : k;
        for (unsigned kk = k_first; kk <= k_last; ++kk) {
          const uint64_t* slice = part_.slices(src, p, kk);
          const uint64_t begin = slice[lj], end = slice[lj + 1];
          if (pr.plastic && !plasticity_on_) {
            // Frozen: the plastic weights as they are, emitted like a static row's.
            const uint32_t* post = pr.post_local.data();
            const int16_t* w = pr.w.data();
            for (uint64_t s = begin; s < end; ++s)
              acc[post[s]] =
                  static_cast<int32_t>(static_cast<uint32_t>(acc[post[s]]) + static_cast<uint32_t>(int32_t{w[s]}));
          } else if (learning) {
            // The counter form draws by CSR index: position s holds synapse s + shift.
            const uint64_t shift = (part_.parts() == 1 ? begin : part_.row_begin(p, lj, kk)) - begin;
            if (pr.consts.single_sign)
              row_walk<R, Counter, true>(pr, j, begin, end, shift, acc, draws);
            else
              row_walk<R, Counter, false>(pr, j, begin, end, shift, acc, draws);
            count_plastic_updates(m.counts, m.per_population[src.post_population], end - begin);
          } else {
            pr.emit_static_row(pr.word.data(), begin, end, acc);
          }
          events += end - begin;
        }
      }
      m.counts.synaptic_events += events;
      m.counts.weight_reads += events;
      m.per_population[pop].synaptic_events += events;
      m.per_population[pop].weight_reads += events;
    }
  }
  if constexpr (!Counter)
    if (plastic_mine) synapse_ = Prng(draws.state);
}

// Step 4's post-spike walk of one plastic projection over the spiking post neurons in
// [lo, hi). Branch-free: a synapse whose pre neuron spiked (it is updated in its row) is computed
// too, then neither its weight nor the synapse stream takes the result. Returns the number of
// updates.
template <Rounding R, bool Counter, bool SingleSign>
uint64_t FixedSimulator::column_walk(Proj& pr, uint32_t lo, uint32_t hi, Draws<R, Counter>& draws) {
  const Projection& src = *pr.src;
  const WeightUpdateConsts wc = pr.consts;
  const uint32_t* col_pre = src.col_pre.data();
  const uint32_t* col_syn = pr.col_syn;             // stored positions
  const uint32_t* col_id = src.col_synapse.data();  // CSR indices: the counter form's draw index
  const uint16_t* eta_col = pr.eta_plus_col.data();
  const uint8_t* spiking = is_spiking_.data();
  const uint32_t* x = x_.data();
  int16_t* w = pr.w.data();
  const uint64_t last = src.col_synapse.size() - 1;
  const bool prefetch = pr.w.size() * sizeof(*w) >= opt_.column_prefetch_min_bytes;
  const auto syn0 = static_cast<uint32_t>(src.first_synapse);
  const uint32_t post_lo = std::max(lo, src.post_first), post_hi = std::min(hi, src.post_first + src.post_size);
  uint64_t updates = 0;
  for (const Member& owner : members_) {
    for (uint32_t i : owner.spiked) {
      if (i < post_lo || i >= post_hi) continue;
      const uint32_t li = i - src.post_first;
      const uint64_t begin = src.col_offset[li], end = src.col_offset[li + 1];
      for (uint64_t c = begin; c < end; ++c) {
        if (prefetch) prefetch_column_weight(w, col_syn, c, last);
        const uint32_t j = col_pre[c];
        // All ones when the pre neuron spiked: masks, not a condition, so that the compiler
        // cannot turn the selection back into an unpredictable branch.
        const uint32_t skip = 0u - static_cast<uint32_t>(spiking[j]);
        const uint32_t s = col_syn[c];
        const int32_t w_old = w[s];
        const uint32_t r = draws.next_if(syn0 + (Counter ? col_id[c] : s), skip + 1u);
        const int64_t potentiation = int64_t{eta_col[c]} * x[j];
        int32_t w_new = 0;
        if constexpr (SingleSign)
          w_new = weight_update_single_sign<R>(w_old, potentiation, 0, r, wc);
        else
          w_new = weight_update_magnitude<R>(w_old, potentiation, 0, r, wc);
        const auto keep = static_cast<int32_t>(skip);
        w[s] = static_cast<int16_t>((w_old & keep) | (w_new & ~keep));
        updates += skip + 1u;  // 1 when updated, 0 when skipped
      }
    }
  }
  return updates;
}

// Step 4b + 5 for one spiking neuron j's row slice [begin, end) of a plastic projection: the
// update (depression, plus potentiation where the post neuron spiked too) then the emission of
// the new weight into the ring slot `acc`.
template <Rounding R, bool Counter, bool SingleSign>
void FixedSimulator::row_walk(Proj& pr, uint32_t j, uint64_t begin, uint64_t end, uint64_t shift, int32_t* acc,
                              Draws<R, Counter>& draws) {
  const Projection& src = *pr.src;
  const WeightUpdateConsts wc = pr.consts;
  const uint32_t* post = pr.post_local.data();
  const uint16_t* eta_plus = pr.eta_plus.data();
  const uint16_t* eta_minus = pr.eta_minus.data();
  const uint8_t* spiking_post = is_spiking_.data() + src.post_first;
  const uint32_t* y_post = y_.data() + src.post_first;
  int16_t* w = pr.w.data();
  const int64_t xj = x_[j];
  const auto syn0 = static_cast<uint32_t>(src.first_synapse + shift);  // modulo 2^32, as the draw index is
  for (uint64_t s = begin; s < end; ++s) {
    const uint32_t li = post[s];
    const int64_t potentiation = (eta_plus[s] * xj) & -int64_t{spiking_post[li]};
    const int64_t depression = int64_t{eta_minus[s]} * y_post[li];
    const uint32_t r = draws.next(syn0 + static_cast<uint32_t>(s));
    int32_t w_new = 0;
    if constexpr (SingleSign)
      w_new = weight_update_single_sign<R>(w[s], potentiation, depression, r, wc);
    else
      w_new = weight_update_magnitude<R>(w[s], potentiation, depression, r, wc);
    w[s] = static_cast<int16_t>(w_new);
    acc[li] = static_cast<int32_t>(static_cast<uint32_t>(acc[li]) + static_cast<uint32_t>(w_new));
  }
}

// One member's share of a step (docs/arithmetic.md §6): a phase whose serial stream draws runs
// whole on member 0; the barriers order the phases.
void FixedSimulator::step_member(unsigned k, bool drive) {
  const HardwareFormat& fmt = fmt_;
  Member& m = members_[k];
  const uint32_t lo = part_.bound[k], hi = part_.bound[k + 1];
  const bool counter = fmt.prng == PrngForm::counter;
  const bool neurons_whole = !counter && fmt.decay_rounding == Rounding::stochastic;
  const bool traces_whole = !counter && fmt.trace_rounding == Rounding::stochastic;
  const bool plastic_whole = !counter && fmt.weight_rounding == Rounding::stochastic;

  reset_step_member(m);
  gather_input(lo, hi, drive, m);  // 1.
  if (neurons_whole) team_.barrier();
  // 2. neurons, ascending.
  m.spiked.clear();
  if (!neurons_whole || k == 0) {
    const uint32_t nlo = neurons_whole ? 0 : lo, nhi = neurons_whole ? n_ : hi;
    with_rounding(fmt.decay_rounding, [&](auto r) {
      with_prng_form(fmt.prng, [&](auto c) { update_neurons<decltype(r)::value, decltype(c)::value>(nlo, nhi, m); });
    });
  }
  // 3. traces: active ones only (a zero trace without a spike stays zero and draws nothing). A
  // member's own traces need only its own neurons' spikes; the serial stream's walk needs all.
  if (plasticity_on_) {
    if (neurons_whole || traces_whole) team_.barrier();
    if (!traces_whole || k == 0) {
      const size_t qlo = traces_whole ? 0 : traced_bound_[k],
                   qhi = traces_whole ? traced_.size() : traced_bound_[k + 1];
      with_rounding(fmt.trace_rounding, [&](auto r) {
        with_prng_form(fmt.prng, [&](auto c) { update_traces<decltype(r)::value, decltype(c)::value>(qlo, qhi, m); });
      });
    }
  }
  team_.barrier();
  // 4 + 5. plasticity and emission.
  with_rounding(fmt.weight_rounding, [&](auto r) {
    with_prng_form(fmt.prng, [&](auto c) {
      plasticity_and_emission<decltype(r)::value, decltype(c)::value>(k, plastic_whole, m);
    });
  });
}

void FixedSimulator::step() {
  const uint64_t t = t_;
  const bool drive = encoder_.drive(t, drive_);
  team_.run([&](unsigned k) { step_member(k, drive); });

  EventCounts step_counts;
  merge_step_members(members_, spiked_, step_counts, counts_.per_population);
  // 6. monitors and counters.
  recorder_.record(
      t, spiked_, [this](uint32_t id) { return lif_[id].u; }, [this](uint32_t id) { return lif_[id].v; }, step_counts,
      counts_);
  ++t_;  // each member clears its spike flags at its next neuron update
  counts_.steps = t_;
}

void FixedSimulator::run(uint64_t steps) {
  for (uint64_t k = 0; k < steps; ++k) step();
}

}  // namespace hrsnn::fixed
