// Tests of lif_update (core/fixed/datapath.hpp) under the loihi profile: hand-derived exact
// traces, the edges of the 24-bit registers, the refractory period, and the nengo-loihi
// closed-form firing period as a property.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/fixed/datapath.hpp"
#include "core/fixed/prng.hpp"

using namespace hrsnn::fixed;

namespace {

constexpr uint32_t kVthMax = (1U << 17) - 1;

// Runs `steps` steps from `state`, with input a[t] (0 past the end), recording u and v.
struct Trace {
  std::vector<int32_t> u, v;
  std::vector<bool> spike;
};
Trace run(LifState state, const LifParams& param, const std::vector<int32_t>& a, int steps,
          const HardwareFormat& fmt = HardwareFormat{}) {
  Trace out;
  for (int t = 0; t < steps; ++t) {
    const int32_t input = t < static_cast<int>(a.size()) ? a[static_cast<size_t>(t)] : 0;
    const LifOutput next = lif_update(state, param, input, 0, fmt);
    state = {next.u_next, next.v_next, next.ref_count_next};
    out.u.push_back(next.u_next);
    out.v.push_back(next.v_next);
    out.spike.push_back(next.spike);
  }
  return out;
}

}  // namespace

TEST_CASE("an impulse into u with du = 2047 halves every step, rounding toward zero", "[fixed][lif]") {
  LifParams p;
  p.du = 2047;  // effective 2048: factor (4096 - 2048) / 4096 = 1/2
  p.dv = 4095;
  p.vth = kVthMax;
  const Trace pos = run({}, p, {100}, 15);
  CHECK(pos.u == std::vector<int32_t>{6400, 3200, 1600, 800, 400, 200, 100, 50, 25, 12, 6, 3, 1, 0, 0});
  const Trace neg = run({}, p, {-100}, 15);
  // Toward zero: -25 -> -12 (floor would give -13 and never reach 0).
  CHECK(neg.u == std::vector<int32_t>{-6400, -3200, -1600, -800, -400, -200, -100, -50, -25, -12, -6, -3, -1, 0, 0});
  const Trace odd = run({}, p, {3}, 9);
  CHECK(odd.u == std::vector<int32_t>{192, 96, 48, 24, 12, 6, 3, 1, 0});
}

