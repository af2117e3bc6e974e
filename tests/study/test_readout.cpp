// Ridge readouts: the closed-form solution on hand cases, the unpenalized bias, agreement of
// the LDLT and eigendecomposition solvers, lambda selection on validation data, and ridge
// classification on one-hot targets.
#include "core/foundation/random.hpp"
#include "study/readout.hpp"

#include <catch2/catch.hpp>

using namespace hrsnn::study;
using hrsnn::Rng;

TEST_CASE("Ridge on one feature equals the hand-computed closed form", "[study][readout]") {
  // x = (1, 2, 3), y = (2, 4, 6): centred Sxx = 2, Sxy = 4, T = 3.
  // Minimizing (1/T)|y - w x - b|^2 + lambda w^2 gives w = Sxy / (Sxx + T lambda), b = ybar - w xbar.
  // With lambda = 1/3: w = 4 / 3, b = 4 - 2 * 4/3 = 4/3.
  Eigen::MatrixXd x(3, 1);
  x << 1, 2, 3;
  Eigen::MatrixXd y(3, 1);
  y << 2, 4, 6;
  const RidgeModel m = fit_ridge(x, y, 1.0 / 3.0, /*standardize=*/false);
  CHECK(m.weights(0, 0) == Approx(4.0 / 3.0));
  CHECK(m.bias(0) == Approx(4.0 / 3.0));
  Eigen::MatrixXd q(1, 1);
  q << 10.0;
  CHECK(m.predict(q)(0, 0) == Approx(4.0 / 3.0 * 10.0 + 4.0 / 3.0));
  // lambda = 0 recovers least squares exactly: y = 2x.
  const RidgeModel ls = fit_ridge(x, y, 0.0, false);
  CHECK(ls.weights(0, 0) == Approx(2.0));
  CHECK(ls.bias(0) == Approx(0.0).margin(1e-12));
}

TEST_CASE("Multi-output ridge equals (Xc'Xc/T + lambda I)^-1 Xc'Yc/T with an unpenalized bias", "[study][readout]") {
  Eigen::MatrixXd x(6, 2);
  x << 1, 0, 2, 1, 0, 3, 4, 1, 3, 3, 5, 2;
  Eigen::MatrixXd y(6, 2);
  y << 1, -1, 3, 0, 2, 4, 6, 1, 4, 2, 7, -3;
  const double lambda = 0.5;
  const Eigen::RowVectorXd xm = x.colwise().mean();
  const Eigen::RowVectorXd ym = y.colwise().mean();
  const Eigen::MatrixXd xc = x.rowwise() - xm;
  const Eigen::MatrixXd yc = y.rowwise() - ym;
  const Eigen::MatrixXd w =
      (xc.transpose() * xc / 6.0 + lambda * Eigen::MatrixXd::Identity(2, 2)).inverse() * (xc.transpose() * yc / 6.0);
  const Eigen::RowVectorXd b = ym - xm * w;

  const RidgeModel ldlt = fit_ridge(x, y, lambda, false);
  CHECK((ldlt.weights - w).cwiseAbs().maxCoeff() < 1e-12);
  CHECK((ldlt.bias - b).cwiseAbs().maxCoeff() < 1e-12);

  // The grid solver (eigendecomposition) gives the same model for the same lambda.
  RidgeSelectConfig c;
  c.lambda_grid = {lambda};
  c.standardize = false;
  c.refit_on_validation = false;
  const RidgeSearch s = fit_ridge_select(x, y, x, y, c);
  CHECK((s.model.weights - w).cwiseAbs().maxCoeff() < 1e-12);
  CHECK((s.model.bias - b).cwiseAbs().maxCoeff() < 1e-12);

  // A huge lambda shrinks the weights but not the bias: predictions tend to the target mean.
  const RidgeModel flat = fit_ridge(x, y, 1e12, false);
  const Eigen::MatrixXd p = flat.predict(x);
  for (Eigen::Index r = 0; r < 6; ++r) CHECK((p.row(r) - ym).cwiseAbs().maxCoeff() < 1e-9);
}

