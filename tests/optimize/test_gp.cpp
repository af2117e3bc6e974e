// Tests of optimize/gp.hpp: the Matérn 5/2 kernel and the posterior against a two-point case
// worked by hand, the likelihood gradient against finite differences, and fitting.
#include "optimize/gp.hpp"

#include "core/foundation/random.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <vector>

using hrsnn::opt::GaussianProcess;
using hrsnn::opt::GpFitOptions;
using hrsnn::opt::GpHyper;

namespace {

// m(r) = (1 + √5 r + 5 r²/3) exp(-√5 r), worked by hand:
//   r = 0.2: (1 + 0.4472136 + 0.0666667) e^{-0.4472136} = 1.5138803 * 0.6394073 = 0.9679861
//   r = 0.8: (1 + 1.7888544 + 1.0666667) e^{-1.7888544} = 3.8555211 * 0.1671495 = 0.6444563
//   r = 1.0: (1 + 2.2360680 + 1.6666667) e^{-2.2360680} = 4.9027346 * 0.1068779 = 0.5239941
constexpr double kM02 = 0.9679861199640714;
constexpr double kM08 = 0.64445632646425;
constexpr double kM10 = 0.5239941088318203;

}  // namespace

TEST_CASE("The Matérn 5/2 correlation matches values worked by hand", "[gp]") {
  CHECK(GaussianProcess::matern52(0.0) == 1.0);
  CHECK(GaussianProcess::matern52(0.2) == Approx(kM02).epsilon(1e-14));
  CHECK(GaussianProcess::matern52(0.8) == Approx(kM08).epsilon(1e-14));
  CHECK(GaussianProcess::matern52(1.0) == Approx(kM10).epsilon(1e-14));
}

TEST_CASE("The posterior mean and variance of a two-point GP match the closed form worked by hand", "[gp]") {
  // Data x = 0, 0.5 with y = 1, 3: standardized z = (y - 2) / sqrt(2) = -1/√2, +1/√2.
  // Hyper-parameters: length 0.5, signal variance 1.5, noise variance 0.01 (standardized units).
  const double ell = 0.5, signal = 1.5, noise = 0.01;
  Eigen::MatrixXd x(2, 1);
  x << 0.0, 0.5;
  Eigen::VectorXd y(2);
  y << 1.0, 3.0;
  GpHyper hyper;
  hyper.log_length = {std::log(ell)};
  hyper.log_signal_variance = std::log(signal);
  hyper.log_noise_variance = std::log(noise);
  GaussianProcess gp;
  gp.condition(x, y, hyper);
  CHECK(gp.output_mean() == Approx(2.0));
  CHECK(gp.output_scale() == Approx(std::sqrt(2.0)));
  CHECK(gp.jitter() == 0.0);

  // K + noise I = [[a, b], [b, a]] with a = 1.5 + 0.01, b = 1.5 m(|0 - 0.5| / 0.5) = 1.5 m(1);
  // its inverse is [[a, -b], [-b, a]] / (a² - b²).
  const double a = signal + noise, b = signal * kM10, det = a * a - b * b;
  const double z1 = -1.0 / std::sqrt(2.0), z2 = 1.0 / std::sqrt(2.0);
  const double alpha1 = (a * z1 - b * z2) / det, alpha2 = (-b * z1 + a * z2) / det;

  // At x* = 0.1: distances 0.1 / 0.5 = 0.2 and 0.4 / 0.5 = 0.8.
  const double k1 = signal * kM02, k2 = signal * kM08;
  const double mean_z = k1 * alpha1 + k2 * alpha2;
  const double quad = (a * k1 * k1 - 2.0 * b * k1 * k2 + a * k2 * k2) / det;  // k*^T K^-1 k*
  const double var_z = signal - quad;

  Eigen::VectorXd star(1);
  star << 0.1;
  const auto p = gp.predict(star);
  CHECK(p.mean == Approx(2.0 + std::sqrt(2.0) * mean_z).epsilon(1e-12));
  CHECK(p.variance == Approx(2.0 * var_z).epsilon(1e-10));

  // Log marginal likelihood: -z^T K^-1 z / 2 - log det / 2 - log 2π.
  const double expected_lml =
      -0.5 * (z1 * alpha1 + z2 * alpha2) - 0.5 * std::log(det) - std::log(2.0 * std::numbers::pi);
  CHECK(gp.log_marginal_likelihood() == Approx(expected_lml).epsilon(1e-12));

  // At a data point the latent variance is small but not zero (noise), the mean near the data.
  star << 0.5;
  const auto at_data = gp.predict(star);
  CHECK(at_data.mean == Approx(3.0).margin(0.05));
  CHECK(at_data.variance > 0.0);
  CHECK(at_data.variance < 0.05);
}