TEST_CASE("an impulse into v with dv = 2048 halves every step once u is gone (du = 4095)", "[fixed][lif]") {
  LifParams p;
  p.du = 4095;  // effective 4096: u is replaced by the input every step
  p.dv = 2048;
  p.vth = kVthMax;
  const Trace t = run({}, p, {100}, 15);
  CHECK(t.u == std::vector<int32_t>{6400, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  CHECK(t.v == std::vector<int32_t>{6400, 3200, 1600, 800, 400, 200, 100, 50, 25, 12, 6, 3, 1, 0, 0});
  const Trace neg = run({}, p, {-100}, 15);
  CHECK(neg.v == std::vector<int32_t>{-6400, -3200, -1600, -800, -400, -200, -100, -50, -25, -12, -6, -3, -1, 0, 0});
}

TEST_CASE("a bias ramp that meets the threshold exactly does not spike (strict >)", "[fixed][lif]") {
  LifParams p;
  p.du = 4095;
  p.dv = 0;  // no voltage decay: v grows by the bias exactly
  p.bias_mant = 1;
  p.bias_exp = 6;  // bias = 64
  p.vth = 10;      // threshold 10 << 6 = 640
  const Trace t = run({}, p, {}, 12);
  CHECK(t.v[8] == 576);
  CHECK(t.v[9] == 640);  // equals the threshold: no spike
  CHECK_FALSE(t.spike[9]);
  CHECK(t.spike[10]);  // 704 > 640
  CHECK(t.v[10] == 0);
  for (int i = 0; i < 10; ++i) CHECK_FALSE(t.spike[static_cast<size_t>(i)]);
  CHECK(t.v[11] == 64);  // the ramp restarts from the reset value 0
}

TEST_CASE("negative voltages decay toward zero: dv = 1 takes exactly one LSB per step", "[fixed][lif]") {
  LifParams p;
  p.du = 4095;
  p.dv = 1;  // factor 4095 / 4096: tzr(-n * 4095 / 4096) = -(n - 1) for 1 <= n <= 4096
  p.vth = kVthMax;
  LifState s;
  s.v = -1000;
  const Trace t = run(s, p, {}, 5);
  CHECK(t.v == std::vector<int32_t>{-999, -998, -997, -996, -995});
  const Trace all = run(s, p, {}, 1001);
  CHECK(all.v[999] == 0);
  CHECK(all.v[1000] == 0);

  // The other rounding modes treat the same state differently (the reason they are parameters):
  HardwareFormat floor_fmt;
  floor_fmt.decay_rounding = Rounding::floor;  // floor(-999.76) = -1000: stuck
  CHECK(lif_update(s, p, 0, 0, floor_fmt).v_next == -1000);
  HardwareFormat nearest_fmt;
  nearest_fmt.decay_rounding = Rounding::nearest;
  CHECK(lif_update(s, p, 0, 0, nearest_fmt).v_next == -1000);
  HardwareFormat stochastic_fmt;
  stochastic_fmt.decay_rounding = Rounding::stochastic;
  CHECK(lif_update(s, p, 0, 0, stochastic_fmt).v_next == -1000);           // r = 0: magnitude up
  CHECK(lif_update(s, p, 0, 0xFFFFFFFFU, stochastic_fmt).v_next == -999);  // r = max: truncate
}

TEST_CASE("stochastic decay rounding reads u's bits 0..11 and v's bits 12..23 of the draw", "[fixed][lif]") {
  HardwareFormat fmt;
  fmt.decay_rounding = Rounding::stochastic;
  LifParams p;
  p.du = 2047;  // u: 5 / 2 = 2.5
  p.dv = 2048;  // v: 7 / 2 = 3.5 (+ u)
  p.vth = kVthMax;
  const LifState s{5, 7, 0};
  CHECK(lif_update(s, p, 0, 0x00000000U, fmt).u_next == 3);
  CHECK(lif_update(s, p, 0, 0x00000FFFU, fmt).u_next == 2);  // u field all ones: truncate
  CHECK(lif_update(s, p, 0, 0x00000FFFU, fmt).v_next == 2 + 4);
  CHECK(lif_update(s, p, 0, 0x00FFF000U, fmt).u_next == 3);
  CHECK(lif_update(s, p, 0, 0x00FFF000U, fmt).v_next == 3 + 3);  // v field all ones: truncate
}

TEST_CASE("v saturates at +-(2^23 - 1) and u wraps at 24 bits", "[fixed][lif]") {
  LifParams p;
  p.du = 0;  // effective 1: factor 4095 / 4096
  p.dv = 0;  // exact
  p.vth = kVthMax;
  // u: tzr(8388000 * 4095 / 4096) = 8385952; + 1000 << 6 = 8449952 -> wraps to 8449952 - 2^24.
  CHECK(lif_update({8388000, 0, 0}, p, 1000, 0, {}).u_next == -8327264);
  CHECK(lif_update({-8388000, 0, 0}, p, -1000, 0, {}).u_next == 8327264);
  CHECK(lif_update({8388607, 0, 0}, p, 0, 0, {}).u_next == 8386559);  // no wrap without input

  // v: -8388000 + (-4096 << 7) saturates at -(2^23 - 1), not -2^23.
  p.bias_mant = -4096;
  p.bias_exp = 7;
  const LifOutput low = lif_update({0, -8388000, 0}, p, 0, 0, {});
  CHECK(low.v_next == -8388607);
  CHECK_FALSE(low.spike);
  // Upward, v clamps at 2^23 - 1, which exceeds even the largest threshold (131071 << 6).
  p.bias_mant = 4095;
  const LifOutput high = lif_update({0, 8388000, 0}, p, 0, 0, {});
  CHECK(high.spike);
  CHECK(high.v_next == 0);
  HardwareFormat wide_threshold;
  wide_threshold.vth_shift = 7;  // threshold 2^24 - 128: now the clamped value is visible
  CHECK(lif_update({0, 8388000, 0}, p, 0, 0, wide_threshold).v_next == 8388607);
}

TEST_CASE("refractory: v is held at 0 for t_ref steps while u keeps integrating", "[fixed][lif]") {
  LifParams p;
  p.du = 4095;
  p.dv = 0;
  p.vth = 1;  // threshold 64
  p.t_ref = 3;
  const Trace t = run({}, p, std::vector<int32_t>(10, 2), 10);  // u = 128 every step
  // step 0: v = 128 > 64 spikes; steps 1-3 held; step 4 spikes again (v = 128).
  CHECK(t.spike == std::vector<bool>{true, false, false, false, true, false, false, false, true, false});
  CHECK(t.v == std::vector<int32_t>{0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  CHECK(t.u == std::vector<int32_t>(10, 128));
  const LifOutput counting = lif_update({0, 5000, 2}, p, 0, 0, {});
  CHECK(counting.ref_count_next == 1);
  CHECK(counting.v_next == 0);
  CHECK_FALSE(counting.spike);
}

TEST_CASE("constant input fires with the nengo-loihi closed-form period", "[fixed][lif][property]") {
  // With du = 4095 the current is a << 6 every step, and from v = 0 the float recurrence gives
  // v_t = v_inf (1 - (1 - d)^t), d = dv / 4096, v_inf = (a << 6) / d. nengo-loihi's
  // loihi_lif_rates writes the period as t_ref + tau_rc * log1p(1 / j), tau_rc = -1 / log1p(-d),
  // j = v_inf / V - 1, and the rate as 1 / ceil(period): the first integer step with v_t > V.
  // Toward-zero rounding loses less than one LSB per step, so the integer crossing lies in
  // [n_lo, n_hi], n_hi from v_t - L_t > V with L_t = sum_k<t (1 - d)^k; when they agree the
  // integer period must equal the closed form exactly.
  Prng rng(99, PrngStream::soma);
  int exact_cases = 0;
  const int cases = 400;
  for (int c = 0; c < cases; ++c) {
    LifParams p;
    p.du = 4095;
    p.dv = 1 + rng.draw() % 4000;
    p.t_ref = rng.draw() % 8;
    const int32_t a = static_cast<int32_t>(1 + rng.draw() % 400);
    const double d = p.dv / 4096.0;
    const double v_inf = a * 64.0 / d;
    const double fraction = 0.05 + 0.9 * (rng.draw() % 1000) / 1000.0;
    p.vth = static_cast<uint32_t>(std::min(fraction * v_inf / 64.0, double{kVthMax}));
    const double threshold = p.vth * 64.0;
    if (p.vth == 0 || threshold >= v_inf) continue;

    const double tau_rc = -1.0 / std::log1p(-d);
    const double j = v_inf / threshold - 1.0;
    const double period = tau_rc * std::log1p(1.0 / j);  // integration steps, without t_ref
    int n_lo = static_cast<int>(std::floor(period)) + 1;
    // Guard the float evaluation at an exact crossing: recheck v_t against the threshold.
    auto v_float = [&](int t) { return v_inf * (1.0 - std::pow(1.0 - d, t)); };
    while (n_lo > 1 && v_float(n_lo - 1) > threshold) --n_lo;
    while (v_float(n_lo) <= threshold) ++n_lo;
    int n_hi = n_lo;
    auto loss = [&](int t) { return (1.0 - std::pow(1.0 - d, t)) / d; };
    while (v_float(n_hi) - loss(n_hi) <= threshold) ++n_hi;

    LifState s;
    std::vector<int> spikes;
    for (int t = 0; t < 4 * (n_hi + static_cast<int>(p.t_ref)) + 10 && spikes.size() < 4; ++t) {
      const LifOutput o = lif_update(s, p, a, 0, {});
      s = {o.u_next, o.v_next, o.ref_count_next};
      if (o.spike) spikes.push_back(t + 1);  // 1-based step count
    }
    REQUIRE(spikes.size() == 4);
    const int first = spikes[0];  // from v = 0 without refractory
    CHECK(first >= n_lo);
    CHECK(first <= n_hi);
    for (size_t k = 1; k < spikes.size(); ++k) {
      const int isi = spikes[k] - spikes[k - 1];
      CHECK(isi == first + static_cast<int>(p.t_ref));
    }
    if (n_lo == n_hi) {
      CHECK(first == n_lo);
      ++exact_cases;
    }
  }
  CHECK(exact_cases > cases / 2);  // the bound is tight, not vacuous
}
