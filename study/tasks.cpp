#include "study/tasks.hpp"

#include "core/foundation/random.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

namespace hrsnn::study {

namespace {

// n = ratio as an integer, or throw: the schemes below need commensurate time grids.
std::size_t integer_ratio(double numerator, double denominator, const char* what) {
  const double ratio = numerator / denominator;
  const double rounded = std::round(ratio);
  if (!(rounded >= 1.0) || std::abs(ratio - rounded) > 1e-9 * rounded) {
    throw std::invalid_argument(fmt::format("{} ({} / {}) must be a positive integer", what, numerator, denominator));
  }
  return static_cast<std::size_t>(rounded);
}

}  // namespace

std::vector<double> uniform_input(std::size_t n, std::uint64_t seed, double low, double high) {
  if (!(low < high)) {
    throw std::invalid_argument(fmt::format("uniform_input: need low < high, got [{}, {})", low, high));
  }
  Rng rng(seed);
  std::vector<double> u(n);
  for (auto& x : u) x = rng.uniform(low, high);
  return u;
}

std::vector<double> mackey_glass(std::size_t n_samples, const MackeyGlassConfig& c, std::uint64_t seed) {
  if (!(c.dt > 0.0) || !(c.tau > 0.0) || !(c.discard_time >= 0.0) || !(c.initial_jitter >= 0.0)) {
    throw std::invalid_argument(
        "MackeyGlassConfig: need dt > 0, tau > 0, discard_time >= 0, "
        "initial_jitter >= 0");
  }
  if (n_samples == 0) return {};
  const std::size_t delay_steps = integer_ratio(c.tau, c.dt, "Mackey-Glass tau / dt");
  const std::size_t steps_per_sample = integer_ratio(c.sample_interval, c.dt, "Mackey-Glass sample_interval / dt");
  const auto discard_steps = static_cast<std::size_t>(std::llround(c.discard_time / c.dt));

  Rng rng(seed);
  const double x0 = c.initial_value + (c.initial_jitter > 0.0 ? rng.uniform(-c.initial_jitter, c.initial_jitter) : 0.0);
  const auto rhs = [&c](double x, double x_delayed) {
    return c.beta * x_delayed / (1.0 + std::pow(x_delayed, c.exponent)) - c.gamma * x;
  };

  // Ring buffer of the last delay_steps + 1 grid values: slot (j mod size) holds x(j dt),
  // history included (j < 0 holds x0).
  const std::size_t size = delay_steps + 1;
  std::vector<double> ring(size, x0);
  const auto slot = [size](std::size_t j) { return j % size; };  // j counts from -delay_steps

  std::vector<double> out;
  out.reserve(n_samples);
  // Grid index j (shifted by delay_steps so it is never negative) of the current time.
  std::size_t j = delay_steps;
  double x = x0;
  const std::size_t total_steps = discard_steps + (n_samples - 1) * steps_per_sample;
  for (std::size_t step = 0;; ++step) {
    if (step >= discard_steps && (step - discard_steps) % steps_per_sample == 0) {
      out.push_back(x);
      if (out.size() == n_samples) break;
    }
    if (step >= total_steps) break;
    const double delayed_now = ring[slot(j - delay_steps)];
    const double delayed_next = ring[slot(j - delay_steps + 1)];
    const double delayed_mid = 0.5 * (delayed_now + delayed_next);
    const double k1 = rhs(x, delayed_now);
    const double k2 = rhs(x + 0.5 * c.dt * k1, delayed_mid);
    const double k3 = rhs(x + 0.5 * c.dt * k2, delayed_mid);
    const double k4 = rhs(x + c.dt * k3, delayed_next);
    x += c.dt / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
    ++j;
    ring[slot(j)] = x;  // overwrites x((j - size) dt), no longer needed
  }
  return out;
}

std::array<double, 3> lorenz_rk4_step(const std::array<double, 3>& s, double dt, const LorenzConfig& c) {
  const auto f = [&c](const std::array<double, 3>& v) {
    return std::array<double, 3>{c.sigma * (v[1] - v[0]), v[0] * (c.rho - v[2]) - v[1], v[0] * v[1] - c.beta * v[2]};
  };
  const auto add = [](const std::array<double, 3>& a, const std::array<double, 3>& b, double h) {
    return std::array<double, 3>{a[0] + h * b[0], a[1] + h * b[1], a[2] + h * b[2]};
  };
  const auto k1 = f(s);
  const auto k2 = f(add(s, k1, 0.5 * dt));
  const auto k3 = f(add(s, k2, 0.5 * dt));
  const auto k4 = f(add(s, k3, dt));
  std::array<double, 3> next{};
  for (std::size_t i = 0; i < 3; ++i) {
    next[i] = s[i] + dt / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
  }
  return next;
}

std::vector<std::array<double, 3>> lorenz63(std::size_t n_samples, const LorenzConfig& c, std::uint64_t seed) {
  if (!(c.dt > 0.0) || c.steps_per_sample == 0 || !(c.discard_time >= 0.0) || !(c.initial_jitter >= 0.0)) {
    throw std::invalid_argument(
        "LorenzConfig: need dt > 0, steps_per_sample >= 1, "
        "discard_time >= 0, initial_jitter >= 0");
  }
  Rng rng(seed);
  std::array<double, 3> s = c.initial_state;
  if (c.initial_jitter > 0.0) {
    for (auto& v : s) v += rng.uniform(-c.initial_jitter, c.initial_jitter);
  }
  const auto discard_steps = static_cast<std::size_t>(std::llround(c.discard_time / c.dt));
  for (std::size_t i = 0; i < discard_steps; ++i) s = lorenz_rk4_step(s, c.dt, c);
  std::vector<std::array<double, 3>> out;
  out.reserve(n_samples);
  for (std::size_t n = 0; n < n_samples; ++n) {
    if (n > 0) {
      for (std::size_t i = 0; i < c.steps_per_sample; ++i) s = lorenz_rk4_step(s, c.dt, c);
    }
    out.push_back(s);
  }
  return out;
}

TaskSeries narma10_task(std::size_t n, std::uint64_t seed) {
  constexpr std::size_t order = 10;
  constexpr double divergence_bound = 10.0;  // a stable NARMA-10 series stays within ~[0, 1]
  constexpr int max_attempts = 100;
  Rng rng(seed);
  TaskSeries task;
  task.name = "narma10";
  for (int attempt = 0; attempt < max_attempts; ++attempt) {
    std::vector<double> u(n);
    for (auto& x : u) x = rng.uniform(0.0, 0.5);
    std::vector<double> y(n + 1, 0.0);  // y[t], t = 0..n; y[0] = 0
    bool diverged = false;
    for (std::size_t t = 0; t < n; ++t) {
      double window_sum = 0.0;  // sum_{i=0..9} y(t - i), zero before t = 0
      for (std::size_t i = 0; i < order && i <= t; ++i) window_sum += y[t - i];
      const double u_lag = t >= order - 1 ? u[t - (order - 1)] : 0.0;
      y[t + 1] = 0.3 * y[t] + 0.05 * y[t] * window_sum + 1.5 * u_lag * u[t] + 0.1;
      if (!std::isfinite(y[t + 1]) || std::abs(y[t + 1]) > divergence_bound) {
        diverged = true;
        break;
      }
    }
    if (!diverged) {
      task.input = std::move(u);
      task.target.assign(y.begin() + 1, y.end());
      return task;
    }
  }
  throw std::runtime_error(
      fmt::format("narma10_task: the series diverged in {} attempts (seed {}, n {})", max_attempts, seed, n));
}

TaskSeries prediction_task(std::string name, const std::vector<double>& series, std::size_t horizon) {
  if (series.size() <= horizon) {
    throw std::invalid_argument(
        fmt::format("prediction_task '{}': series of {} samples is too "
                    "short for horizon {}",
                    name, series.size(), horizon));
  }
  TaskSeries task;
  task.name = std::move(name);
  const auto h = static_cast<std::ptrdiff_t>(horizon);
  task.input.assign(series.begin(), series.end() - h);
  task.target.assign(series.begin() + h, series.end());
  return task;
}

TaskSeries mackey_glass_task(std::size_t n, std::uint64_t seed, std::size_t horizon, const MackeyGlassConfig& config) {
  return prediction_task(fmt::format("mackey_glass_h{}", horizon), mackey_glass(n + horizon, config, seed), horizon);
}

TaskSeries lorenz_task(std::size_t n, std::uint64_t seed, std::size_t horizon, const LorenzConfig& config) {
  const auto states = lorenz63(n + horizon, config, seed);
  std::vector<double> x(states.size());
  for (std::size_t i = 0; i < states.size(); ++i) x[i] = states[i][0];
  return prediction_task(fmt::format("lorenz_x_h{}", horizon), x, horizon);
}

}  // namespace hrsnn::study
