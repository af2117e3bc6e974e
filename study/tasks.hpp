// Generated tasks of the study: the memory-capacity input, and the prediction benchmarks
// Mackey-Glass (tau = 17), Lorenz-63 and NARMA-10. Every series is a deterministic function
// of its configuration and seed (core/foundation/random.hpp; no std:: distributions).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace hrsnn::study {

// A supervised series: at step t the model receives input[t] and its readout must produce
// target[t] from what it has seen up to and including step t.
struct TaskSeries {
  std::string name;
  std::vector<double> input;
  std::vector<double> target;
};

// The memory-capacity input: n i.i.d. samples, uniform on [low, high). [0, 1) by default so
// it rate-encodes without an offset; MC is invariant to an affine change of the input.
std::vector<double> uniform_input(std::size_t n, std::uint64_t seed, double low = 0.0, double high = 1.0);

// Mackey-Glass delay differential equation (Mackey & Glass 1977):
//   dx/dt = beta * x(t - tau) / (1 + x(t - tau)^n) - gamma * x(t)
// with the standard chaotic parameters beta = 0.2, gamma = 0.1, n = 10, tau = 17.
// Integration scheme: classical RK4 with step dt on a grid whose spacing divides tau; the
// delayed value at a half step, x(t + dt/2 - tau), is the mean of its two grid neighbours
// (linear interpolation). History x(t) = x0 for t in [-tau, 0]. The series is sampled every
// sample_interval time units starting at t = discard_time (sample 0 is x(discard_time)).
struct MackeyGlassConfig {
  double beta = 0.2;
  double gamma = 0.1;
  double exponent = 10.0;
  double tau = 17.0;
  double dt = 0.1;               // RK4 step; tau / dt and sample_interval / dt must be integers
  double sample_interval = 1.0;  // the customary sampling of the tau = 17 benchmark
  double initial_value = 1.2;    // x0, the constant history
  double initial_jitter = 0.05;  // x0 += uniform(-jitter, jitter) from the seed (0: exactly x0)
  double discard_time = 1000.0;  // transient dropped before the first sample
};

std::vector<double> mackey_glass(std::size_t n_samples, const MackeyGlassConfig& config, std::uint64_t seed);

// Lorenz-63 (Lorenz 1963): dx/dt = sigma (y - x), dy/dt = x (rho - z) - y, dz/dt = x y - beta z,
// with sigma = 10, rho = 28, beta = 8/3, integrated by classical RK4 with step dt and sampled
// every steps_per_sample steps starting at t = discard_time.
struct LorenzConfig {
  double sigma = 10.0;
  double rho = 28.0;
  double beta = 8.0 / 3.0;
  double dt = 0.01;
  std::size_t steps_per_sample = 2;  // sample interval 0.02 time units
  std::array<double, 3> initial_state = {1.0, 1.0, 1.0};
  double initial_jitter = 0.5;  // each coordinate += uniform(-jitter, jitter)
  double discard_time = 20.0;   // transient onto the attractor
};

// One RK4 step of the Lorenz system.
std::array<double, 3> lorenz_rk4_step(const std::array<double, 3>& state, double dt, const LorenzConfig& config);

// n_samples sampled states (x, y, z).
std::vector<std::array<double, 3>> lorenz63(std::size_t n_samples, const LorenzConfig& config, std::uint64_t seed);

// NARMA-10 (Atiya & Parlos 2000), inputs u(t) i.i.d. uniform on [0, 0.5):
//   y(t+1) = 0.3 y(t) + 0.05 y(t) sum_{i=0..9} y(t-i) + 1.5 u(t-9) u(t) + 0.1
// with u and y zero at negative times and y(0) = 0. As a task, input[t] = u(t) and
// target[t] = y(t+1), which depends on u(0..t) only. The recurrence occasionally diverges;
// then the input is redrawn (continuing the same random stream, so still a function of the
// seed) until |y| stays below 10, at most 100 times.
TaskSeries narma10_task(std::size_t n, std::uint64_t seed);

// One-step-or-more-ahead prediction on a scalar series: input[t] = s[t], target[t] = s[t + h].
// The result has series.size() - horizon pairs.
TaskSeries prediction_task(std::string name, const std::vector<double>& series, std::size_t horizon);

// Prediction benchmarks, `horizon` samples ahead. The default horizon of 10 samples (10 time
// units for Mackey-Glass, 0.2 for Lorenz, about a fifth of a Lyapunov time) is where a linear
// readout of the raw delay-embedded input is clearly imperfect (NRMSE ~0.4) while a 100-unit
// ESN is not (~0.02): one step ahead, both are near 0 and the benchmark tells nothing apart.
TaskSeries mackey_glass_task(std::size_t n, std::uint64_t seed, std::size_t horizon = 10,
                             const MackeyGlassConfig& config = {});
// The x component.
TaskSeries lorenz_task(std::size_t n, std::uint64_t seed, std::size_t horizon = 10, const LorenzConfig& config = {});

}  // namespace hrsnn::study
