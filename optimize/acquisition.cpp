#include "optimize/acquisition.hpp"

#include "core/foundation/random.hpp"
#include "optimize/design.hpp"

#include <nlopt.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>

namespace hrsnn::opt {

namespace {

const double kLogSqrt2Pi = 0.5 * std::log(2.0 * std::numbers::pi);

// Below this z the direct forms lose more than ~2 digits to cancellation (h) or head for
// underflow (Phi); the continued fraction converges fast there.
constexpr double kTailStart = -5.0;
constexpr int kContinuedFractionDepth = 80;

double log_normal_pdf(double z) { return -0.5 * z * z - kLogSqrt2Pi; }

// c(t) = 1 / (t + 2 / (t + 3 / (t + 4 / ...))), the tail of the Laplace continued fraction of
// the Mills ratio: R(t) = Phi(-t) / phi(t) = 1 / (t + c(t)). Valid for t > 0, used for t >= 5.
double mills_tail(double t) {
  double f = t;
  for (int k = kContinuedFractionDepth; k >= 2; --k) f = t + static_cast<double>(k) / f;
  return 1.0 / f;
}

// log P(lower <= c <= upper) for c ~ N(mean, sigma^2).
double log_probability_within(double mean, double sigma, double lower, double upper) {
  const bool has_lower = std::isfinite(lower);
  const bool has_upper = std::isfinite(upper);
  if (!has_lower && !has_upper) return 0.0;
  if (sigma <= 0.0) return (mean >= lower && mean <= upper) ? 0.0 : -std::numeric_limits<double>::infinity();
  if (!has_lower) return log_normal_cdf((upper - mean) / sigma);
  if (!has_upper) return log_normal_cdf((mean - lower) / sigma);
  const double a = (lower - mean) / sigma;
  const double b = (upper - mean) / sigma;
  // Phi(b) - Phi(a), taken in whichever tail keeps it accurate.
  const double p = a > 0.0 ? normal_cdf(-a) - normal_cdf(-b) : normal_cdf(b) - normal_cdf(a);
  return std::log(std::max(p, 1e-300));
}

double sigma_of(const GaussianProcess& gp, double variance) {
  // A floor far below any fitted noise level, so that log EI stays finite at observed points.
  return std::max(std::sqrt(variance), 1e-12 * gp.output_scale());
}

}  // namespace

double normal_pdf(double z) { return std::exp(log_normal_pdf(z)); }

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::numbers::sqrt2); }

double log_normal_cdf(double z) {
  if (z > 5.0) return std::log1p(-0.5 * std::erfc(z / std::numbers::sqrt2));
  if (z >= kTailStart) return std::log(normal_cdf(z));
  const double t = -z;
  return log_normal_pdf(t) - std::log(t + mills_tail(t));
}

double log_h(double z) {
  if (z >= kTailStart) return std::log(normal_pdf(z) + z * normal_cdf(z));
  // h(-t) = phi(t) (1 - t R(t)) = phi(t) c / (t + c): no cancellation.
  const double t = -z;
  const double c = mills_tail(t);
  return log_normal_pdf(t) + std::log(c) - std::log(t + c);
}

double expected_improvement(double mean, double sigma, double best) {
  if (!(sigma > 0.0)) return std::max(best - mean, 0.0);
  const double z = (best - mean) / sigma;
  if (z >= kTailStart) return sigma * (normal_pdf(z) + z * normal_cdf(z));
  return sigma * std::exp(log_h(z));
}

double log_expected_improvement(double mean, double sigma, double best) {
  if (!(sigma > 0.0)) {
    const double improvement = best - mean;
    return improvement > 0.0 ? std::log(improvement) : -std::numeric_limits<double>::infinity();
  }
  return std::log(sigma) + log_h((best - mean) / sigma);
}

double log_acquisition(const AcquisitionState& state, const Eigen::VectorXd& x) {
  double value = 0.0;
  if (state.incumbent) {
    const GpPrediction p = state.objective.predict(x);
    value += log_expected_improvement(p.mean, sigma_of(state.objective, p.variance), *state.incumbent);
  }
  for (const ConstraintModel& c : state.constraints) {
    const GpPrediction p = c.gp.predict(x);
    value += log_probability_within(p.mean, sigma_of(c.gp, p.variance), c.lower, c.upper);
  }
  return value;
}

