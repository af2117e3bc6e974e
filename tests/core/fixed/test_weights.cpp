// Tests of the weight path (core/fixed/datapath.hpp): the loader clip per sign mode and
// precision, the dendritic sum and its exponent, and the STDP weight update with its rounding.
#include <catch2/catch.hpp>

#include <utility>

#include "core/fixed/datapath.hpp"
#include "core/fixed/prng.hpp"

using namespace hrsnn::fixed;

namespace {
constexpr uint32_t kZero = 0;
constexpr uint32_t kMax = 0xFFFFFFFFU;
const HardwareFormat kLoihi{};
constexpr SignMode kExc = SignMode::excitatory;
constexpr SignMode kInh = SignMode::inhibitory;
constexpr SignMode kMix = SignMode::mixed;

ProjectionParams projection(SignMode mode, uint32_t bits = 8, int32_t plus_exp = 0, int32_t minus_exp = 0) {
  ProjectionParams p;
  p.sign_mode = mode;
  p.num_weight_bits = bits;
  p.eta_plus_exp = plus_exp;
  p.eta_minus_exp = minus_exp;
  return p;
}
}  // namespace

TEST_CASE("clip_weight_mantissa: excitatory 0..255, inhibitory -255..0, mixed even -256..254", "[fixed][weights]") {
  CHECK(clip_weight_mantissa(300, kExc, 8, kLoihi) == 255);
  CHECK(clip_weight_mantissa(-5, kExc, 8, kLoihi) == 0);
  CHECK(clip_weight_mantissa(100, kExc, 8, kLoihi) == 100);
  CHECK(clip_weight_mantissa(-300, kInh, 8, kLoihi) == -255);
  CHECK(clip_weight_mantissa(5, kInh, 8, kLoihi) == 0);
  CHECK(clip_weight_mantissa(-101, kInh, 8, kLoihi) == -101);
  CHECK(clip_weight_mantissa(255, kMix, 8, kLoihi) == 254);  // mixed drops the LSB
  CHECK(clip_weight_mantissa(300, kMix, 8, kLoihi) == 254);
  CHECK(clip_weight_mantissa(-257, kMix, 8, kLoihi) == -256);
  CHECK(clip_weight_mantissa(-3, kMix, 8, kLoihi) == -4);  // floor of the value
  CHECK(clip_weight_mantissa(3, kMix, 8, kLoihi) == 2);
  CHECK(clip_weight_mantissa(INT32_MIN, kInh, 8, kLoihi) == -255);
  CHECK(clip_weight_mantissa(INT32_MAX, kMix, 8, kLoihi) == 254);
}

TEST_CASE("num_weight_bits below 8 drops low bits: magnitudes floor, mixed values floor", "[fixed][weights]") {
  CHECK(clip_weight_mantissa(255, kExc, 6, kLoihi) == 252);  // k = 2
  CHECK(clip_weight_mantissa(7, kExc, 6, kLoihi) == 4);
  CHECK(clip_weight_mantissa(-7, kInh, 6, kLoihi) == -4);  // the magnitude floors (Lava negates first)
  CHECK(clip_weight_mantissa(-255, kInh, 6, kLoihi) == -252);
  CHECK(clip_weight_mantissa(-3, kMix, 6, kLoihi) == -8);  // k = 3, floor of the value
  CHECK(clip_weight_mantissa(13, kMix, 6, kLoihi) == 8);
  CHECK(clip_weight_mantissa(255, kMix, 6, kLoihi) == 248);
  CHECK(clip_weight_mantissa(-256, kMix, 6, kLoihi) == -256);
  CHECK(clip_weight_mantissa(200, kExc, 1, kLoihi) == 128);  // one bit: {0, 128}
  CHECK(weight_max(kExc, 6, kLoihi) == 252);
  CHECK(weight_min(kInh, 6, kLoihi) == -252);
  CHECK(weight_min(kMix, 6, kLoihi) == -256);
  CHECK(weight_max(kMix, 6, kLoihi) == 248);
  CHECK(weight_grid_shift(kMix, 8, kLoihi) == 1);
}