TEST_CASE("Standardization makes the fit invariant to feature scale and offset", "[study][readout]") {
  Rng rng(5);
  Eigen::MatrixXd x(200, 3);
  Eigen::MatrixXd y(200, 1);
  for (Eigen::Index r = 0; r < 200; ++r) {
    for (Eigen::Index c = 0; c < 3; ++c) x(r, c) = rng.uniform(-1.0, 1.0);
    y(r, 0) = x(r, 0) - 2.0 * x(r, 2) + 0.1 * rng.uniform(-1.0, 1.0);
  }
  Eigen::MatrixXd x2 = x;
  x2.col(0) = x2.col(0) * 1000.0;
  x2.col(1) = (x2.col(1).array() + 50.0).matrix();
  const Eigen::MatrixXd p1 = fit_ridge(x, y, 0.01).predict(x);
  const Eigen::MatrixXd p2 = fit_ridge(x2, y, 0.01).predict(x2);
  CHECK((p1 - p2).cwiseAbs().maxCoeff() < 1e-9);

  // A constant feature is harmless.
  Eigen::MatrixXd x3(200, 4);
  x3 << x, Eigen::MatrixXd::Constant(200, 1, 7.0);
  CHECK(fit_ridge(x3, y, 0.01).predict(x3).allFinite());
}

TEST_CASE("Lambda selection picks little regularization for clean data and much for noise", "[study][readout]") {
  Rng rng(9);
  const Eigen::Index n = 300;
  Eigen::MatrixXd x(n, 20);
  Eigen::MatrixXd y(n, 2);
  for (Eigen::Index r = 0; r < n; ++r) {
    for (Eigen::Index c = 0; c < 20; ++c) x(r, c) = rng.uniform(-1.0, 1.0);
    y(r, 0) = x.row(r).sum();          // exactly linear
    y(r, 1) = rng.uniform(-1.0, 1.0);  // unrelated noise
  }
  RidgeSelectConfig c;
  c.per_output = true;
  const RidgeSearch s = fit_ridge_holdout(x, y, 0.3, c);
  CHECK(s.validation_mse.rows() == 11);
  CHECK(s.model.lambdas[0] <= 1e-6);
  CHECK(s.model.lambdas[1] >= 1.0);
  // Shared lambda: one value for both outputs.
  c.per_output = false;
  const RidgeSearch shared = fit_ridge_holdout(x, y, 0.3, c);
  CHECK(shared.model.lambdas[0] == shared.model.lambdas[1]);
}

TEST_CASE("log_grid spans its decades inclusively", "[study][readout]") {
  const auto g = log_grid(1e-3, 1e1, 2);
  REQUIRE(g.size() == 9);
  CHECK(g.front() == Approx(1e-3));
  CHECK(g[1] == Approx(std::sqrt(10.0) * 1e-3));
  CHECK(g.back() == Approx(10.0));
  CHECK(default_lambda_grid().size() == 11);
}

TEST_CASE("Ridge classification on one-hot targets separates separable classes", "[study][readout]") {
  const std::vector<int> labels = {0, 2, 1};
  const Eigen::MatrixXd oh = one_hot(labels, 3);
  CHECK(oh(1, 2) == 1.0);
  CHECK(oh.sum() == 3.0);
  CHECK_THROWS(one_hot(std::vector<int>{3}, 3));
  Eigen::MatrixXd scores(2, 3);
  scores << 0.1, 0.5, 0.5, -1, -2, -3;
  CHECK(argmax_rows(scores) == std::vector<int>{1, 0});

  // Three classes in 4-D: class k is centred at 2 e_k, with uniform jitter +-0.8.
  Rng rng(3);
  const auto make = [&rng](std::size_t n, Eigen::MatrixXd& x, std::vector<int>& l) {
    x.resize(static_cast<Eigen::Index>(n), 4);
    l.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      const int k = static_cast<int>(i % 3);
      l[i] = k;
      for (Eigen::Index c = 0; c < 4; ++c) {
        x(static_cast<Eigen::Index>(i), c) = (c == k ? 2.0 : 0.0) + rng.uniform(-0.8, 0.8);
      }
    }
  };
  Eigen::MatrixXd xt, xv, xs;
  std::vector<int> lt, lv, ls;
  make(150, xt, lt);
  make(60, xv, lv);
  make(90, xs, ls);
  const RidgeClassifier clf = fit_ridge_classifier(xt, lt, xv, lv, 3);
  CHECK(clf.validation_accuracy.size() == 11);
  const auto predicted = clf.predict(xs);
  std::size_t correct = 0;
  for (std::size_t i = 0; i < ls.size(); ++i) correct += predicted[i] == ls[i] ? 1U : 0U;
  CHECK(correct == ls.size());
}
