// Task generators: reproducible from their seed, and equal to hand-computed values of their
// defining recurrences (NARMA-10's first outputs, one Lorenz RK4 step, the first Mackey-Glass
// samples while the delayed term still reads the constant history).
#include "core/foundation/random.hpp"
#include "study/tasks.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace hrsnn::study;
using hrsnn::Rng;

TEST_CASE("The study RNG is deterministic, uniform in 0..1 and unbiased in below()", "[study][random]") {
  Rng a(42);
  Rng b(42);
  Rng c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const auto x = a.next_u64();
    CHECK(x == b.next_u64());
    differs = differs || x != c.next_u64();
  }
  CHECK(differs);
  Rng r(7);
  double sum = 0.0;
  std::size_t counts[3] = {0, 0, 0};
  for (int i = 0; i < 30000; ++i) {
    const double u = r.uniform();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    sum += u;
    ++counts[r.below_by_rejection(3)];
  }
  CHECK(sum / 30000.0 == Approx(0.5).margin(0.01));
  for (const auto n : counts) CHECK(static_cast<double>(n) == Approx(10000.0).margin(400.0));
}

TEST_CASE("The memory-capacity input is i.i.d. uniform in low..high and set by the seed", "[study][tasks]") {
  const auto u = uniform_input(5000, 3);
  CHECK(u == uniform_input(5000, 3));
  CHECK(u != uniform_input(5000, 4));
  double sum = 0.0;
  for (const double x : u) {
    REQUIRE(x >= 0.0);
    REQUIRE(x < 1.0);
    sum += x;
  }
  CHECK(sum / 5000.0 == Approx(0.5).margin(0.02));
  const auto v = uniform_input(10, 3, -1.0, 1.0);
  for (std::size_t i = 0; i < 10; ++i) CHECK(v[i] == Approx(2.0 * u[i] - 1.0));
}

TEST_CASE("NARMA-10 follows its recurrence from y(0) = 0", "[study][tasks]") {
  const TaskSeries task = narma10_task(500, 11);
  REQUIRE(task.input.size() == 500);
  REQUIRE(task.target.size() == 500);
  // target[t] = y(t+1). Until t = 9 the input term 1.5 u(t-9) u(t) reads u at negative times
  // (zero), so y(1..9) do not depend on the input (values worked out by hand from
  // y(t+1) = 0.3 y + 0.05 y sum + 0.1: y1 = 0.1, y2 = 0.03 + 0.0005 + 0.1 = 0.1305, ...).
  const double expected[9] = {0.1,
                              0.1305,
                              0.14065401250000001,
                              0.14480641880568002,
                              0.14717764475684447,
                              0.14903324843622673,
                              0.15076200106970811,
                              0.15248728807388293,
                              0.15425055964396622};
  for (std::size_t t = 0; t < 9; ++t) CHECK(task.target[t] == Approx(expected[t]).epsilon(1e-14));
  // y(10) is the first output that sees the input: + 1.5 u(0) u(9).
  CHECK(task.target[9] == Approx(0.15606754234535108 + 1.5 * task.input[0] * task.input[9]).epsilon(1e-14));
  // And every later value obeys the recurrence.
  for (std::size_t t = 10; t < 500; ++t) {
    const double y = task.target[t - 1];
    double sum = 0.0;
    for (std::size_t i = 0; i < 10; ++i) sum += task.target[t - 1 - i];
    const double next = 0.3 * y + 0.05 * y * sum + 1.5 * task.input[t - 9] * task.input[t] + 0.1;
    REQUIRE(task.target[t] == Approx(next).epsilon(1e-14));
  }
  for (const double u : task.input) {
    REQUIRE(u >= 0.0);
    REQUIRE(u < 0.5);
  }
  CHECK(narma10_task(500, 11).target == task.target);
}