TEST_CASE("apply_weight_exp shifts the sum left for positive exponents and floors for negative", "[fixed][weights]") {
  CHECK(apply_weight_exp(1000, 3, kLoihi) == 8000);
  CHECK(apply_weight_exp(1000, -3, kLoihi) == 125);
  CHECK(apply_weight_exp(-1001, -3, kLoihi) == -126);  // floor(-125.125); toward zero would give -125
  CHECK(apply_weight_exp(-1, -7, kLoihi) == -1);
  CHECK(apply_weight_exp(1, -7, kLoihi) == 0);
  CHECK(apply_weight_exp(-255, 0, kLoihi) == -255);
  // a is 16-bit and wraps in the loihi profile (nengo-loihi's 22-bit q0 = 16 bits << 6).
  CHECK(apply_weight_exp(4096, 7, kLoihi) == 0);
  CHECK(apply_weight_exp(300, 7, kLoihi) == 38400 - 65536);
  HardwareFormat sat = kLoihi;
  sat.a_overflow = Overflow::saturate;
  CHECK(apply_weight_exp(4096, 7, sat) == 32767);
}

TEST_CASE("the dendritic sum wraps, so delivery order never changes it", "[fixed][weights]") {
  CHECK(accumulate_dendrite(8388600, 100, kLoihi) == 8388700 - 16777216);
  int32_t forward = 0, backward = 0;
  const int32_t weights[] = {255, 255, -256, 8388607, 255, -100};
  for (int32_t w : weights) forward = accumulate_dendrite(forward, w, kLoihi);
  for (int i = 5; i >= 0; --i) backward = accumulate_dendrite(backward, weights[i], kLoihi);
  CHECK(forward == backward);
}

TEST_CASE("weight_update adds eta * trace exactly when the change is a whole weight LSB", "[fixed][stdp]") {
  const SynapseLearnParams eta{3, 2};
  const ProjectionParams proj = projection(kExc);
  // post spike: w += 3 * x_pre = 30; pre spike: w -= 2 * y_post = 10; both: one accumulation.
  CHECK(weight_update({100}, eta, proj, false, true, 10, 5, kZero, kLoihi).w_next == 130);
  CHECK(weight_update({100}, eta, proj, true, false, 10, 5, kZero, kLoihi).w_next == 90);
  CHECK(weight_update({100}, eta, proj, true, true, 10, 5, kMax, kLoihi).w_next == 120);
  CHECK(weight_update({100}, eta, proj, false, false, 10, 5, kZero, kLoihi).w_next == 100);
  // Exponents scale by powers of two: 3 * 10 * 2^2 = 120; 2 * 5 * 2^-1 = 5.
  const ProjectionParams scaled = projection(kExc, 8, 2, -1);
  CHECK(weight_update({100}, eta, scaled, true, true, 10, 5, kZero, kLoihi).w_next == 215);
}

TEST_CASE("weight_update rounds stochastically to the weight grid: r = 0 up, r = max truncates", "[fixed][stdp]") {
  const SynapseLearnParams half{1, 1};
  const ProjectionParams fine = projection(kExc, 8, -7, -7);  // eta = 2^-7
  // 100 + 64 / 128 = 100.5
  CHECK(weight_update({100}, half, fine, false, true, 64, 0, kZero, kLoihi).w_next == 101);
  CHECK(weight_update({100}, half, fine, false, true, 64, 0, kMax, kLoihi).w_next == 100);
  // 100 - 64 / 128 = 99.5: the magnitude rounds up (100) with r = 0 and truncates (99) with r = max
  CHECK(weight_update({100}, half, fine, true, false, 0, 64, kZero, kLoihi).w_next == 100);
  CHECK(weight_update({100}, half, fine, true, false, 0, 64, kMax, kLoihi).w_next == 99);
  // The rounding reads bits [0, 7): frac = 64 rounds up iff r < 64.
  CHECK(weight_update({100}, half, fine, false, true, 64, 0, 63U, kLoihi).w_next == 101);
  CHECK(weight_update({100}, half, fine, false, true, 64, 0, 64U, kLoihi).w_next == 100);
  CHECK(weight_update({100}, half, fine, false, true, 64, 0, 0xFFFFFF80U, kLoihi).w_next == 101);
  // Inhibitory mirrors excitatory bit for bit (sign-magnitude rounding).
  const ProjectionParams inh = projection(kInh, 8, -7, -7);
  CHECK(weight_update({-100}, half, inh, true, false, 0, 64, kZero, kLoihi).w_next == -101);
  CHECK(weight_update({-100}, half, inh, true, false, 0, 64, kMax, kLoihi).w_next == -100);
}

