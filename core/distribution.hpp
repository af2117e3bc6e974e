// A per-parameter heterogeneity distribution: constant (homogeneous), uniform, truncated
// normal, log-normal, gamma (shape/scale or mean/CV). Sampled with the project's own Rng.
#pragma once

#include "core/foundation/random.hpp"

#include <limits>
#include <string>

namespace hrsnn {

struct Distribution {
  enum class Kind { Constant, Uniform, Normal, LogNormal, Gamma };

  Kind kind = Kind::Constant;
  // Constant: a = value. Uniform: a = low, b = high. Normal: a = mean, b = std.
  // LogNormal: a = mu, b = sigma (of the underlying normal). Gamma: a = shape, b = scale.
  double a = 0.0;
  double b = 0.0;
  // Truncation bounds (by rejection); infinite when absent. A normal with bounds is the
  // truncated normal.
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();

  static Distribution constant(double value) { return {Kind::Constant, value, 0.0}; }
  static Distribution uniform(double low, double high) { return {Kind::Uniform, low, high}; }
  static Distribution normal(double mean, double std_dev) { return {Kind::Normal, mean, std_dev}; }
  static Distribution lognormal(double mu, double sigma) { return {Kind::LogNormal, mu, sigma}; }
  static Distribution lognormal_mean_cv(double mean, double cv);
  static Distribution gamma(double shape, double scale) { return {Kind::Gamma, shape, scale}; }
  static Distribution gamma_mean_cv(double mean, double cv);

  bool is_constant() const { return kind == Kind::Constant; }
  bool truncated() const;

  // One draw. Throws std::runtime_error when the truncation window rejects 10^6 draws in a row
  // or a draw is not finite.
  double sample(Rng& rng) const;

  // Support of the distribution after truncation.
  double lower_bound() const;
  double upper_bound() const;

  // Analytic mean and variance (untruncated forms, and the truncated normal).
  double mean() const;
  double variance() const;

  std::string describe() const;
};

const char* to_string(Distribution::Kind kind);

}  // namespace hrsnn
