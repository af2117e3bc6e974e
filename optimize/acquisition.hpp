// Acquisition: expected improvement (Jones, Schonlau & Welch 1998) for minimization, in the
// numerically safe logarithmic form of Ament et al. (2023, "Unexpected improvements to
// expected improvement"), optionally times the probability of feasibility of each modelled
// constraint (Gardner et al. 2014). Maximized by local search (NLopt BOBYQA) from the best of
// many Sobol and near-incumbent candidates; q points per round by the kriging believer
// (Ginsbourger, Le Riche & Carraro 2010).
#pragma once

#include "optimize/gp.hpp"

#include <Eigen/Core>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace hrsnn::opt {

double normal_pdf(double z);
double normal_cdf(double z);
// log Phi(z), accurate in the far lower tail (z down to -1e150).
double log_normal_cdf(double z);

// h(z) = phi(z) + z Phi(z), so that EI = sigma h((best - mean) / sigma); and its logarithm,
// accurate for very negative z where h underflows (continued fraction of the Mills ratio).
double log_h(double z);

// EI(mean, sigma; best) = E[max(best - f, 0)], f ~ N(mean, sigma^2). sigma == 0 gives
// max(best - mean, 0). log_expected_improvement is -inf only when EI is exactly 0.
double expected_improvement(double mean, double sigma, double best);
double log_expected_improvement(double mean, double sigma, double best);

struct AcquisitionOptions {
  std::size_t candidates = 0;        // Sobol candidates per point; 0: min(4000, max(1000, 200 d))
  std::size_t local_candidates = 0;  // around each anchor; 0: candidates / 4
  double local_radius = 0.05;        // half-width of the box around anchors (unit cube)
  int local_starts = 4;              // local searches from the best candidates
  int max_evaluations = 400;         // per local search
};

// A constraint modelled by its own GP: feasible where lower <= c(x) <= upper.
struct ConstraintModel {
  GaussianProcess gp;
  double lower = -std::numeric_limits<double>::infinity();
  double upper = std::numeric_limits<double>::infinity();
};

// Everything the acquisition function needs, copied so that the batch step can condition the
// models on fantasized observations without touching the caller's.
struct AcquisitionState {
  GaussianProcess objective;
  std::vector<ConstraintModel> constraints;
  // Best feasible value the model believes in (posterior mean at observed feasible points),
  // in objective units. Empty: nothing feasible yet, so the search maximizes feasibility.
  std::optional<double> incumbent;
  // Points around which extra local candidates are drawn (the best observations).
  std::vector<Eigen::VectorXd> anchors;
};

// log EI(x) + sum over constraints of log P(feasible at x); log P(feasible) alone when there
// is no incumbent yet.
double log_acquisition(const AcquisitionState& state, const Eigen::VectorXd& x);

// The maximizer of log_acquisition in the unit cube. All randomness from Rng(seed, stream).
Eigen::VectorXd maximize_acquisition(const AcquisitionState& state, const AcquisitionOptions& options, uint64_t seed,
                                     uint64_t stream);

// q points by the kriging believer: after each choice, every model is conditioned on its own
// posterior mean there (hyper-parameters fixed), and the incumbent updated if that mean is
// feasible. Point j draws its candidates from derive_stream("acquisition", round, j), so the
// first j points of a batch do not depend on q.
std::vector<Eigen::VectorXd> propose_batch(AcquisitionState state, std::size_t q, const AcquisitionOptions& options,
                                           uint64_t seed, uint64_t round);

}  // namespace hrsnn::opt
