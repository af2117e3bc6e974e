// Metrics: r^2, NRMSE, squared correlation and accuracy on hand-computed cases; the memory
// capacity of an exact delay line; spiking activity and E.
#include "study/esn.hpp"
#include "study/metrics.hpp"
#include "study/tasks.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using namespace hrsnn::study;

TEST_CASE("r^2 and NRMSE match hand-computed values", "[study][metrics]") {
  // truth 1,2,3,4 (mean 2.5, SS_tot = 5, population variance 5/4); prediction 1,2,3,5:
  // SS_res = 1, so r^2 = 1 - 1/5 = 0.8; RMSE = sqrt(1/4) = 0.5; NRMSE = 0.5 / sqrt(5/4) = 1/sqrt(5).
  const std::vector<double> truth = {1, 2, 3, 4};
  const std::vector<double> pred = {1, 2, 3, 5};
  CHECK(r_squared(truth, pred) == Approx(0.8));
  CHECK(nrmse(truth, pred) == Approx(1.0 / std::sqrt(5.0)));
  CHECK(mean_squared_error(truth, pred) == Approx(0.25));
  // Predicting the mean: r^2 = 0, NRMSE = 1.
  const std::vector<double> mean(4, 2.5);
  CHECK(r_squared(truth, mean) == Approx(0.0).margin(1e-15));
  CHECK(nrmse(truth, mean) == Approx(1.0));
  // A worse-than-mean model has negative r^2: prediction 4,3,2,1 gives SS_res = 20, r^2 = -3.
  const std::vector<double> reversed = {4, 3, 2, 1};
  CHECK(r_squared(truth, reversed) == Approx(-3.0));
  CHECK_THROWS(nrmse(mean, truth));
  CHECK_THROWS(r_squared(truth, std::vector<double>{1, 2}));
}

TEST_CASE("Squared correlation and accuracy match hand-computed values", "[study][metrics]") {
  // a = 1,2,3 and b = 2,4,7: deviations (-1,0,1) and (-7/3,-1/3,8/3); Sab = 5, Saa = 2,
  // Sbb = (49 + 1 + 64) / 9 = 114/9, so r^2 = 25 / (2 * 114/9) = 225/228.
  const std::vector<double> a = {1, 2, 3};
  const std::vector<double> b = {2, 4, 7};
  CHECK(squared_correlation(a, b) == Approx(225.0 / 228.0));
  CHECK(squared_correlation(a, std::vector<double>{5, 5, 5}) == 0.0);
  CHECK(squared_correlation(a, std::vector<double>{-3, -6, -9}) == Approx(1.0));
  CHECK(accuracy(std::vector<int>{1, 2, 3, 4}, std::vector<int>{1, 0, 3, 0}) == 0.5);
}

TEST_CASE("A delay line of d taps has memory capacity d", "[study][metrics]") {
  // Features are exact copies u(t-1), ..., u(t-d): delays 1..d are reconstructed perfectly,
  // later ones not at all, so MC = d up to the estimator's ~K / test_rows positive bias.
  const std::size_t d = 8;
  const std::size_t steps = 3000;
  const auto u = uniform_input(steps, 21);
  Eigen::MatrixXd x = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(steps), static_cast<Eigen::Index>(d));
  for (std::size_t t = 0; t < steps; ++t) {
    for (std::size_t k = 1; k <= d && k <= t; ++k) {
      x(static_cast<Eigen::Index>(t), static_cast<Eigen::Index>(k - 1)) = u[t - k];
    }
  }
  const MemoryCapacityResult mc = memory_capacity(x, u);
  REQUIRE(mc.r2_by_delay.size() == 2 * d);  // K defaults to 2 x features
  for (std::size_t k = 1; k <= d; ++k) CHECK(mc.r2_by_delay[k - 1] > 0.9999);
  for (std::size_t k = d + 1; k <= 2 * d; ++k) CHECK(mc.r2_by_delay[k - 1] < 0.02);
  CHECK(mc.capacity == Approx(static_cast<double>(d)).margin(0.1));
  CHECK(mc.capacity >= static_cast<double>(d) - 0.001);

  // The linear baseline's delay embedding includes u(t) itself (delay 0, not counted):
  // d taps remember delays 1..d-1.
  const MemoryCapacityResult emb = memory_capacity(delay_embedding(u, d), u);
  CHECK(emb.capacity == Approx(static_cast<double>(d - 1)).margin(0.1));
}

TEST_CASE("Memory capacity refuses mismatched or too short inputs", "[study][metrics]") {
  const auto u = uniform_input(100, 1);
  CHECK_THROWS_WITH(memory_capacity(Eigen::MatrixXd::Zero(99, 2), u), Catch::Contains("99"));
  CHECK_THROWS_WITH(memory_capacity(Eigen::MatrixXd::Zero(100, 2), u), Catch::Contains("too few"));
}

TEST_CASE("Prediction NRMSE of an exact feature is zero and of pure noise is about one", "[study][metrics]") {
  const auto u = uniform_input(1000, 8);
  std::vector<double> target(u.size());
  for (std::size_t t = 0; t < u.size(); ++t) target[t] = 3.0 * u[t] - 1.0;
  const Eigen::MatrixXd x = delay_embedding(u, 1);
  const PredictionResult exact = evaluate_prediction(x, target);
  CHECK(exact.test_nrmse < 1e-3);
  CHECK(exact.test_rows == 360);
  const auto noise = uniform_input(1000, 99);
  const PredictionResult none = evaluate_prediction(x, noise);
  CHECK(none.test_nrmse == Approx(1.0).margin(0.1));
}

TEST_CASE("Spiking activity and E = S / MC, MC / S", "[study][metrics]") {
  CHECK(spiking_activity(500, 100, 1000) == Approx(0.005));
  const SpikeEfficiency e = spike_efficiency(0.02, 8.0);
  CHECK(e.e == Approx(0.0025));
  CHECK(e.mc_per_activity == Approx(400.0));
  CHECK(spike_efficiency(0.02, 0.0).e == std::numeric_limits<double>::infinity());
  CHECK(spike_efficiency(0.0, 3.0).mc_per_activity == std::numeric_limits<double>::infinity());
  CHECK_THROWS(spiking_activity(1, 0, 10));
}
