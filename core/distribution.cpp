#include "core/distribution.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace hrsnn {

Distribution Distribution::lognormal_mean_cv(double mean, double cv) {
  // For X = exp(N(mu, sigma^2)): E[X] = exp(mu + sigma^2/2), CV^2 = exp(sigma^2) - 1.
  const double sigma2 = std::log1p(cv * cv);
  return lognormal(std::log(mean) - 0.5 * sigma2, std::sqrt(sigma2));
}

Distribution Distribution::gamma_mean_cv(double mean, double cv) {
  // Gamma(k, theta): mean = k theta, CV = 1 / sqrt(k).
  const double shape = 1.0 / (cv * cv);
  return gamma(shape, mean / shape);
}

bool Distribution::truncated() const { return std::isfinite(min) || std::isfinite(max); }

double Distribution::sample(Rng& rng) const {
  for (int attempt = 0; attempt < 1'000'000; ++attempt) {
    double x = 0.0;
    switch (kind) {
      case Kind::Constant: return a;
      case Kind::Uniform: x = rng.uniform(a, b); break;
      case Kind::Normal: x = a + b * rng.normal(); break;
      case Kind::LogNormal: x = std::exp(a + b * rng.normal()); break;
      case Kind::Gamma: x = b * rng.gamma(a); break;
    }
    // A draw that overflowed (a huge std or sigma, a uniform whose width overflows) or a
    // degenerate parameter (gamma shape inf gives inf * 0) has no value to simulate.
    if (std::isnan(x) || (std::isinf(x) && x >= min && x <= max))
      throw std::runtime_error(
          fmt::format("distribution {} drew a non-finite value ({}): its parameters are "
                      "outside what double precision can sample",
                      describe(), x));
    if (x >= min && x <= max) return x;
  }
  throw std::runtime_error(
      fmt::format("distribution {} rejected 10^6 draws in a row: its truncation window [{}, {}] holds almost no mass",
                  describe(), min, max));
}

double Distribution::lower_bound() const {
  double lo = -std::numeric_limits<double>::infinity();
  switch (kind) {
    case Kind::Constant: return a;
    case Kind::Uniform: lo = a; break;
    case Kind::Normal: break;
    case Kind::LogNormal:
    case Kind::Gamma: lo = 0.0; break;
  }
  return std::max(lo, min);
}

double Distribution::upper_bound() const {
  double hi = std::numeric_limits<double>::infinity();
  if (kind == Kind::Constant) return a;
  if (kind == Kind::Uniform) hi = b;
  return std::min(hi, max);
}

namespace {
double std_normal_pdf(double x) { return std::exp(-0.5 * x * x) / std::sqrt(2.0 * std::numbers::pi); }
double std_normal_cdf(double x) { return 0.5 * std::erfc(-x / std::numbers::sqrt2); }
}  // namespace

double Distribution::mean() const {
  switch (kind) {
    case Kind::Constant: return a;
    case Kind::Uniform: return 0.5 * (a + b);
    case Kind::Normal: {
      if (!truncated()) return a;
      const double alpha = (min - a) / b, beta = (max - a) / b;
      const double z = std_normal_cdf(beta) - std_normal_cdf(alpha);
      return a + b * (std_normal_pdf(alpha) - std_normal_pdf(beta)) / z;
    }
    case Kind::LogNormal: return std::exp(a + 0.5 * b * b);
    case Kind::Gamma: return a * b;
  }
  return 0.0;
}

double Distribution::variance() const {
  switch (kind) {
    case Kind::Constant: return 0.0;
    case Kind::Uniform: return (b - a) * (b - a) / 12.0;
    case Kind::Normal: {
      if (!truncated()) return b * b;
      const double alpha = (min - a) / b, beta = (max - a) / b;
      const double z = std_normal_cdf(beta) - std_normal_cdf(alpha);
      const double pa = std_normal_pdf(alpha), pb = std_normal_pdf(beta);
      // alpha * pdf(alpha) is 0 at infinite bounds.
      const double apa = std::isfinite(alpha) ? alpha * pa : 0.0;
      const double bpb = std::isfinite(beta) ? beta * pb : 0.0;
      const double r = (pa - pb) / z;
      return b * b * (1.0 + (apa - bpb) / z - r * r);
    }
    case Kind::LogNormal: return std::expm1(b * b) * std::exp(2.0 * a + b * b);
    case Kind::Gamma: return a * b * b;
  }
  return 0.0;
}

const char* to_string(Distribution::Kind kind) {
  switch (kind) {
    case Distribution::Kind::Constant: return "constant";
    case Distribution::Kind::Uniform: return "uniform";
    case Distribution::Kind::Normal: return "normal";
    case Distribution::Kind::LogNormal: return "lognormal";
    case Distribution::Kind::Gamma: return "gamma";
  }
  return "?";
}

std::string Distribution::describe() const {
  std::string s;
  switch (kind) {
    case Kind::Constant: return fmt::format("{}", a);
    case Kind::Uniform: s = fmt::format("uniform(low={}, high={})", a, b); break;
    case Kind::Normal: s = fmt::format("normal(mean={}, std={})", a, b); break;
    case Kind::LogNormal: s = fmt::format("lognormal(mu={}, sigma={})", a, b); break;
    case Kind::Gamma: s = fmt::format("gamma(shape={}, scale={})", a, b); break;
  }
  if (truncated()) s += fmt::format(" in [{}, {}]", min, max);
  return s;
}

}  // namespace hrsnn
