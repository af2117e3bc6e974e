// Tests of trace_update (core/fixed/datapath.hpp): decay with stochastic rounding against a
// forced random stream, the impulse and its fraction, saturation, and unbiasedness.
#include <catch2/catch.hpp>

#include "core/fixed/datapath.hpp"
#include "core/fixed/prng.hpp"

using namespace hrsnn::fixed;

namespace {
constexpr uint32_t kZero = 0;           // every stochastic rounding goes up
constexpr uint32_t kMax = 0xFFFFFFFFU;  // every stochastic rounding truncates
const HardwareFormat kLoihi{};
}  // namespace

TEST_CASE("trace decay x * (4096 - dx) / 4096 is exact when it can be", "[fixed][trace]") {
  const TraceParams p{1024, 0, 0};  // factor 3/4
  CHECK(trace_update({100}, p, false, kZero, kLoihi).x_next == 75);
  CHECK(trace_update({100}, p, false, kMax, kLoihi).x_next == 75);
  CHECK(trace_update({0}, p, false, kZero, kLoihi).x_next == 0);
  CHECK(trace_update({127}, {0, 0, 0}, false, kZero, kLoihi).x_next == 127);  // dx = 0: no decay
}

TEST_CASE("trace decay rounds stochastically: r = 0 rounds up, r = max truncates", "[fixed][trace]") {
  const TraceParams p{1024, 0, 0};  // 101 * 3/4 = 75.75
  CHECK(trace_update({101}, p, false, kZero, kLoihi).x_next == 76);
  CHECK(trace_update({101}, p, false, kMax, kLoihi).x_next == 75);
  // The decay reads bits [0, 12) only: 0.75 * 4096 = 3072 rounds up iff r < 3072.
  CHECK(trace_update({101}, p, false, 3071U, kLoihi).x_next == 76);
  CHECK(trace_update({101}, p, false, 3072U, kLoihi).x_next == 75);
  CHECK(trace_update({101}, p, false, 0xFFFFF000U, kLoihi).x_next == 76);
  // dx = 4095 keeps 1/4096 of the trace: a trace of 1 survives only when r = 0.
  CHECK(trace_update({1}, {4095, 0, 0}, false, kZero, kLoihi).x_next == 1);
  CHECK(trace_update({1}, {4095, 0, 0}, false, kMax, kLoihi).x_next == 0);
}

TEST_CASE("the impulse is added at the spike, its fraction rounded from bits 12..19", "[fixed][trace]") {
  const TraceParams p{2048, 10, 128};  // decay 1/2, impulse 10.5
  CHECK(trace_update({20}, p, true, kZero, kLoihi).x_next == 10 + 11);
  CHECK(trace_update({20}, p, true, kMax, kLoihi).x_next == 10 + 10);
  CHECK(trace_update({20}, p, false, kZero, kLoihi).x_next == 10);           // no spike, no impulse
  CHECK(trace_update({20}, p, true, 127U << 12, kLoihi).x_next == 10 + 11);  // r = 127 < 128: up
  CHECK(trace_update({20}, p, true, 128U << 12, kLoihi).x_next == 10 + 10);  // r = 128: truncate
  // The value after the step includes the step's impulse, from an empty trace too.
  CHECK(trace_update({0}, {0, 16, 0}, true, kMax, kLoihi).x_next == 16);
}

TEST_CASE("the trace saturates at 127, including the maximum impulse", "[fixed][trace]") {
  CHECK(trace_update({120}, {0, 20, 0}, true, kZero, kLoihi).x_next == 127);
  CHECK(trace_update({127}, {0, 127, 255}, true, kZero, kLoihi).x_next == 127);
  CHECK(trace_update({0}, {0, 127, 255}, true, kMax, kLoihi).x_next == 127);
  CHECK(trace_update({0}, {4095, 127, 255}, true, kZero, kLoihi).x_next == 127);
}

TEST_CASE("stochastic trace decay is unbiased over the hardware PRNG", "[fixed][trace][property]") {
  Prng rng(5, PrngStream::trace);
  const TraceParams p{1024, 0, 0};  // 101 -> 75.75 on average
  const int n = 100000;
  int64_t sum = 0;
  for (int i = 0; i < n; ++i) sum += trace_update({101}, p, false, rng.draw(), kLoihi).x_next;
  CHECK(static_cast<double>(sum) / n == Approx(75.75).margin(0.01));
  const TraceParams q{0, 3, 77};  // impulse 3 + 77/256 from an empty trace
  sum = 0;
  for (int i = 0; i < n; ++i) sum += trace_update({0}, q, true, rng.draw(), kLoihi).x_next;
  CHECK(static_cast<double>(sum) / n == Approx(3.0 + 77.0 / 256.0).margin(0.01));
}

TEST_CASE("non-stochastic trace rounding modes ignore the random word", "[fixed][trace]") {
  HardwareFormat nearest = kLoihi;
  nearest.trace_rounding = Rounding::nearest;
  CHECK(trace_update({101}, {1024, 0, 0}, false, kZero, nearest).x_next == 76);
  CHECK(trace_update({101}, {1024, 0, 0}, false, kMax, nearest).x_next == 76);
  CHECK(trace_update({0}, {0, 2, 128}, true, kMax, nearest).x_next == 3);  // 2.5 -> 3
  HardwareFormat floor_fmt = kLoihi;
  floor_fmt.trace_rounding = Rounding::floor;
  CHECK(trace_update({101}, {1024, 0, 0}, false, kZero, floor_fmt).x_next == 75);
  CHECK(trace_update({0}, {0, 2, 255}, true, kZero, floor_fmt).x_next == 2);
}