Eigen::VectorXd maximize_acquisition(const AcquisitionState& state, const AcquisitionOptions& options, uint64_t seed,
                                     uint64_t stream) {
  const auto dims = static_cast<std::size_t>(state.objective.dims());
  const std::size_t n_sobol = options.candidates > 0
                                  ? options.candidates
                                  : std::min<std::size_t>(4000, std::max<std::size_t>(1000, 200 * dims));
  const std::size_t n_local =
      state.anchors.empty() ? 0 : (options.local_candidates > 0 ? options.local_candidates : n_sobol / 4);
  Rng rng(seed, stream);
  const SobolSequence sobol(dims, rng.next_u64());

  std::vector<Eigen::VectorXd> candidates;
  candidates.reserve(n_sobol + n_local);
  for (std::size_t i = 0; i < n_sobol; ++i) {
    const std::vector<double> p = sobol.at(i);
    candidates.emplace_back(Eigen::Map<const Eigen::VectorXd>(p.data(), static_cast<Eigen::Index>(dims)));
  }
  for (std::size_t i = 0; i < n_local; ++i) {
    const Eigen::VectorXd& anchor = state.anchors[i % state.anchors.size()];
    // Alternate a coarse and a fine neighbourhood: the fine one refines a good basin.
    const double radius = (i / state.anchors.size()) % 2 == 0 ? options.local_radius : 0.1 * options.local_radius;
    Eigen::VectorXd p(static_cast<Eigen::Index>(dims));
    for (Eigen::Index k = 0; k < p.size(); ++k) {
      p[k] = std::clamp(anchor[k] + radius * (2.0 * rng.uniform() - 1.0), 0.0, 1.0);
    }
    candidates.push_back(std::move(p));
  }

  std::vector<double> scores(candidates.size());
  for (std::size_t i = 0; i < candidates.size(); ++i) scores[i] = log_acquisition(state, candidates[i]);
  std::vector<std::size_t> order(candidates.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  const auto n_starts = std::min(order.size(), static_cast<std::size_t>(std::max(options.local_starts, 0)));
  // Ties broken by index, so that the choice never depends on the sort's stability.
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(std::max<std::size_t>(n_starts, 1)),
                    order.end(), [&](std::size_t a, std::size_t b) {
                      if (scores[a] != scores[b]) return scores[a] > scores[b];
                      return a < b;
                    });

  Eigen::VectorXd best_x = candidates[order.front()];
  double best_score = scores[order.front()];

  struct Context {
    const AcquisitionState* state;
    Eigen::VectorXd x;
  } context{&state, Eigen::VectorXd(static_cast<Eigen::Index>(dims))};
  auto objective = [](const std::vector<double>& p, std::vector<double>& /*grad*/, void* data) -> double {
    auto* c = static_cast<Context*>(data);
    for (std::size_t k = 0; k < p.size(); ++k) c->x[static_cast<Eigen::Index>(k)] = p[k];
    const double value = log_acquisition(*c->state, c->x);
    return std::isfinite(value) ? value : -1e300;
  };

  for (std::size_t s = 0; s < n_starts; ++s) {
    const Eigen::VectorXd& start = candidates[order[s]];
    std::vector<double> p(start.data(), start.data() + start.size());
    nlopt::opt opt(nlopt::LN_BOBYQA, static_cast<unsigned>(dims));
    opt.set_lower_bounds(std::vector<double>(dims, 0.0));
    opt.set_upper_bounds(std::vector<double>(dims, 1.0));
    opt.set_max_objective(objective, &context);
    opt.set_maxeval(options.max_evaluations);
    opt.set_xtol_abs(1e-7);
    opt.set_ftol_abs(1e-10);
    opt.set_initial_step(std::vector<double>(dims, 0.02));
    double value = -std::numeric_limits<double>::infinity();
    try {
      opt.optimize(p, value);
    } catch (const std::exception&) {
      // BOBYQA gives up on round-off now and then; p holds its best point so far.
      for (double& v : p) v = std::clamp(v, 0.0, 1.0);
      context.x = Eigen::Map<const Eigen::VectorXd>(p.data(), static_cast<Eigen::Index>(dims));
      value = log_acquisition(state, context.x);
    }
    if (std::isfinite(value) && value > best_score) {
      best_score = value;
      best_x = Eigen::Map<const Eigen::VectorXd>(p.data(), static_cast<Eigen::Index>(dims));
    }
  }
  for (Eigen::Index k = 0; k < best_x.size(); ++k) best_x[k] = std::clamp(best_x[k], 0.0, 1.0);
  return best_x;
}

std::vector<Eigen::VectorXd> propose_batch(AcquisitionState state, std::size_t q, const AcquisitionOptions& options,
                                           uint64_t seed, uint64_t round) {
  std::vector<Eigen::VectorXd> batch;
  batch.reserve(q);
  for (std::size_t j = 0; j < q; ++j) {
    Eigen::VectorXd x = maximize_acquisition(state, options, seed, derive_stream("acquisition", round, j));
    if (j + 1 < q) {
      const double believed = state.objective.predict(x).mean;
      bool feasible = true;
      for (ConstraintModel& c : state.constraints) {
        const double c_believed = c.gp.predict(x).mean;
        feasible = feasible && c_believed >= c.lower && c_believed <= c.upper;
        c.gp.add_observation(x, c_believed);
      }
      state.objective.add_observation(x, believed);
      if (feasible) state.incumbent = state.incumbent ? std::min(*state.incumbent, believed) : believed;
    }
    batch.push_back(std::move(x));
  }
  return batch;
}

}  // namespace hrsnn::opt
