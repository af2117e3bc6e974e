// Twin: hw_model/rtl/{lif_update,trace_update,weight_update,clip_weight_mantissa,
// apply_weight_exp,accumulate_dendrite}.v (one Verilog module per function, same name).
// The datapath of the fixed-point core, as pure next-state functions: no allocation, no
// exception, no state, inline. docs/arithmetic.md is their line-by-line specification.
//
// Naming contract with the RTL: a C++ argument `a` is Verilog port `a`; a struct member
// `state.u`, `param.du`, `proj.sign_mode` is port `state_u`, `param_du`, `proj_sign_mode`; an
// output member `u_next` is port `u_next`. Enums travel as their integer codes.
//
// Preconditions (checked by the *_problems() functions of this header, never in the hot loop):
// every field lies in its register range for `fmt`, and `fmt` is valid (HardwareFormat::problems()).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/fixed/arith.hpp"
#include "core/foundation/register_format.hpp"

namespace hrsnn::fixed {

// ---------------------------------------------------------------------------------------------
// LIF compartment (CUBA): docs/arithmetic.md §3.

struct LifState {
  int32_t u = 0;           // current: signed fmt.u_bits, overflow fmt.u_overflow
  int32_t v = 0;           // voltage: signed fmt.v_bits, overflow fmt.v_overflow
  uint32_t ref_count = 0;  // refractory steps left: unsigned fmt.ref_bits
};

struct LifParams {
  uint32_t du = 0;        // current decay: unsigned fmt.decay_bits (effective du + fmt.du_offset)
  uint32_t dv = 0;        // voltage decay: unsigned fmt.decay_bits (effective dv + fmt.dv_offset)
  uint32_t vth = 0;       // threshold mantissa: unsigned fmt.vth_bits (threshold vth << vth_shift)
  int32_t bias_mant = 0;  // bias mantissa: signed fmt.bias_mant_bits
  uint32_t bias_exp = 0;  // bias exponent: unsigned fmt.bias_exp_bits
  uint32_t t_ref = 0;     // refractory period in steps: unsigned fmt.ref_bits
};

struct LifOutput {
  int32_t u_next = 0;
  int32_t v_next = 0;
  uint32_t ref_count_next = 0;
  bool spike = false;
};

// lif_update's per-neuron constants (they depend only on the neuron's registers and the
// format): a neuron loop prepares them once.
struct LifPrepared {
  int64_t u_factor = 0;   // 2^d - (du + du_offset)
  int64_t v_factor = 0;   // 2^d - (dv + dv_offset)
  int64_t threshold = 0;  // vth << vth_shift
  int64_t bias = 0;       // bias_mant << bias_exp
  uint32_t t_ref = 0;
};

constexpr LifPrepared lif_prepare(const LifParams& param, const HardwareFormat& fmt) {
  LifPrepared p;
  p.u_factor = pow2(fmt.decay_bits) - (int64_t{param.du} + fmt.du_offset);
  p.v_factor = pow2(fmt.decay_bits) - (int64_t{param.dv} + fmt.dv_offset);
  p.threshold = shift_left(param.vth, fmt.vth_shift);
  p.bias = shift_left(param.bias_mant, static_cast<int>(param.bias_exp));
  p.t_ref = param.t_ref;
  return p;
}

// One time step of one compartment, decay rounding R, constants prepared (lif_update below is
// this function). Branch-free: spikes and refractory periods are too frequent to predict.
template <Rounding R>
inline LifOutput lif_update_prepared(const LifState& state, const LifPrepared& p, int32_t a, uint32_t rand_word,
                                     const HardwareFormat& fmt) {
  const int d = fmt.decay_bits;
  // 1. current: u' = wrap(round(u * (2^d - (du + du_offset)), d) + (a << act_shift))
  const int64_t u_decayed = shift_right_round(int64_t{state.u} * p.u_factor, d, R, random_field(rand_word, 0, d));
  const int64_t u_new = narrow_bits(u_decayed + shift_left(a, fmt.act_shift), fmt.u_bits, fmt.u_overflow);
  // 2. voltage: v' = sat(round(v * (2^d - (dv + dv_offset)), d) + u' + (bias_mant << bias_exp))
  const int64_t v_decayed = shift_right_round(int64_t{state.v} * p.v_factor, d, R, random_field(rand_word, d, d));
  const int64_t v_new = narrow_bits(v_decayed + u_new + p.bias, fmt.v_bits, fmt.v_overflow);
  // 3. refractory: v held at 0, counter counts down, no spike.
  // 4. otherwise the strict threshold, reset v to 0 (u untouched), start the refractory count.
  const bool refractory = state.ref_count > 0;
  const bool spike = !refractory && v_new > p.threshold;
  LifOutput out;
  out.u_next = static_cast<int32_t>(u_new);  // u integrates even while refractory (nengo-loihi)
  out.v_next = (refractory || spike) ? 0 : static_cast<int32_t>(v_new);
  out.ref_count_next = refractory ? state.ref_count - 1 : (spike ? p.t_ref : 0u);
  out.spike = spike;
  return out;
}

// One time step of one compartment. `a` is this step's dendritic input (apply_weight_exp's
// output, signed fmt.a_bits). rand_word is the soma stream's draw when fmt.decay_rounding is
// stochastic (bits [0, d) round the u decay, bits [d, 2d) the v decay, d = fmt.decay_bits),
// and is ignored otherwise.
inline LifOutput lif_update(const LifState& state, const LifParams& param, int32_t a, uint32_t rand_word,
                            const HardwareFormat& fmt) {
  const LifPrepared p = lif_prepare(param, fmt);
  return with_rounding(fmt.decay_rounding,
                       [&](auto r) { return lif_update_prepared<decltype(r)::value>(state, p, a, rand_word, fmt); });
}

// ---------------------------------------------------------------------------------------------
// STDP trace (x of a presynaptic neuron, y of a postsynaptic one): docs/arithmetic.md §4.1.

struct TraceState {
  uint32_t x = 0;  // trace: unsigned fmt.trace_bits, saturating
};

struct TraceParams {
  uint32_t dx = 0;            // trace decay: unsigned fmt.decay_bits (no offset)
  uint32_t impulse_int = 0;   // impulse integer part: unsigned fmt.trace_bits
  uint32_t impulse_frac = 0;  // impulse fraction: unsigned fmt.trace_frac_bits (units 2^-trace_frac_bits)
};

struct TraceOutput {
  uint32_t x_next = 0;
};

// One time step of one trace, rounding mode R, with the decay factor 2^d - dx and the impulse
// (impulse_int << f) + impulse_frac prepared (trace_update below is this function).
template <Rounding R>
inline uint32_t trace_update_prepared(uint32_t x_state, int64_t factor, int64_t impulse, bool spike, uint32_t rand_word,
                                      const HardwareFormat& fmt) {
  const int d = fmt.decay_bits;
  const int f = fmt.trace_frac_bits;
  // 1. decay: round(x * (2^d - dx), d)
  int64_t x = shift_right_round(int64_t{x_state} * factor, d, R, random_field(rand_word, 0, d));
  // 2. impulse: + round(impulse_int + impulse_frac / 2^f)
  if (spike) x += shift_right_round(impulse, f, R, random_field(rand_word, d, f));
  // 3. saturate at 2^trace_bits - 1
  return static_cast<uint32_t>(saturate_unsigned_bits(x, fmt.trace_bits));
}

// The decay factor and the impulse of trace_update_prepared.
constexpr int64_t trace_decay_factor(uint32_t dx, const HardwareFormat& fmt) {
  return pow2(fmt.decay_bits) - int64_t{dx};
}
constexpr int64_t trace_impulse(const TraceParams& param, const HardwareFormat& fmt) {
  return shift_left(param.impulse_int, fmt.trace_frac_bits) + int64_t{param.impulse_frac};
}

// One time step of one trace; the result includes this step's impulse when `spike`.
// rand_word: the trace stream's draw when fmt.trace_rounding is stochastic (bits [0, d) round
// the decay, bits [d, d + f) the impulse fraction; d = decay_bits, f = trace_frac_bits).
inline TraceOutput trace_update(const TraceState& state, const TraceParams& param, bool spike, uint32_t rand_word,
                                const HardwareFormat& fmt) {
  const int64_t factor = trace_decay_factor(param.dx, fmt);
  const int64_t impulse = trace_impulse(param, fmt);
  TraceOutput out;
  out.x_next = with_rounding(fmt.trace_rounding, [&](auto r) {
    return trace_update_prepared<decltype(r)::value>(state.x, factor, impulse, spike, rand_word, fmt);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Weights: the loader clip, the dendritic sum, the STDP update: docs/arithmetic.md §2, §4.2.

// Per-projection register image.
struct ProjectionParams {
  SignMode sign_mode = SignMode::excitatory;
  uint32_t num_weight_bits = 8;  // mantissa precision, 1..fmt.weight_bits
  int32_t weight_exp = 0;        // dendritic-sum exponent, [-fmt.weight_exp_max, fmt.weight_exp_max]
  int32_t eta_plus_exp = 0;      // potentiation exponent, [-fmt.learn_frac_bits, fmt.lr_exp_max]
  int32_t eta_minus_exp = 0;     // depression exponent, same range
};

// Number of low mantissa bits a projection drops: k = weight_bits - num_weight_bits + [mixed].
// Weights are multiples of 2^k. Sign mode codes other than 0, 1 behave as mixed.
constexpr int weight_grid_shift(SignMode sign_mode, uint32_t num_weight_bits, const HardwareFormat& fmt) {
  const bool mixed = sign_mode != SignMode::excitatory && sign_mode != SignMode::inhibitory;
  return fmt.weight_bits - static_cast<int>(num_weight_bits) + (mixed ? 1 : 0);
}

// Largest weight of the grid: 2^weight_bits - 2^k (excitatory and mixed), 0 (inhibitory).
constexpr int64_t weight_max(SignMode sign_mode, uint32_t num_weight_bits, const HardwareFormat& fmt) {
  if (sign_mode == SignMode::inhibitory) return 0;
  return pow2(fmt.weight_bits) - pow2(weight_grid_shift(sign_mode, num_weight_bits, fmt));
}

// Smallest weight of the grid: 0 (excitatory), -(2^weight_bits - 2^k) (inhibitory), -2^weight_bits (mixed).
constexpr int64_t weight_min(SignMode sign_mode, uint32_t num_weight_bits, const HardwareFormat& fmt) {
  if (sign_mode == SignMode::excitatory) return 0;
  if (sign_mode == SignMode::inhibitory) {
    return -(pow2(fmt.weight_bits) - pow2(weight_grid_shift(sign_mode, num_weight_bits, fmt)));
  }
  return -pow2(fmt.weight_bits);
}

// The weight loader (Lava clip_weights + truncate_weights): clip an integer weight to its sign
// mode's range, then drop k low bits, flooring the magnitude (excitatory, inhibitory) or the
// two's-complement value (mixed). Returns a weight on the projection's grid.
inline int32_t clip_weight_mantissa(int32_t w, SignMode sign_mode, uint32_t num_weight_bits,
                                    const HardwareFormat& fmt) {
  const int k = weight_grid_shift(sign_mode, num_weight_bits, fmt);
  const int64_t magnitude_max = pow2(fmt.weight_bits) - 1;
  int64_t clipped = 0;
  if (sign_mode == SignMode::excitatory) {
    clipped = shift_left(shift_right_floor(saturate(w, 0, magnitude_max), k), k);
  } else if (sign_mode == SignMode::inhibitory) {
    clipped = -shift_left(shift_right_floor(saturate(-int64_t{w}, 0, magnitude_max), k), k);
  } else {
    clipped = shift_left(shift_right_floor(saturate(w, -pow2(fmt.weight_bits), magnitude_max), k), k);
  }
  return static_cast<int32_t>(clipped);
}

// Add one weight (or an external input in weight units) to a neuron's dendritic sum: signed
// fmt.dendrite_acc_bits, two's-complement wrap, so the sum is independent of delivery order.
inline int32_t accumulate_dendrite(int32_t acc, int32_t w, const HardwareFormat& fmt) {
  return static_cast<int32_t>(wrap_bits(int64_t{acc} + w, fmt.dendrite_acc_bits));
}

// apply_weight_exp (below) with its run-time choices as template arguments, for a loop over one
// projection: Left when weight_exp >= 0 (shift = weight_exp, else -weight_exp), Ov = fmt.a_overflow.
template <Overflow Ov, bool Left>
inline int32_t apply_weight_exp_prepared(int32_t acc, int shift, int a_bits) {
  const int64_t shifted = Left ? shift_left(acc, shift) : shift_right_floor(acc, shift);
  return static_cast<int32_t>(narrow_bits(shifted, a_bits, Ov));
}

// Calls f(ov, left, shift) with apply_weight_exp_prepared's template arguments for this exponent
// and format as compile-time constants (std::integral_constant<Overflow, Ov>, std::bool_constant<Left>).
template <typename F>
inline decltype(auto) with_weight_exp(int32_t weight_exp, const HardwareFormat& fmt, F&& f) {
  return with_overflow(fmt.a_overflow, [&](auto ov) {
    return weight_exp >= 0 ? f(ov, std::true_type{}, weight_exp) : f(ov, std::false_type{}, -weight_exp);
  });
}

// The step's dendritic input a from the weight sum: acc << weight_exp, or floor(acc / 2^-weight_exp)
// for a negative exponent (Lava: the shift acts once on the sum), narrowed to fmt.a_bits by
// fmt.a_overflow.
inline int32_t apply_weight_exp(int32_t acc, int32_t weight_exp, const HardwareFormat& fmt) {
  return with_weight_exp(weight_exp, fmt, [&](auto ov, auto left, int shift) {
    return apply_weight_exp_prepared<decltype(ov)::value, decltype(left)::value>(acc, shift, fmt.a_bits);
  });
}

// A neuron fed by several projections (each with its own weight_exp): the exact sum of the
// projections' apply_weight_exp results, narrowed once by fmt.a_overflow (docs/arithmetic.md §4.4).
// With one projection it returns its input unchanged. RTL twin: narrow_bits.v (OVERFLOW = A_OVERFLOW).
inline int32_t narrow_dendritic_input(int64_t sum_of_projection_inputs, const HardwareFormat& fmt) {
  return static_cast<int32_t>(narrow_bits(sum_of_projection_inputs, fmt.a_bits, fmt.a_overflow));
}

struct WeightState {
  int32_t w = 0;  // weight mantissa: signed fmt.weight_bits + 1, on the projection's grid
};

// Per-synapse learning rates eta = mant * 2^exp (the exponents are per projection).
struct SynapseLearnParams {
  uint32_t eta_plus_mant = 0;   // potentiation mantissa: unsigned fmt.lr_mant_bits
  uint32_t eta_minus_mant = 0;  // depression mantissa: unsigned fmt.lr_mant_bits
};

struct WeightOutput {
  int32_t w_next = 0;
};

// The projection constants of weight_update (they depend only on the projection's registers
// and the format): a synapse loop computes them once per projection and step.
struct WeightUpdateConsts {
  int frac_bits = 0;                 // lf = learn_frac_bits
  int grid_shift = 0;                // k = weight_grid_shift
  int plus_shift = 0;                // eta_plus_exp + lf (>= 0)
  int minus_shift = 0;               // eta_minus_exp + lf (>= 0)
  int64_t acc_min = 0, acc_max = 0;  // learn_acc_bits two's-complement range
  int64_t w_min = 0, w_max = 0;      // the sign mode's grid range
  // The single-sign form (excitatory and inhibitory projections, docs/arithmetic.md §4.2):
  // s = +1 (excitatory) or -1 (inhibitory), a = s * (acc before saturation),
  // w_next = s * 2^k * clamp((a + bias) >> (lf + k), 0, q_max).
  bool single_sign = false;
  int64_t mul_w = 0, mul_plus = 0, mul_minus = 0;  // s * 2^lf, s * 2^plus_shift, s * 2^minus_shift
  int64_t mul_grid = 0;                            // s * 2^k
  int round_shift = 0;                             // lf + k
  int64_t round_bias = 0;                          // bias of the deterministic rounding modes
  int64_t rand_mask = 0;                           // 2^(lf + k) - 1: stochastic bias = mask - r
  int64_t q_max = 0;                               // (2^weight_bits - 2^k) / 2^k
};

constexpr WeightUpdateConsts weight_update_consts(const ProjectionParams& proj, const HardwareFormat& fmt) {
  WeightUpdateConsts c;
  c.frac_bits = fmt.learn_frac_bits;
  c.grid_shift = weight_grid_shift(proj.sign_mode, proj.num_weight_bits, fmt);
  c.plus_shift = proj.eta_plus_exp + fmt.learn_frac_bits;
  c.minus_shift = proj.eta_minus_exp + fmt.learn_frac_bits;
  c.acc_min = -pow2(fmt.learn_acc_bits - 1);
  c.acc_max = pow2(fmt.learn_acc_bits - 1) - 1;
  c.w_min = weight_min(proj.sign_mode, proj.num_weight_bits, fmt);
  c.w_max = weight_max(proj.sign_mode, proj.num_weight_bits, fmt);
  c.single_sign = proj.sign_mode == SignMode::excitatory || proj.sign_mode == SignMode::inhibitory;
  const int64_t s = proj.sign_mode == SignMode::inhibitory ? -1 : 1;
  c.mul_w = s * pow2(c.frac_bits);
  c.mul_plus = s * pow2(c.plus_shift);
  c.mul_minus = s * pow2(c.minus_shift);
  c.mul_grid = s * pow2(c.grid_shift);
  c.round_shift = c.frac_bits + c.grid_shift;
  c.rand_mask = low_mask(c.round_shift);
  switch (fmt.weight_rounding) {
    case Rounding::toward_zero: c.round_bias = 0; break;
    case Rounding::floor: c.round_bias = s > 0 ? 0 : low_mask(c.round_shift); break;
    case Rounding::nearest: c.round_bias = c.round_shift > 0 ? pow2(c.round_shift - 1) : 0; break;
    case Rounding::stochastic: c.round_bias = 0; break;
  }
  c.q_max = (pow2(fmt.weight_bits) - pow2(c.grid_shift)) / pow2(c.grid_shift);
  return c;
}

// weight_update as docs/arithmetic.md §4.2 writes it (the sign-magnitude rounding of the
// saturated accumulator), rounding mode R, constants prepared: potentiation = [post_spike] *
// eta_plus_mant * x_pre, depression = [pre_spike] * eta_minus_mant * y_post (each < 2^32).
template <Rounding R>
inline int32_t weight_update_magnitude(int32_t w, int64_t potentiation, int64_t depression, uint32_t rand_word,
                                       const WeightUpdateConsts& c) {
  // 1. one accumulation, exact (< 2^50), saturated once to the accumulator width
  const int64_t sum =
      shift_left(w, c.frac_bits) + shift_left(potentiation, c.plus_shift) - shift_left(depression, c.minus_shift);
  const int64_t acc = saturate(sum, c.acc_min, c.acc_max);
  // 2. round to the weight grid (multiples of 2^k weight units = 2^(lf + k) accumulator units)
  const int n = c.round_shift;
  const int64_t rounded = shift_left(shift_right_round(acc, n, R, random_field(rand_word, 0, n)), c.grid_shift);
  // 3. clip by sign mode
  return static_cast<int32_t>(saturate(rounded, c.w_min, c.w_max));
}

// The same function for an excitatory or inhibitory projection, in the single-sign form of
// docs/arithmetic.md §4.2: one floor shift with a rounding bias replaces the sign-magnitude
// rounding, and the final clip makes the accumulator's saturation redundant. Equal to
// weight_update_magnitude for every input (tests/core/test_fixed_weights.cpp sweeps both).
template <Rounding R>
inline int32_t weight_update_single_sign(int32_t w, int64_t potentiation, int64_t depression, uint32_t rand_word,
                                         const WeightUpdateConsts& c) {
  const int64_t a = int64_t{w} * c.mul_w + potentiation * c.mul_plus - depression * c.mul_minus;
  int64_t bias = c.round_bias;
  if constexpr (R == Rounding::stochastic) bias = c.rand_mask - (int64_t{rand_word} & c.rand_mask);
  // clamp(q, 0, q_max) without a branch: a depressed weight at 0 is frequent and unpredictable.
  int64_t q = shift_right_floor(a + bias, c.round_shift);
  q &= ~(q >> 63);
  q = q < c.q_max ? q : c.q_max;
  return static_cast<int32_t>(q * c.mul_grid);
}

// Either form, by the projection's sign mode.
template <Rounding R>
inline int32_t weight_update_prepared(int32_t w, int64_t potentiation, int64_t depression, uint32_t rand_word,
                                      const WeightUpdateConsts& c) {
  return c.single_sign ? weight_update_single_sign<R>(w, potentiation, depression, rand_word, c)
                       : weight_update_magnitude<R>(w, potentiation, depression, rand_word, c);
}

// One plastic synapse pre -> post at one step (pair STDP, docs/model.md):
//   acc = sat(w << lf + [post] eta_plus * x_pre * 2^lf - [pre] eta_minus * y_post * 2^lf, learn_acc_bits)
//   w'  = clamp(round(acc, lf + k) << k, weight_min, weight_max)
// with eta = mant * 2^exp, lf = learn_frac_bits, k = weight_grid_shift. x_pre and y_post are the
// traces after this step's impulses. rand_word: the synapse stream's draw when
// fmt.weight_rounding is stochastic (bits [0, lf + k)).
inline WeightOutput weight_update(const WeightState& state, const SynapseLearnParams& param,
                                  const ProjectionParams& proj, bool pre_spike, bool post_spike, uint32_t x_pre,
                                  uint32_t y_post, uint32_t rand_word, const HardwareFormat& fmt) {
  const WeightUpdateConsts c = weight_update_consts(proj, fmt);
  const int64_t potentiation = post_spike ? int64_t{param.eta_plus_mant} * x_pre : 0;
  const int64_t depression = pre_spike ? int64_t{param.eta_minus_mant} * y_post : 0;
  WeightOutput out;
  out.w_next = with_rounding(fmt.weight_rounding, [&](auto r) {
    return weight_update_prepared<decltype(r)::value>(state.w, potentiation, depression, rand_word, c);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Register-range checks for quantize() and the harnesses (one sentence per problem, naming the
// field, its value and the allowed range; empty when everything fits).

std::vector<std::string> lif_params_problems(const LifParams& param, const HardwareFormat& fmt);
std::vector<std::string> lif_state_problems(const LifState& state, const HardwareFormat& fmt);
std::vector<std::string> trace_params_problems(const TraceParams& param, const HardwareFormat& fmt);
std::vector<std::string> projection_params_problems(const ProjectionParams& proj, const HardwareFormat& fmt);
std::vector<std::string> synapse_learn_params_problems(const SynapseLearnParams& param, const HardwareFormat& fmt);

}  // namespace hrsnn::fixed
