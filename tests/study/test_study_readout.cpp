// The Cholesky (Gram) ridge readouts of study/gram_ridge.hpp against the eigendecomposition
// readouts of study/readout.hpp and study/metrics.hpp: same lambdas, same weights, same scores.
#include "core/foundation/random.hpp"
#include "study/gram_ridge.hpp"
#include "study/metrics.hpp"
#include "study/readout.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace hrsnn::study;
using hrsnn::Rng;

namespace {

Eigen::MatrixXd random_matrix(Eigen::Index rows, Eigen::Index cols, uint64_t seed, double offset = 0.0) {
  Rng rng(seed);
  Eigen::MatrixXd m(rows, cols);
  for (Eigen::Index c = 0; c < cols; ++c)
    for (Eigen::Index r = 0; r < rows; ++r)
      m(r, c) = offset + rng.uniform(-1.0, 1.0) * (1.0 + 0.1 * static_cast<double>(c));
  return m;
}

// A leaky reservoir-like feature matrix of an input: column j is u filtered with decay 0.1 j.
Eigen::MatrixXd leaky_features(const std::vector<double>& u, Eigen::Index cols, uint64_t seed) {
  Eigen::MatrixXd x = random_matrix(static_cast<Eigen::Index>(u.size()), cols, seed) * 0.05;
  for (Eigen::Index j = 0; j < cols; ++j) {
    double f = 0.0;
    const double keep = 0.1 * static_cast<double>(j % 9);
    for (size_t t = 0; t < u.size(); ++t) {
      f = keep * f + u[t];
      x(static_cast<Eigen::Index>(t), j) += f;
    }
  }
  return x;
}

double max_abs_diff(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) { return (a - b).cwiseAbs().maxCoeff(); }

}  // namespace

TEST_CASE("Gram ridge selection gives the eigen path's lambdas, weights and validation errors",
          "[study][readout][gram]") {
  const Eigen::MatrixXd x = random_matrix(300, 20, 1, 0.5);
  Eigen::MatrixXd y(300, 3);
  const Eigen::MatrixXd w = random_matrix(20, 3, 2);
  y = x * w + 0.3 * random_matrix(300, 3, 3);
  for (bool standardize : {true, false}) {
    for (bool per_output : {true, false}) {
      INFO("standardize " << standardize << " per_output " << per_output);
      RidgeSelectConfig c;
      c.standardize = standardize;
      c.per_output = per_output;
      const RidgeSearch a = fit_ridge_select(x.topRows(200), y.topRows(200), x.bottomRows(100), y.bottomRows(100), c);
      const RidgeSearch b =
          fit_ridge_select_gram(x.topRows(200), y.topRows(200), x.bottomRows(100), y.bottomRows(100), c);
      CHECK(a.model.lambdas == b.model.lambdas);
      CHECK(max_abs_diff(a.validation_mse, b.validation_mse) < 1e-9);
      CHECK(max_abs_diff(a.model.weights, b.model.weights) < 1e-7);
      CHECK(max_abs_diff(a.model.predict(x), b.model.predict(x)) < 1e-8);
    }
  }
}

TEST_CASE("with fewer rows than features the dual Gram gives the primal weights", "[study][readout][gram]") {
  const Eigen::MatrixXd x = random_matrix(40, 90, 4);
  const Eigen::MatrixXd y = x.leftCols(5) * random_matrix(5, 2, 5) + 0.1 * random_matrix(40, 2, 6);
  RidgeSelectConfig c;
  c.lambda_grid = {1e-3, 1e-2, 1e-1, 1.0};
  const RidgeSearch a = fit_ridge_select(x.topRows(30), y.topRows(30), x.bottomRows(10), y.bottomRows(10), c);
  const RidgeSearch b = fit_ridge_select_gram(x.topRows(30), y.topRows(30), x.bottomRows(10), y.bottomRows(10), c);
  CHECK(a.model.lambdas == b.model.lambdas);
  CHECK(max_abs_diff(a.model.weights, b.model.weights) < 1e-7);
}

TEST_CASE("Gram ridge classifier picks the eigen path's lambda and predicts the same classes",
          "[study][readout][gram]") {
  Rng rng(7);
  const int classes = 4;
  Eigen::MatrixXd x(240, 12);
  std::vector<int> labels(240);
  for (Eigen::Index r = 0; r < 240; ++r) {
    labels[static_cast<size_t>(r)] = static_cast<int>(rng.below_by_rejection(classes));
    for (Eigen::Index c = 0; c < 12; ++c)
      x(r, c) = rng.uniform(-1.0, 1.0) + (c % classes == labels[static_cast<size_t>(r)] ? 0.8 : 0.0);
  }
  const std::span<const int> l(labels);
  const RidgeClassifier a =
      fit_ridge_classifier(x.topRows(160), l.first(160), x.middleRows(160, 40), l.subspan(160, 40), classes);
  const RidgeClassifier b =
      fit_ridge_classifier_gram(x.topRows(160), l.first(160), x.middleRows(160, 40), l.subspan(160, 40), classes);
  CHECK(a.lambda == b.lambda);
  CHECK(a.validation_accuracy == b.validation_accuracy);
  CHECK(a.predict(x.bottomRows(40)) == b.predict(x.bottomRows(40)));
}

TEST_CASE("Gram memory capacity and prediction equal the eigen path's, alone and fused", "[study][readout][gram]") {
  std::vector<double> u(900);
  Rng rng(8);
  for (auto& v : u) v = rng.uniform();
  const Eigen::MatrixXd x = leaky_features(u, 25, 9);
  std::vector<double> target(u.size());
  for (size_t t = 0; t < u.size(); ++t) target[t] = t >= 2 ? u[t - 1] * u[t - 2] : 0.0;
  for (bool standardize : {true, false}) {
    INFO("standardize " << standardize);
    MemoryCapacityConfig mc;
    mc.max_delay = 30;
    mc.washout = 50;
    mc.standardize = standardize;
    PredictionConfig pc;
    pc.washout = 50;
    pc.standardize = standardize;
    const MemoryCapacityResult a = memory_capacity(x, u, mc);
    const MemoryCapacityResult b = memory_capacity_gram(x, u, mc);
    CHECK(b.capacity == Approx(a.capacity).epsilon(1e-9));
    CHECK(a.lambda_by_delay == b.lambda_by_delay);
    CHECK(a.test_rows == b.test_rows);
    const PredictionResult p = evaluate_prediction(x, target, pc);
    const PredictionResult q = evaluate_prediction_gram(x, target, pc);
    CHECK(q.test_nrmse == Approx(p.test_nrmse).epsilon(1e-9));
    CHECK(q.lambda == p.lambda);
    // Same rows (max(washout, K) = prediction washout): one fused fit, same numbers.
    mc.washout = 10;
    mc.max_delay = 50;
    const MemoryAndPrediction f = memory_and_prediction_gram(x, u, target, mc, pc);
    CHECK(f.memory.capacity == Approx(memory_capacity(x, u, mc).capacity).epsilon(1e-9));
    CHECK(f.prediction.test_nrmse == Approx(p.test_nrmse).epsilon(1e-9));
    CHECK(f.prediction.lambda == p.lambda);
  }
}
