// Tests of optimize/acquisition.hpp: EI against its closed form, log-EI in the far tail where
// EI underflows, and the search for the acquisition maximum.
#include "optimize/acquisition.hpp"

#include "optimize/design.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

using namespace hrsnn::opt;

namespace {

// EI by the textbook closed form in long double: (best - mu) Phi(z) + sigma phi(z).
double closed_form_ei(double mu, double sigma, double best) {
  const long double z = (static_cast<long double>(best) - mu) / sigma;
  const long double phi = std::exp(-0.5L * z * z) / std::sqrt(2.0L * std::numbers::pi_v<long double>);
  const long double cdf = 0.5L * std::erfc(-z / std::sqrt(2.0L));
  return static_cast<double>((best - static_cast<long double>(mu)) * cdf + sigma * phi);
}

// log h(-t) for large t from the asymptotic series h(-t) = phi(t)/t² (1 - 3/t² + 15/t⁴ - 105/t⁶ + 945/t⁸).
double asymptotic_log_h(double t) {
  const double u = 1.0 / (t * t);
  const double series = 1.0 - 3.0 * u + 15.0 * u * u - 105.0 * u * u * u + 945.0 * u * u * u * u;
  return -0.5 * t * t - 0.5 * std::log(2.0 * std::numbers::pi) - 2.0 * std::log(t) + std::log(series);
}

}  // namespace

TEST_CASE("Expected improvement equals its closed form at ordinary points", "[acquisition][ei]") {
  struct Case {
    double mu, sigma, best;
  };
  for (const Case c : {Case{0.0, 1.0, 0.0}, Case{1.0, 2.0, 0.5}, Case{0.0, 1.0, 3.0}, Case{5.0, 1.0, 0.0},
                       Case{-2.0, 0.3, -1.0}, Case{10.0, 4.0, 1.0}, Case{0.2, 0.05, 0.0}}) {
    INFO("mu " << c.mu << " sigma " << c.sigma << " best " << c.best);
    const double expected = closed_form_ei(c.mu, c.sigma, c.best);
    CHECK(expected_improvement(c.mu, c.sigma, c.best) == Approx(expected).epsilon(1e-12));
    CHECK(log_expected_improvement(c.mu, c.sigma, c.best) == Approx(std::log(expected)).epsilon(1e-12).margin(1e-14));
  }
  CHECK(expected_improvement(0.0, 1.0, 0.0) == Approx(1.0 / std::sqrt(2.0 * std::numbers::pi)));
}

TEST_CASE("Expected improvement with a tiny sigma tends to the plain improvement", "[acquisition][ei]") {
  CHECK(expected_improvement(0.0, 1e-12, 1.0) == Approx(1.0).epsilon(1e-12));
  CHECK(log_expected_improvement(0.0, 1e-12, 1.0) == Approx(0.0).margin(1e-12));
  CHECK(expected_improvement(0.0, 0.0, 1.0) == 1.0);
  CHECK(expected_improvement(2.0, 0.0, 1.0) == 0.0);
  CHECK(log_expected_improvement(2.0, 0.0, 1.0) == -std::numeric_limits<double>::infinity());
}

TEST_CASE("Log expected improvement stays finite and exact where EI underflows", "[acquisition][ei]") {
  // sigma = 1e-10 and the mean 1 above the incumbent: z = -1e10, EI ~ 1e-10^... = 0 in double.
  CHECK(expected_improvement(1.0, 1e-10, 0.0) == 0.0);
  const double log_ei = log_expected_improvement(1.0, 1e-10, 0.0);
  CHECK(std::isfinite(log_ei));
  CHECK(log_ei == Approx(std::log(1e-10) + asymptotic_log_h(1e10)).epsilon(1e-12));
  for (double t : {40.0, 100.0, 1e3, 1e6}) {
    INFO("z = -" << t);
    CHECK(log_h(-t) == Approx(asymptotic_log_h(t)).epsilon(1e-12));
  }
  // Between the direct form and the continued fraction the two agree.
  for (double z : {-5.0, -6.0, -8.0, -12.0}) {
    const double expected = std::log(closed_form_ei(-z, 1.0, 0.0));
    INFO("z = " << z);
    CHECK(log_h(z) == Approx(expected).epsilon(1e-11));
  }
  CHECK(log_h(-5.0 + 1e-12) == Approx(log_h(-5.0 - 1e-12)).epsilon(1e-10));
}

TEST_CASE("log Phi is accurate deep in the lower tail", "[acquisition][ei]") {
  for (double z : {-3.0, -6.0, -10.0, -20.0, -35.0}) {
    INFO("z = " << z);
    CHECK(log_normal_cdf(z) == Approx(std::log(0.5 * std::erfc(-z / std::sqrt(2.0)))).epsilon(1e-12));
  }
  // Far beyond erfc's range: log Phi(z) ~ -z²/2 - log(-z) - log √(2π) - 1/z².
  const double z = -1e4;
  CHECK(log_normal_cdf(z) ==
        Approx(-0.5 * z * z - std::log(-z) - 0.5 * std::log(2 * std::numbers::pi) - 1.0 / (z * z)).epsilon(1e-14));
  CHECK(log_normal_cdf(8.0) == Approx(-6.22096057427e-16).epsilon(1e-6));
}

TEST_CASE("The acquisition search finds the point a GP believes in most", "[acquisition]") {
  // A GP of f(x) = (x0 - 0.3)² + (x1 - 0.7)² from a 16-point Sobol design; EI's maximum is
  // near the true minimum.
  const Points design = sobol_points(2, 16, 5);
  Eigen::MatrixXd x(16, 2);
  Eigen::VectorXd y(16);
  for (Eigen::Index i = 0; i < 16; ++i) {
    x(i, 0) = design[static_cast<std::size_t>(i)][0];
    x(i, 1) = design[static_cast<std::size_t>(i)][1];
    y[i] = std::pow(x(i, 0) - 0.3, 2) + std::pow(x(i, 1) - 0.7, 2);
  }
  AcquisitionState state;
  state.objective.fit(x, y, GpFitOptions{}, 1, 0);
  Eigen::Index best_i = 0;
  y.minCoeff(&best_i);
  state.incumbent = y.minCoeff();
  state.anchors.push_back(x.row(best_i).transpose());
  const Eigen::VectorXd chosen = maximize_acquisition(state, AcquisitionOptions{}, 1, 2);
  CHECK(chosen[0] == Approx(0.3).margin(0.08));
  CHECK(chosen[1] == Approx(0.7).margin(0.08));
  // No sampled candidate scores better than the local search's answer.
  const double chosen_score = log_acquisition(state, chosen);
  for (const auto& p : sobol_points(2, 512, 9)) {
    CHECK(log_acquisition(state, Eigen::Map<const Eigen::VectorXd>(p.data(), 2)) <= chosen_score + 1e-9);
  }

  // A batch of three by the kriging believer: the first equal to the single choice, the others
  // elsewhere (the fantasized observation removes the first point's uncertainty).
  const auto batch = propose_batch(state, 3, AcquisitionOptions{}, 1, 4);
  REQUIRE(batch.size() == 3);
  const auto single = propose_batch(state, 1, AcquisitionOptions{}, 1, 4);
  CHECK(single[0] == batch[0]);
  CHECK(batch[0] != batch[1]);
  CHECK(batch[1] != batch[2]);
  CHECK(batch[0] != batch[2]);
}
