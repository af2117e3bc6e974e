// Tests of core/fixed/arith.hpp: every named rounding, wrap and saturation, at its corners.
#include <catch2/catch.hpp>

#include "core/fixed/arith.hpp"

using namespace hrsnn::fixed;

TEST_CASE("shift_right_toward_zero truncates the magnitude, so negatives round up", "[fixed][arith]") {
  CHECK(shift_right_toward_zero(7, 1) == 3);
  CHECK(shift_right_toward_zero(-7, 1) == -3);
  CHECK(shift_right_toward_zero(-1, 12) == 0);
  CHECK(shift_right_toward_zero(-4096, 12) == -1);
  CHECK(shift_right_toward_zero(-4097, 12) == -1);
  CHECK(shift_right_toward_zero(5, 0) == 5);
}

TEST_CASE("shift_right_floor is the arithmetic shift: negatives round down", "[fixed][arith]") {
  CHECK(shift_right_floor(7, 1) == 3);
  CHECK(shift_right_floor(-7, 1) == -4);
  CHECK(shift_right_floor(-1, 12) == -1);
  CHECK(shift_right_floor(-4096, 12) == -1);
}

TEST_CASE("shift_right_nearest rounds ties away from zero, symmetrically in sign", "[fixed][arith]") {
  CHECK(shift_right_nearest(5, 1) == 3);    // 2.5 -> 3
  CHECK(shift_right_nearest(-5, 1) == -3);  // -2.5 -> -3
  CHECK(shift_right_nearest(6, 2) == 2);    // 1.5 -> 2
  CHECK(shift_right_nearest(5, 2) == 1);    // 1.25 -> 1
  CHECK(shift_right_nearest(-6, 2) == -2);
  CHECK(shift_right_nearest(-5, 2) == -1);
  CHECK(shift_right_nearest(9, 0) == 9);
}

TEST_CASE("shift_right_stochastic: r = 0 rounds every inexact magnitude up, r = max truncates", "[fixed][arith]") {
  CHECK(shift_right_stochastic(5, 2, 0) == 2);  // 1.25 up
  CHECK(shift_right_stochastic(5, 2, 0xFFFFFFFF) == 1);
  CHECK(shift_right_stochastic(-5, 2, 0) == -2);  // magnitude up: away from zero
  CHECK(shift_right_stochastic(-5, 2, 0xFFFFFFFF) == -1);
  CHECK(shift_right_stochastic(8, 2, 0) == 2);  // exact values never move
  CHECK(shift_right_stochastic(-8, 2, 0) == -2);
  // frac = 1 (of 4): rounds up only for r = 0; frac = 3: for r in {0, 1, 2}.
  CHECK(shift_right_stochastic(5, 2, 1) == 1);
  CHECK(shift_right_stochastic(7, 2, 2) == 2);
  CHECK(shift_right_stochastic(7, 2, 3) == 1);
  // Only the low n bits of the random word count.
  CHECK(shift_right_stochastic(7, 2, 0xFFFFFFFC) == 2);
}

TEST_CASE("shift_right_round dispatches on the rounding mode", "[fixed][arith]") {
  CHECK(shift_right_round(-7, 1, Rounding::toward_zero, 0) == -3);
  CHECK(shift_right_round(-7, 1, Rounding::floor, 0) == -4);
  CHECK(shift_right_round(-7, 1, Rounding::nearest, 0) == -4);
  CHECK(shift_right_round(-7, 1, Rounding::stochastic, 1) == -3);
}

TEST_CASE("wrap_bits is two's complement at 24 bits, with no special case at the edges", "[fixed][arith]") {
  CHECK(wrap_bits(8388607, 24) == 8388607);
  CHECK(wrap_bits(8388608, 24) == -8388608);  // Lava's quirk H2 would keep +2^23
  CHECK(wrap_bits(-8388608, 24) == -8388608);
  CHECK(wrap_bits(-8388609, 24) == 8388607);
  CHECK(wrap_bits(16777216 + 5, 24) == 5);
  CHECK(wrap_bits(-1, 24) == -1);
}

TEST_CASE("wrap_bits equals the definition (x mod 2^b, moved into the signed range) at every width", "[fixed][arith]") {
  // The definition of docs/arithmetic.md, written out: the low b bits as an unsigned value v,
  // then v - 2^b when v >= 2^(b-1).
  const auto definition = [](int64_t x, int b) {
    const auto v = static_cast<int64_t>(static_cast<uint64_t>(x) & ((uint64_t{1} << b) - 1));
    return v >= (int64_t{1} << (b - 1)) ? v - (int64_t{1} << b) : v;
  };
  uint64_t state = 0x9E3779B97F4A7C15ULL;
  for (int b = 1; b <= 62; ++b) {
    const int64_t edge = int64_t{1} << (b - 1);
    for (int64_t x : {int64_t{0}, int64_t{1}, int64_t{-1}, edge, edge - 1, -edge, -edge - 1, 2 * edge, -2 * edge})
      REQUIRE(wrap_bits(x, b) == definition(x, b));
    for (int k = 0; k < 2000; ++k) {
      state ^= state << 13;
      state ^= state >> 7;
      state ^= state << 17;
      const auto x = static_cast<int64_t>(state) >> 2;  // |x| < 2^62, the operations' precondition
      REQUIRE(wrap_bits(x, b) == definition(x, b));
    }
  }
}

TEST_CASE("saturate_symmetric_bits clamps to +-(2^(b-1) - 1), saturate_bits to the full range", "[fixed][arith]") {
  CHECK(saturate_symmetric_bits(9000000, 24) == 8388607);
  CHECK(saturate_symmetric_bits(-9000000, 24) == -8388607);
  CHECK(saturate_symmetric_bits(-8388608, 24) == -8388607);
  CHECK(saturate_bits(-40000, 16) == -32768);
  CHECK(saturate_bits(40000, 16) == 32767);
  CHECK(saturate_unsigned_bits(130, 7) == 127);
  CHECK(saturate_unsigned_bits(-3, 7) == 0);
  CHECK(narrow_bits(8388608, 24, Overflow::wrap) == -8388608);
  CHECK(narrow_bits(8388608, 24, Overflow::saturate) == 8388607);
}

TEST_CASE("random_field slices consecutive bit fields of a draw", "[fixed][arith]") {
  CHECK(random_field(0xABCDEF12U, 0, 12) == 0xF12U);
  CHECK(random_field(0xABCDEF12U, 12, 12) == 0xCDEU);
  CHECK(random_field(0xABCDEF12U, 24, 8) == 0xABU);
  CHECK(random_field(0xFFFFFFFFU, 0, 32) == 0xFFFFFFFFU);
}
