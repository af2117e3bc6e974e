#include "optimize/gp.hpp"

#include "core/foundation/random.hpp"

#include <fmt/core.h>

#include <nlopt.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>

namespace hrsnn::opt {

namespace {

const double kSqrt5 = std::sqrt(5.0);

// Diagonal jitter ladder, relative to the signal variance, tried when the Cholesky
// factorization of K + noise I fails (near-duplicate inputs with a tiny noise term).
constexpr std::array<double, 8> kJitterLadder = {0.0, 1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4};

struct Factorization {
  Eigen::LLT<Eigen::MatrixXd> llt;
  double jitter = 0.0;
  bool ok = false;
};

// Scaled squared distance between rows i of a and j of b under length scales ell.
double scaled_sq_distance(const Eigen::MatrixXd& a, Eigen::Index i, const Eigen::MatrixXd& b, Eigen::Index j,
                          const Eigen::VectorXd& inv_ell_sq) {
  double r2 = 0.0;
  for (Eigen::Index k = 0; k < a.cols(); ++k) {
    const double delta = a(i, k) - b(j, k);
    r2 += delta * delta * inv_ell_sq[k];
  }
  return r2;
}

Eigen::VectorXd inverse_squared_lengths(const GpHyper& hyper) {
  Eigen::VectorXd inv(static_cast<Eigen::Index>(hyper.log_length.size()));
  for (Eigen::Index k = 0; k < inv.size(); ++k) {
    inv[k] = std::exp(-2.0 * hyper.log_length[static_cast<std::size_t>(k)]);
  }
  return inv;
}

// K (signal part, without noise) for the inputs x.
Eigen::MatrixXd kernel_matrix(const Eigen::MatrixXd& x, const GpHyper& hyper) {
  const Eigen::VectorXd inv = inverse_squared_lengths(hyper);
  const double signal = std::exp(hyper.log_signal_variance);
  const Eigen::Index n = x.rows();
  Eigen::MatrixXd k(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    k(i, i) = signal;
    for (Eigen::Index j = 0; j < i; ++j) {
      const double value = signal * GaussianProcess::matern52(std::sqrt(scaled_sq_distance(x, i, x, j, inv)));
      k(i, j) = value;
      k(j, i) = value;
    }
  }
  return k;
}

Factorization factorize_with_jitter(const Eigen::MatrixXd& k_signal, double noise, double signal) {
  Factorization f;
  const Eigen::Index n = k_signal.rows();
  for (double jitter : kJitterLadder) {
    Eigen::MatrixXd k = k_signal;
    k.diagonal().array() += noise + jitter * signal;
    f.llt.compute(k);
    if (f.llt.info() == Eigen::Success) {
      // LLT succeeds on some numerically indefinite matrices; a non-positive pivot means it
      // did not really.
      if (n == 0 || f.llt.matrixLLT().diagonal().minCoeff() > 0.0) {
        f.jitter = jitter;
        f.ok = true;
        return f;
      }
    }
  }
  return f;
}

std::size_t packed_size(std::size_t dims, const GpFitOptions& options) {
  return dims + 1 + (options.fit_noise ? 1 : 0);
}

std::vector<double> pack(const GpHyper& hyper, const GpFitOptions& options) {
  std::vector<double> p = hyper.log_length;
  p.push_back(hyper.log_signal_variance);
  if (options.fit_noise) p.push_back(hyper.log_noise_variance);
  return p;
}

GpHyper unpack(const std::vector<double>& p, std::size_t dims, const GpFitOptions& options) {
  GpHyper hyper;
  hyper.log_length.assign(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(dims));
  hyper.log_signal_variance = p[dims];
  hyper.log_noise_variance = options.fit_noise ? p[dims + 1] : options.log_noise_min;
  return hyper;
}

std::vector<double> clamp_to(std::vector<double> p, const std::vector<double>& lo, const std::vector<double>& hi) {
  for (std::size_t i = 0; i < p.size(); ++i) p[i] = std::clamp(p[i], lo[i], hi[i]);
  return p;
}

}  // namespace

double GaussianProcess::matern52(double r) {
  const double s = kSqrt5 * r;
  return (1.0 + s + s * s / 3.0) * std::exp(-s);
}

void GaussianProcess::standardize(const Eigen::VectorXd& y) {
  const Eigen::Index n = y.size();
  y_mean_ = n > 0 ? y.mean() : 0.0;
  y_scale_ = 1.0;
  if (n > 1) {
    const double var = (y.array() - y_mean_).square().sum() / static_cast<double>(n - 1);
    const double sd = std::sqrt(var);
    if (sd > 1e-12 * std::max(1.0, std::abs(y_mean_))) y_scale_ = sd;
  }
  z_ = (y.array() - y_mean_) / y_scale_;
}

double GaussianProcess::log_marginal_likelihood(const GpHyper& hyper, std::vector<double>* gradient) const {
  const Eigen::Index n = x_.rows();
  const auto dims = static_cast<std::size_t>(x_.cols());
  if (hyper.log_length.size() != dims) {
    throw std::invalid_argument("GaussianProcess: hyper-parameters of the wrong dimension");
  }
  const double signal = std::exp(hyper.log_signal_variance);
  const double noise = std::exp(hyper.log_noise_variance);
  const Eigen::MatrixXd k_signal = kernel_matrix(x_, hyper);
  const Factorization f = factorize_with_jitter(k_signal, noise, signal);
  if (!f.ok) {
    if (gradient) gradient->assign(dims + 2, 0.0);
    return -std::numeric_limits<double>::infinity();
  }
  const Eigen::VectorXd alpha = f.llt.solve(z_);
  const double log_det = 2.0 * f.llt.matrixLLT().diagonal().array().log().sum();
  const double lml =
      -0.5 * z_.dot(alpha) - 0.5 * log_det - 0.5 * static_cast<double>(n) * std::log(2.0 * std::numbers::pi);
  if (gradient) {
    // d lml / d theta = 1/2 tr((alpha alpha^T - K^-1) dK/dtheta)   (R&W eq. 5.9)
    Eigen::MatrixXd w = alpha * alpha.transpose() - f.llt.solve(Eigen::MatrixXd::Identity(n, n));
    gradient->assign(dims + 2, 0.0);
    const Eigen::VectorXd inv = inverse_squared_lengths(hyper);
    std::vector<double>& g = *gradient;
    double g_signal = 0.0;
    for (Eigen::Index i = 0; i < n; ++i) {
      g_signal += 0.5 * w(i, i) * signal;
      for (Eigen::Index j = 0; j < i; ++j) {
        const double r = std::sqrt(scaled_sq_distance(x_, i, x_, j, inv));
        const double s = kSqrt5 * r;
        const double e = std::exp(-s);
        g_signal += w(i, j) * signal * (1.0 + s + s * s / 3.0) * e;
        // dk/dlog l_k = signal (5/3) (1 + √5 r) e^{-√5 r} delta_k^2 / l_k^2 ; the pair (i, j)
        // and (j, i) together give the factor 2 that cancels the 1/2.
        const double common = w(i, j) * signal * (5.0 / 3.0) * (1.0 + s) * e;
        for (std::size_t k = 0; k < dims; ++k) {
          const auto kk = static_cast<Eigen::Index>(k);
          const double delta = x_(i, kk) - x_(j, kk);
          g[k] += common * delta * delta * inv[kk];
        }
      }
    }
    g[dims] = g_signal;
    g[dims + 1] = 0.5 * w.trace() * noise;
  }
  return lml;
}

void GaussianProcess::factorize() {
  const double signal = std::exp(hyper_.log_signal_variance);
  const double noise = std::exp(hyper_.log_noise_variance);
  Factorization f = factorize_with_jitter(kernel_matrix(x_, hyper_), noise, signal);
  if (!f.ok) {
    throw std::runtime_error(
        fmt::format("Gaussian process: covariance of {} points not positive definite even with jitter {:g}", x_.rows(),
                    kJitterLadder.back()));
  }
  llt_ = std::move(f.llt);
  jitter_ = f.jitter;
  alpha_ = llt_.solve(z_);
  const Eigen::Index n = x_.rows();
  const double log_det = 2.0 * llt_.matrixLLT().diagonal().array().log().sum();
  lml_ = -0.5 * z_.dot(alpha_) - 0.5 * log_det - 0.5 * static_cast<double>(n) * std::log(2.0 * std::numbers::pi);
}

void GaussianProcess::condition(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const GpHyper& hyper) {
  if (x.rows() != y.size()) throw std::invalid_argument("GaussianProcess: x and y sizes differ");
  if (hyper.log_length.size() != static_cast<std::size_t>(x.cols())) {
    throw std::invalid_argument("GaussianProcess: hyper-parameters of the wrong dimension");
  }
  x_ = x;
  standardize(y);
  hyper_ = hyper;
  factorize();
}

void GaussianProcess::fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const GpFitOptions& options,
                          uint64_t seed, uint64_t stream, const GpHyper* warm_start) {
  if (x.rows() != y.size()) throw std::invalid_argument("GaussianProcess: x and y sizes differ");
  if (x.rows() == 0) throw std::invalid_argument("GaussianProcess: no data to fit");
  x_ = x;
  standardize(y);
  const auto dims = static_cast<std::size_t>(x.cols());
  const std::size_t np = packed_size(dims, options);

  std::vector<double> lo(np), hi(np);
  for (std::size_t k = 0; k < dims; ++k) {
    lo[k] = options.log_length_min;
    hi[k] = options.log_length_max;
  }
  lo[dims] = options.log_signal_min;
  hi[dims] = options.log_signal_max;
  if (options.fit_noise) {
    lo[dims + 1] = options.log_noise_min;
    hi[dims + 1] = options.log_noise_max;
  }

  std::vector<std::vector<double>> starts;
  if (warm_start && warm_start->log_length.size() == dims)
    starts.push_back(clamp_to(pack(*warm_start, options), lo, hi));
  {
    GpHyper fallback;
    fallback.log_length.assign(dims, std::log(0.3));
    fallback.log_signal_variance = 0.0;
    fallback.log_noise_variance = std::log(1e-4);
    starts.push_back(clamp_to(pack(fallback, options), lo, hi));
  }
  Rng rng(seed, stream);
  for (int s = 0; s < options.random_starts; ++s) {
    GpHyper h;
    for (std::size_t k = 0; k < dims; ++k) h.log_length.push_back(rng.uniform(std::log(0.05), std::log(2.0)));
    h.log_signal_variance = rng.uniform(std::log(0.3), std::log(3.0));
    h.log_noise_variance = rng.uniform(options.log_noise_min, std::log(0.1));
    starts.push_back(clamp_to(pack(h, options), lo, hi));
  }

  struct Context {
    const GaussianProcess* gp;
    const GpFitOptions* options;
    std::size_t dims;
    std::vector<double> best_p;
    double best_value = -std::numeric_limits<double>::infinity();
  } context{this, &options, dims, {}, -std::numeric_limits<double>::infinity()};

  auto objective = [](const std::vector<double>& p, std::vector<double>& grad, void* data) -> double {
    auto* c = static_cast<Context*>(data);
    const GpHyper h = unpack(p, c->dims, *c->options);
    std::vector<double> full_grad;
    double value = c->gp->log_marginal_likelihood(h, grad.empty() ? nullptr : &full_grad);
    if (!std::isfinite(value)) {
      std::fill(grad.begin(), grad.end(), 0.0);
      return -1e30;
    }
    if (!grad.empty()) {
      for (std::size_t i = 0; i < grad.size(); ++i) grad[i] = full_grad[i];
    }
    const double shape = c->options->length_prior_shape, rate = c->options->length_prior_rate;
    if (shape > 0.0) {
      // log Gamma density of l = e^theta, up to a constant: (shape - 1) theta - rate e^theta.
      for (std::size_t k = 0; k < c->dims; ++k) {
        const double ell = std::exp(p[k]);
        value += (shape - 1.0) * p[k] - rate * ell;
        if (!grad.empty()) grad[k] += (shape - 1.0) - rate * ell;
      }
    }
    if (value > c->best_value) {
      c->best_value = value;
      c->best_p = p;
    }
    return value;
  };

  for (const auto& start : starts) {
    nlopt::opt opt(nlopt::LD_LBFGS, static_cast<unsigned>(np));
    opt.set_lower_bounds(lo);
    opt.set_upper_bounds(hi);
    opt.set_max_objective(objective, &context);
    opt.set_maxeval(options.max_evaluations);
    opt.set_ftol_rel(1e-6);
    opt.set_xtol_rel(1e-4);
    std::vector<double> p = start;
    double value = 0.0;
    try {
      opt.optimize(p, value);
    } catch (const std::exception&) {
      // Round-off or a failed line search: the best point seen so far is kept in context.
    }
  }
  if (context.best_p.empty()) {
    throw std::runtime_error(fmt::format(
        "Gaussian process: no hyper-parameters give a positive-definite covariance for {} points", x.rows()));
  }
  hyper_ = unpack(context.best_p, dims, options);
  factorize();
}