TEST_CASE("weight_update keeps the projection's grid: mixed even values, coarse num_weight_bits", "[fixed][stdp]") {
  const SynapseLearnParams one{1, 1};
  // mixed: 100 + 1 = 101 lies between the grid points 100 and 102.
  CHECK(weight_update({100}, one, projection(kMix), false, true, 1, 0, kZero, kLoihi).w_next == 102);
  CHECK(weight_update({100}, one, projection(kMix), false, true, 1, 0, kMax, kLoihi).w_next == 100);
  // excitatory, 6 bits (grid of 4): 100 + 3 = 103 -> 104 or 100.
  CHECK(weight_update({100}, one, projection(kExc, 6), false, true, 3, 0, kZero, kLoihi).w_next == 104);
  CHECK(weight_update({100}, one, projection(kExc, 6), false, true, 3, 0, kMax, kLoihi).w_next == 100);
}

TEST_CASE("weight_update clips by sign mode and saturates the 16-bit accumulator", "[fixed][stdp]") {
  const SynapseLearnParams big{15, 15};
  CHECK(weight_update({250}, {3, 0}, projection(kExc), false, true, 10, 0, kZero, kLoihi).w_next == 255);
  CHECK(weight_update({5}, {0, 3}, projection(kExc), true, false, 0, 10, kZero, kLoihi).w_next == 0);
  CHECK(weight_update({-250}, {0, 3}, projection(kInh), true, false, 0, 10, kZero, kLoihi).w_next == -255);
  CHECK(weight_update({-5}, {3, 0}, projection(kInh), false, true, 10, 0, kZero, kLoihi).w_next == 0);
  CHECK(weight_update({250}, {3, 0}, projection(kMix), false, true, 10, 0, kZero, kLoihi).w_next == 254);
  CHECK(weight_update({-250}, {0, 3}, projection(kMix), true, false, 0, 10, kZero, kLoihi).w_next == -256);
  // 15 * 127 << (8 + 7) saturates the accumulator at 32767 = 255.99 weights: rounds to 256, clipped.
  CHECK(weight_update({0}, big, projection(kExc, 8, 8, 8), false, true, 127, 0, kZero, kLoihi).w_next == 255);
  CHECK(weight_update({0}, big, projection(kMix, 8, 8, 8), true, false, 0, 127, kZero, kLoihi).w_next == -256);
}

TEST_CASE("stochastic weight rounding is unbiased over the hardware PRNG", "[fixed][stdp][property]") {
  Prng rng(11, PrngStream::synapse);
  const ProjectionParams fine = projection(kExc, 8, -7, -7);
  const int n = 100000;
  int64_t sum = 0;
  for (int i = 0; i < n; ++i) sum += weight_update({100}, {1, 0}, fine, false, true, 37, 0, rng.draw(), kLoihi).w_next;
  CHECK(static_cast<double>(sum) / n == Approx(100.0 + 37.0 / 128.0).margin(0.01));
}