TEST_CASE("One Lorenz-63 RK4 step from (1, 1, 1) matches the hand-computed stages", "[study][tasks]") {
  // k1 = f(1,1,1) = (0, 26, -5/3); k2, k3, k4 evaluated at the RK4 midpoints (dt = 0.01):
  // k2 = (1.3, 25.878333.., -1.514444..), k3 = (1.2289166.., 26.0537297.., -1.5097413..),
  // k4 = (2.4824813.., 26.0865531.., -1.3503786..); x1 = x0 + dt/6 (k1 + 2 k2 + 2 k3 + k4).
  const LorenzConfig c;
  const auto s = lorenz_rk4_step({1.0, 1.0, 1.0}, 0.01, c);
  CHECK(s[0] == Approx(1.0125671910736112).epsilon(1e-14));
  CHECK(s[1] == Approx(1.2599177989452743).epsilon(1e-14));
  CHECK(s[2] == Approx(0.98489097179160534).epsilon(1e-14));
}

TEST_CASE("Lorenz samples are RK4 steps of the configured stride and stay on the attractor", "[study][tasks]") {
  LorenzConfig c;
  c.initial_jitter = 0.0;
  c.discard_time = 0.0;
  const auto states = lorenz63(3, c, 1);
  auto s = c.initial_state;
  CHECK(states[0] == s);
  s = lorenz_rk4_step(lorenz_rk4_step(s, c.dt, c), c.dt, c);
  CHECK(states[1] == s);

  const TaskSeries task = lorenz_task(2000, 5, 3);
  REQUIRE(task.input.size() == 2000);
  for (std::size_t t = 0; t + 3 < 2000; ++t) REQUIRE(task.target[t] == task.input[t + 3]);
  for (const double x : task.input) REQUIRE(std::abs(x) < 30.0);
  CHECK(lorenz_task(2000, 5, 3).input == task.input);
  CHECK(lorenz_task(2000, 6, 3).input != task.input);
}

TEST_CASE("Mackey-Glass follows the linear ODE of its constant history for the first tau", "[study][tasks]") {
  // For t <= tau the delayed value is the history x0, so dx/dt = c - gamma x with
  // c = beta x0 / (1 + x0^10): x(t) = c/gamma + (x0 - c/gamma) exp(-gamma t). RK4 applied to
  // this linear ODE multiplies (x - c/gamma) by R = 1 - z + z^2/2 - z^3/6 + z^4/24,
  // z = gamma dt, every step: the scheme's exact values.
  MackeyGlassConfig c;
  c.initial_jitter = 0.0;
  c.discard_time = 0.0;
  const auto x = mackey_glass(40, c, 1);
  const double x0 = 1.2;
  const double drive = 0.2 * x0 / (1.0 + std::pow(x0, 10.0));
  const double fixed = drive / 0.1;
  const double z = 0.1 * 0.1;
  const double r = 1.0 - z + z * z / 2.0 - z * z * z / 6.0 + z * z * z * z / 24.0;
  for (std::size_t i = 0; i <= 17; ++i) {
    const double t = static_cast<double>(i);
    const double rk4 = fixed + (x0 - fixed) * std::pow(r, 10.0 * t);
    const double exact = fixed + (x0 - fixed) * std::exp(-0.1 * t);
    CHECK(x[i] == Approx(rk4).epsilon(1e-13));
    CHECK(x[i] == Approx(exact).epsilon(1e-9));
  }
  // After tau the delayed feedback takes over and the solution leaves the linear curve.
  CHECK(std::abs(x[30] - (fixed + (x0 - fixed) * std::exp(-3.0))) > 1e-3);
}

TEST_CASE("The Mackey-Glass benchmark series is chaotic-looking, bounded and seed-reproducible", "[study][tasks]") {
  const TaskSeries task = mackey_glass_task(1000, 2);
  CHECK(task.input == mackey_glass_task(1000, 2).input);
  CHECK(task.input != mackey_glass_task(1000, 3).input);
  double lo = 1e9;
  double hi = -1e9;
  for (const double v : task.input) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  // The tau = 17 attractor spans roughly 0.2 .. 1.4.
  CHECK(lo > 0.1);
  CHECK(hi < 1.5);
  CHECK(hi - lo > 0.7);
  MackeyGlassConfig bad;
  bad.dt = 0.3;  // 17 / 0.3 is not an integer
  CHECK_THROWS_WITH(mackey_glass(10, bad, 1), Catch::Contains("tau / dt"));
}