void GaussianProcess::add_observation(const Eigen::VectorXd& x, double y) {
  if (x.size() != x_.cols()) throw std::invalid_argument("GaussianProcess: observation of the wrong dimension");
  const Eigen::Index n = x_.rows();
  x_.conservativeResize(n + 1, Eigen::NoChange);
  x_.row(n) = x.transpose();
  z_.conservativeResize(n + 1);
  z_[n] = (y - y_mean_) / y_scale_;
  factorize();
}

GpPrediction GaussianProcess::predict(const Eigen::VectorXd& x) const {
  const Eigen::Index n = x_.rows();
  const Eigen::VectorXd inv = inverse_squared_lengths(hyper_);
  const double signal = std::exp(hyper_.log_signal_variance);
  if (x.size() != x_.cols()) throw std::invalid_argument("GaussianProcess: prediction point of the wrong dimension");
  Eigen::VectorXd k_star(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    double r2 = 0.0;
    for (Eigen::Index k = 0; k < x.size(); ++k) {
      const double delta = x[k] - x_(i, k);
      r2 += delta * delta * inv[k];
    }
    k_star[i] = signal * matern52(std::sqrt(r2));
  }
  GpPrediction p;
  const double mean_z = k_star.dot(alpha_);
  const Eigen::VectorXd v = llt_.matrixL().solve(k_star);
  const double var_z = std::max(signal - v.squaredNorm(), 0.0);
  p.mean = y_mean_ + y_scale_ * mean_z;
  p.variance = var_z * y_scale_ * y_scale_;
  return p;
}

}  // namespace hrsnn::opt