TEST_CASE("several projections' inputs are summed exactly and narrowed once", "[fixed][weights]") {
  const int32_t a_exc = apply_weight_exp(30000, 0, kLoihi);
  const int32_t a_inh = apply_weight_exp(-255 * 4, 3, kLoihi);
  CHECK(narrow_dendritic_input(int64_t{a_exc} + a_inh, kLoihi) == 30000 - 8160);
  CHECK(narrow_dendritic_input(int64_t{30000} + 10000, kLoihi) == 40000 - 65536);  // wraps at 16 bits
  HardwareFormat sat = kLoihi;
  sat.a_overflow = Overflow::saturate;
  CHECK(narrow_dendritic_input(int64_t{30000} + 10000, sat) == 32767);
  CHECK(narrow_dendritic_input(-123, kLoihi) == -123);
}

namespace {
// The single-sign form of weight_update (docs/arithmetic.md §4.2) against the sign-magnitude
// form it replaces, for one format, over every rounding mode and both single-sign modes: random
// weights over the whole register (on and off the grid, either sign), random products up to the
// widest the format allows (so the accumulator saturates often), random draws, plus the edges.
void check_single_sign_equals_magnitude(HardwareFormat fmt, uint32_t seed) {
  Prng g(seed);
  const auto below = [&](int64_t bound) { return static_cast<int64_t>(g.draw() % static_cast<uint64_t>(bound)); };
  const int64_t product_bound = pow2(fmt.lr_mant_bits + fmt.trace_bits);
  uint64_t compared = 0, mismatches = 0;
  for (const Rounding rounding : {Rounding::toward_zero, Rounding::floor, Rounding::nearest, Rounding::stochastic}) {
    fmt.weight_rounding = rounding;
    for (const SignMode mode : {kExc, kInh}) {
      for (int trial = 0; trial < 20000; ++trial) {
        ProjectionParams proj;
        proj.sign_mode = mode;
        proj.num_weight_bits = static_cast<uint32_t>(1 + below(fmt.weight_bits));
        proj.eta_plus_exp = static_cast<int32_t>(below(fmt.learn_frac_bits + fmt.lr_exp_max + 1)) - fmt.learn_frac_bits;
        proj.eta_minus_exp =
            static_cast<int32_t>(below(fmt.learn_frac_bits + fmt.lr_exp_max + 1)) - fmt.learn_frac_bits;
        const WeightUpdateConsts c = weight_update_consts(proj, fmt);
        const int64_t w_span = pow2(fmt.weight_bits + 1);
        const auto w =
            static_cast<int32_t>(trial % 7 == 0 ? (trial % 2 ? c.w_max : c.w_min) : below(w_span) - w_span / 2);
        const int64_t plus = trial % 5 == 0 ? 0 : below(trial % 3 ? 64 : product_bound);
        const int64_t minus = trial % 5 == 1 ? 0 : below(trial % 3 ? 64 : product_bound);
        const uint32_t r = trial % 11 == 0 ? 0u : (trial % 11 == 1 ? kMax : g.draw());
        const auto [single, magnitude] = with_rounding(rounding, [&](auto rm) {
          constexpr Rounding kMode = decltype(rm)::value;
          return std::pair{weight_update_single_sign<kMode>(w, plus, minus, r, c),
                           weight_update_magnitude<kMode>(w, plus, minus, r, c)};
        });
        ++compared;
        if (single != magnitude) {
          ++mismatches;
          INFO("rounding " << static_cast<int>(rounding) << " sign mode " << static_cast<int>(mode) << " w " << w
                           << " plus " << plus << " minus " << minus << " r " << r << " bits " << proj.num_weight_bits
                           << " exps " << proj.eta_plus_exp << "," << proj.eta_minus_exp << ": single-sign " << single
                           << " magnitude " << magnitude);
          CHECK(single == magnitude);
          if (mismatches > 5) return;
        }
      }
    }
  }
  CHECK(compared == 160000u);
  CHECK(mismatches == 0u);
}
}  // namespace

TEST_CASE("weight_update's single-sign form equals the sign-magnitude form, loihi widths", "[fixed][stdp]") {
  check_single_sign_equals_magnitude(HardwareFormat{}, 11u);
}

TEST_CASE("weight_update's single-sign form equals the sign-magnitude form, narrow widths", "[fixed][stdp]") {
  check_single_sign_equals_magnitude(narrow_format(), 12u);
}
