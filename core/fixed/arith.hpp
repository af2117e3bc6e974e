// Twin: hw_model/rtl/shift_right_round.v (the rounding shifts) and hw_model/rtl/narrow_bits.v
// (wrap / saturate). The named integer operations of the fixed-point core: every rounding,
// shift, wrap and saturation of docs/arithmetic.md is one of these calls, never an operator
// hidden in an expression.
//
// All operations work on int64_t intermediates. Preconditions (never violated by the
// datapath, whose widths docs/arithmetic.md bounds to well under 2^62): shift amounts in
// [0, 62], |x| < 2^62, register widths in [1, 62]. Signed overflow is undefined behaviour in
// C++, so no operation here ever produces a value outside int64_t.
#pragma once

#include "core/foundation/register_format.hpp"

#include <cstdint>
#include <type_traits>

namespace hrsnn::fixed {

// Calls f(std::integral_constant<Rounding, R>{}) with the run-time mode R as a compile-time
// constant: one dispatch outside a loop, the loop instantiated per mode (read R in f as
// decltype(r)::value).
template <typename F>
constexpr decltype(auto) with_rounding(Rounding mode, F&& f) {
  switch (mode) {
    case Rounding::toward_zero: return f(std::integral_constant<Rounding, Rounding::toward_zero>{});
    case Rounding::floor: return f(std::integral_constant<Rounding, Rounding::floor>{});
    case Rounding::nearest: return f(std::integral_constant<Rounding, Rounding::nearest>{});
    case Rounding::stochastic: return f(std::integral_constant<Rounding, Rounding::stochastic>{});
  }
  return f(std::integral_constant<Rounding, Rounding::toward_zero>{});
}

// Calls f(std::integral_constant<Overflow, O>{}) with the run-time rule O as a compile-time
// constant (the loops of the fixed core are instantiated per rule).
template <typename F>
constexpr decltype(auto) with_overflow(Overflow rule, F&& f) {
  if (rule == Overflow::wrap) return f(std::integral_constant<Overflow, Overflow::wrap>{});
  return f(std::integral_constant<Overflow, Overflow::saturate>{});
}

// 2^n as int64_t.
constexpr int64_t pow2(int n) { return int64_t{1} << n; }

// Low n bits set.
constexpr int64_t low_mask(int n) { return pow2(n) - 1; }

// x * 2^n. Written as a multiplication so that a negative x is never a shifted operand.
constexpr int64_t shift_left(int64_t x, int n) { return x * pow2(n); }

// floor(x / 2^n): the arithmetic shift right (asr). C++20 defines >> on negative values.
constexpr int64_t shift_right_floor(int64_t x, int n) { return x >> n; }

// The sign-magnitude roundings below are written without a condition on the sign (a state's
// sign is unpredictable, and a compiler may turn a conditional into a branch): with
// m = x >> 63 (all ones when x < 0, else 0), |x| = (x ^ m) - m, and (q ^ m) - m gives q the
// sign of x.

// sign(x) * floor(|x| / 2^n): rounds toward zero (tzr, Lava's right_shift of the magnitude).
// Equal to floor((x + [x < 0] (2^n - 1)) / 2^n).
constexpr int64_t shift_right_toward_zero(int64_t x, int n) { return (x + ((x >> 63) & low_mask(n))) >> n; }

// sign(x) * floor((|x| + 2^(n-1)) / 2^n): nearest, ties away from zero. Computed on the
// magnitude so that a negative state decays exactly like its positive mirror.
constexpr int64_t shift_right_nearest(int64_t x, int n) {
  if (n == 0) return x;
  const int64_t m = x >> 63;
  const int64_t q = (((x ^ m) - m) + pow2(n - 1)) >> n;
  return (q ^ m) - m;
}

// sign(x) * (floor(|x| / 2^n) + [frac > r]) where frac = |x| mod 2^n and r = the low n bits of
// rand_word. With r uniform on [0, 2^n) the magnitude rounds up with probability frac / 2^n,
// so the expectation is exact; r = 0 rounds every inexact value up (away from zero), r = 2^n - 1
// truncates. An exact value (frac = 0) never changes, whatever r. Computed as
// floor((|x| + 2^n - 1 - r) / 2^n), which adds 1 exactly when frac > r.
constexpr int64_t shift_right_stochastic(int64_t x, int n, uint32_t rand_word) {
  const int64_t m = x >> 63;
  const int64_t mag = (x ^ m) - m;
  const int64_t r = static_cast<int64_t>(rand_word) & low_mask(n);
  const int64_t q = (mag + (low_mask(n) - r)) >> n;
  return (q ^ m) - m;
}

// x / 2^n rounded by `mode`. rand_word is read only by Rounding::stochastic (its low n bits).
constexpr int64_t shift_right_round(int64_t x, int n, Rounding mode, uint32_t rand_word) {
  switch (mode) {
    case Rounding::toward_zero: return shift_right_toward_zero(x, n);
    case Rounding::floor: return shift_right_floor(x, n);
    case Rounding::nearest: return shift_right_nearest(x, n);
    case Rounding::stochastic: return shift_right_stochastic(x, n, rand_word);
  }
  return shift_right_toward_zero(x, n);
}

// Clamp to [lo, hi].
constexpr int64_t saturate(int64_t x, int64_t lo, int64_t hi) { return x < lo ? lo : (x > hi ? hi : x); }

// Clamp to the full two's-complement range of a signed `bits`-bit register,
// [-2^(bits-1), 2^(bits-1) - 1]. Used by the learning accumulator (the mixed-sign weight
// -256 << 7 = -2^15 must be representable).
constexpr int64_t saturate_bits(int64_t x, int bits) { return saturate(x, -pow2(bits - 1), pow2(bits - 1) - 1); }

// Clamp to the symmetric range [-(2^(bits-1) - 1), 2^(bits-1) - 1] (Lava's v saturation).
constexpr int64_t saturate_symmetric_bits(int64_t x, int bits) {
  return saturate(x, -(pow2(bits - 1) - 1), pow2(bits - 1) - 1);
}

// Clamp to [0, 2^bits - 1] (traces).
constexpr int64_t saturate_unsigned_bits(int64_t x, int bits) { return saturate(x, 0, low_mask(bits)); }

// Two's-complement wrap to a signed `bits`-bit register: the unique value congruent to x
// modulo 2^bits in [-2^(bits-1), 2^(bits-1) - 1] (nengo-loihi's overflow_signed; unlike Lava's
// PyLifModelBitAcc it has no special case at +-2^23, see docs/arithmetic.md).
// Computed as the low bits moved to the top, then an arithmetic shift back (two instructions,
// no compare; C++20 defines both shifts for every value).
constexpr int64_t wrap_bits(int64_t x, int bits) {
  const int up = 64 - bits;
  return static_cast<int64_t>(static_cast<uint64_t>(x) << up) >> up;
}

// Narrow x into a signed `bits`-bit register by its overflow rule.
constexpr int64_t narrow_bits(int64_t x, int bits, Overflow rule) {
  return rule == Overflow::wrap ? wrap_bits(x, bits) : saturate_symmetric_bits(x, bits);
}

// Bits [lo, lo + width) of a 32-bit random draw (the slicing of docs/arithmetic.md §5).
constexpr uint32_t random_field(uint32_t rand_word, int lo, int width) {
  return static_cast<uint32_t>((uint64_t{rand_word} >> lo) & ((uint64_t{1} << width) - 1));
}

}  // namespace hrsnn::fixed
