// Gaussian-process surrogate of the objective: Matérn 5/2 kernel with one length scale per
// input (ARD), zero prior mean on standardized outputs, Gaussian observation noise.
// Hyper-parameters by maximizing the log marginal likelihood (Rasmussen & Williams 2006,
// eq. 5.8 and 5.9) with analytic gradients, multi-start L-BFGS (NLopt) inside box bounds,
// optionally with a weak prior on the length scales (see GpFitOptions).
// Inputs are points of the unit cube; outputs are in the caller's units.
#pragma once

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <cstdint>
#include <vector>

namespace hrsnn::opt {

// Hyper-parameters, all as natural logarithms, on standardized outputs.
struct GpHyper {
  std::vector<double> log_length;  // one per input dimension (unit-cube units)
  double log_signal_variance = 0.0;
  double log_noise_variance = -9.0;
};

struct GpFitOptions {
  // Box bounds (natural log). Length scales between 1/100 and 10 of the unit cube: shorter
  // ones interpolate noise, longer ones make the input irrelevant (which is what ARD says).
  double log_length_min = -4.605170185988091;  // ln 0.01
  double log_length_max = 2.302585092994046;   // ln 10
  double log_signal_min = -6.907755278982137;  // ln 1e-3
  double log_signal_max = 4.605170185988091;   // ln 100
  // Noise variance relative to the standardized output variance: 1e-6 treats the objective
  // as nearly deterministic; a noisy objective pushes the fit towards the upper bound.
  double log_noise_min = -13.815510557964274;  // ln 1e-6
  double log_noise_max = 0.0;                  // ln 1
  bool fit_noise = true;                       // false: keep log_noise_min fixed
  // Gamma(shape, rate) prior density on each length scale, added to the log likelihood (a MAP
  // fit; the values are BoTorch's long-standing default for unit-cube inputs, mode 1/3).
  // Without it, a few uninformative early observations let the fit declare inputs irrelevant
  // (length at the upper bound) and the search stalls in a corner. shape = 0: plain ML.
  double length_prior_shape = 3.0;
  double length_prior_rate = 6.0;
  int random_starts = 1;      // besides the default start and the warm start
  int max_evaluations = 200;  // per local search
};

// Posterior of the latent function at one point, in output units.
struct GpPrediction {
  double mean = 0.0;
  double variance = 0.0;  // of the latent function, excluding observation noise
};

class GaussianProcess {
 public:
  // Matérn 5/2 correlation for the scaled distance r = |x - x'|_A: (1 + √5 r + 5 r²/3) e^{-√5 r}.
  static double matern52(double r);

  // Standardizes y, fits the hyper-parameters and conditions on the data. Starts: warm_start
  // (when given, e.g. the previous round's fit), a fixed default, and random_starts random
  // points drawn from Rng(seed, stream); the best likelihood wins.
  void fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const GpFitOptions& options, uint64_t seed,
           uint64_t stream, const GpHyper* warm_start = nullptr);

  // Conditions on the data with the given hyper-parameters (no fitting).
  void condition(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const GpHyper& hyper);

  // Appends one observation keeping the hyper-parameters and the output standardization
  // (the kriging-believer step of batch acquisition).
  void add_observation(const Eigen::VectorXd& x, double y);

  GpPrediction predict(const Eigen::VectorXd& x) const;

  // Log marginal likelihood of the standardized outputs under hyper, and its gradient with
  // respect to the packed parameters [log_length..., log_signal_variance, log_noise_variance].
  double log_marginal_likelihood(const GpHyper& hyper, std::vector<double>* gradient = nullptr) const;

  const GpHyper& hyper() const { return hyper_; }
  double log_marginal_likelihood() const { return lml_; }
  Eigen::Index size() const { return x_.rows(); }
  Eigen::Index dims() const { return x_.cols(); }
  double output_mean() const { return y_mean_; }
  double output_scale() const { return y_scale_; }
  // Diagonal jitter (relative to the signal variance) the last factorization needed.
  double jitter() const { return jitter_; }

 private:
  void standardize(const Eigen::VectorXd& y);
  void factorize();

  Eigen::MatrixXd x_;  // n x d inputs
  Eigen::VectorXd z_;  // standardized outputs
  double y_mean_ = 0.0;
  double y_scale_ = 1.0;
  GpHyper hyper_;
  double lml_ = 0.0;
  double jitter_ = 0.0;
  Eigen::LLT<Eigen::MatrixXd> llt_;
  Eigen::VectorXd alpha_;  // K^{-1} z
};

}  // namespace hrsnn::opt