TEST_CASE("Adding an observation equals conditioning on the enlarged data with the same standardization", "[gp]") {
  Eigen::MatrixXd x(3, 2);
  x << 0.1, 0.2, 0.7, 0.4, 0.3, 0.9;
  Eigen::VectorXd y(3);
  y << 1.0, -2.0, 0.5;
  GpHyper hyper{{std::log(0.4), std::log(0.6)}, std::log(1.3), std::log(1e-3)};
  GaussianProcess gp;
  gp.condition(x, y, hyper);
  Eigen::VectorXd extra(2);
  extra << 0.5, 0.5;
  gp.add_observation(extra, 0.25);
  CHECK(gp.size() == 4);
  // The fourth point is now almost interpolated.
  CHECK(gp.predict(extra).mean == Approx(0.25).margin(0.02));
}

TEST_CASE("The log-likelihood gradient matches central finite differences", "[gp]") {
  Eigen::MatrixXd x(6, 3);
  x << 0.1, 0.2, 0.3, 0.9, 0.1, 0.5, 0.4, 0.8, 0.2, 0.6, 0.6, 0.9, 0.2, 0.4, 0.7, 0.75, 0.35, 0.05;
  Eigen::VectorXd y(6);
  for (Eigen::Index i = 0; i < 6; ++i) y[i] = std::sin(5 * x(i, 0)) + x(i, 1) * x(i, 1) - 0.5 * x(i, 2);
  GpHyper h{{std::log(0.3), std::log(0.7), std::log(1.5)}, std::log(0.8), std::log(0.02)};
  GaussianProcess gp;
  gp.condition(x, y, h);
  std::vector<double> grad;
  gp.log_marginal_likelihood(h, &grad);
  REQUIRE(grad.size() == 5);
  const double step = 1e-6;
  for (std::size_t i = 0; i < 5; ++i) {
    GpHyper up = h, down = h;
    auto param = [&](GpHyper& g) -> double& {
      if (i < 3) return g.log_length[i];
      return i == 3 ? g.log_signal_variance : g.log_noise_variance;
    };
    param(up) += step;
    param(down) -= step;
    const double fd = (gp.log_marginal_likelihood(up) - gp.log_marginal_likelihood(down)) / (2 * step);
    INFO("parameter " << i);
    CHECK(grad[i] == Approx(fd).epsilon(1e-5).margin(1e-7));
  }
}

TEST_CASE("A fitted GP interpolates a smooth function and ignores an irrelevant input (ARD)", "[gp]") {
  // 30 points of f(x) = sin(6 x0) on [0, 1]^2; x1 does not matter.
  Eigen::MatrixXd x(30, 2);
  Eigen::VectorXd y(30);
  for (Eigen::Index i = 0; i < 30; ++i) {
    x(i, 0) = std::fmod(0.6180339887 * static_cast<double>(i), 1.0);
    x(i, 1) = std::fmod(0.7548776662 * static_cast<double>(i) + 0.1, 1.0);
    y[i] = std::sin(6.0 * x(i, 0));
  }
  GaussianProcess gp;
  gp.fit(x, y, GpFitOptions{}, 1, 0);
  const auto& h = gp.hyper();
  CHECK(h.log_length[1] > h.log_length[0] + 1.0);  // the irrelevant input gets a much longer scale
  double max_error = 0.0;
  for (double t = 0.05; t < 1.0; t += 0.1) {
    Eigen::VectorXd p(2);
    p << t, 0.37;
    max_error = std::max(max_error, std::abs(gp.predict(p).mean - std::sin(6.0 * t)));
  }
  CHECK(max_error < 0.02);
}

TEST_CASE("Duplicate inputs with a negligible noise term are factorized with added jitter", "[gp]") {
  Eigen::MatrixXd x(3, 1);
  x << 0.5, 0.5, 0.2;
  Eigen::VectorXd y(3);
  y << 1.0, 1.0, 2.0;
  GpHyper h{{std::log(0.3)}, 0.0, -700.0};  // noise variance e^-700: K is singular without jitter
  GaussianProcess gp;
  REQUIRE_NOTHROW(gp.condition(x, y, h));
  CHECK(gp.jitter() > 0.0);
  Eigen::VectorXd p(1);
  p << 0.2;
  CHECK(std::isfinite(gp.predict(p).mean));
}

TEST_CASE("The fitted noise term recovers the noise level of noisy observations", "[gp]") {
  // y = sin(6 x) + e with e uniform of standard deviation 0.1 (variance 0.01), 80 points.
  hrsnn::Rng rng(11, 0);
  Eigen::MatrixXd x(80, 1);
  Eigen::VectorXd y(80);
  for (Eigen::Index i = 0; i < 80; ++i) {
    x(i, 0) = rng.uniform();
    y[i] = std::sin(6.0 * x(i, 0)) + (rng.uniform() - 0.5) * std::sqrt(12.0) * 0.1;
  }
  GaussianProcess gp;
  gp.fit(x, y, GpFitOptions{}, 1, 0);
  const double noise = std::exp(gp.hyper().log_noise_variance) * gp.output_scale() * gp.output_scale();
  CHECK(noise > 0.007);
  CHECK(noise < 0.014);
  // Without the noise term the fit would interpolate the noise; with it the mean stays smooth.
  Eigen::VectorXd p(1);
  p << 0.4;
  CHECK(gp.predict(p).mean == Approx(std::sin(2.4)).margin(0.06));
}
