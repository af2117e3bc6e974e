#include "study/readout.hpp"

#include <fmt/format.h>
#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace hrsnn::study {

namespace {

Eigen::Index idx(std::size_t i) { return static_cast<Eigen::Index>(i); }

void check_rows(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y, const char* what) {
  if (x.rows() != y.rows()) {
    throw std::invalid_argument(fmt::format("{}: features have {} rows, targets {}", what, x.rows(), y.rows()));
  }
  if (x.rows() == 0) throw std::invalid_argument(fmt::format("{}: no rows", what));
  if (y.cols() == 0) throw std::invalid_argument(fmt::format("{}: no target columns", what));
}

void check_lambda(double lambda) {
  if (!(lambda >= 0.0) || !std::isfinite(lambda)) {
    throw std::invalid_argument(fmt::format("ridge: lambda = {} must be finite and >= 0", lambda));
  }
}

Eigen::MatrixXd stack_rows(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  Eigen::MatrixXd out(a.rows() + b.rows(), a.cols());
  out.topRows(a.rows()) = a;
  out.bottomRows(b.rows()) = b;
  return out;
}

// Centred (and optionally standardized) normal equations of one training set, diagonalized
// once: Xc'Xc/T = V diag(s) V'. Then W(lambda) = V diag(1 / (s + lambda)) V' Xc'Yc/T for any
// lambda at the cost of one matrix product.
class RidgePath {
 public:
  RidgePath(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y, bool standardize) {
    standardizer_ = standardize ? Standardizer::fit(x) : Standardizer::identity(x.cols());
    const Eigen::MatrixXd xs = standardizer_.apply(x);
    const auto rows = static_cast<double>(x.rows());
    x_mean_ = xs.colwise().mean();
    y_mean_ = y.colwise().mean();
    const Eigen::MatrixXd xc = xs.rowwise() - x_mean_;
    const Eigen::MatrixXd yc = y.rowwise() - y_mean_;
    const Eigen::MatrixXd gram = (xc.transpose() * xc) / rows;
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(gram);
    if (eig.info() != Eigen::Success) {
      throw std::runtime_error("ridge: eigendecomposition of the Gram matrix failed");
    }
    vectors_ = eig.eigenvectors();
    // The Gram matrix is positive semi-definite; rounding can leave tiny negative eigenvalues.
    values_ = eig.eigenvalues().cwiseMax(0.0);
    projected_ = vectors_.transpose() * ((xc.transpose() * yc) / rows);
  }

  Eigen::Index outputs() const { return projected_.cols(); }

  // Weights with lambdas[o] for output o.
  RidgeModel model(const std::vector<double>& lambdas) const {
    RidgeModel m;
    m.standardizer = standardizer_;
    m.lambdas = lambdas;
    Eigen::MatrixXd scaled = projected_;
    for (Eigen::Index o = 0; o < scaled.cols(); ++o) {
      const double lambda = lambdas[static_cast<std::size_t>(o)];
      check_lambda(lambda);
      for (Eigen::Index k = 0; k < scaled.rows(); ++k) {
        const double denom = values_(k) + lambda;
        // A null direction with lambda = 0 is unidentifiable: give it no weight (minimum norm).
        scaled(k, o) = denom > 0.0 ? scaled(k, o) / denom : 0.0;
      }
    }
    m.weights = vectors_ * scaled;
    m.bias = y_mean_ - x_mean_ * m.weights;
    return m;
  }

  RidgeModel model(double lambda) const {
    return model(std::vector<double>(static_cast<std::size_t>(outputs()), lambda));
  }

 private:
  Standardizer standardizer_;
  Eigen::RowVectorXd x_mean_;
  Eigen::RowVectorXd y_mean_;
  Eigen::MatrixXd vectors_;
  Eigen::VectorXd values_;
  Eigen::MatrixXd projected_;
};

Eigen::RowVectorXd column_mse(const Eigen::MatrixXd& predicted, const Eigen::MatrixXd& truth) {
  return (predicted - truth).array().square().colwise().mean().matrix();
}

void check_grid(const std::vector<double>& grid) {
  if (grid.empty()) throw std::invalid_argument("ridge: empty lambda grid");
  for (const double l : grid) check_lambda(l);
}

void check_labels(std::span<const int> labels, int n_classes, const char* what) {
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || labels[i] >= n_classes) {
      throw std::invalid_argument(
          fmt::format("{}: label {} at row {} is outside [0, {})", what, labels[i], i, n_classes));
    }
  }
}

}  // namespace

Standardizer Standardizer::fit(const Eigen::MatrixXd& x) {
  if (x.rows() == 0) throw std::invalid_argument("Standardizer::fit: no rows");
  Standardizer s;
  s.mean = x.colwise().mean();
  const Eigen::RowVectorXd var = (x.rowwise() - s.mean).array().square().colwise().mean().matrix();
  s.scale.resize(x.cols());
  for (Eigen::Index c = 0; c < x.cols(); ++c) {
    const double sd = std::sqrt(var(c));
    // Relative test: a column whose spread is rounding noise around its mean is constant.
    const bool constant = !(sd > 1e-12 * std::max(1.0, std::abs(s.mean(c))));
    s.scale(c) = constant ? 1.0 : 1.0 / sd;
  }
  return s;
}

Standardizer Standardizer::identity(Eigen::Index columns) {
  Standardizer s;
  s.mean = Eigen::RowVectorXd::Zero(columns);
  s.scale = Eigen::RowVectorXd::Ones(columns);
  return s;
}

Eigen::MatrixXd Standardizer::apply(const Eigen::MatrixXd& x) const {
  if (x.cols() != mean.cols()) {
    throw std::invalid_argument(fmt::format("Standardizer: fitted on {} columns, got {}", mean.cols(), x.cols()));
  }
  return ((x.rowwise() - mean).array().rowwise() * scale.array()).matrix();
}

std::vector<double> log_grid(double low, double high, std::size_t per_decade) {
  if (!(low > 0.0) || !(high >= low) || per_decade == 0) {
    throw std::invalid_argument(
        fmt::format("log_grid: need 0 < low <= high and per_decade >= 1, got {} {} {}", low, high, per_decade));
  }
  const double step = 1.0 / static_cast<double>(per_decade);
  const double span = std::log10(high) - std::log10(low);
  const auto n = static_cast<std::size_t>(std::floor(span / step + 1e-9)) + 1;
  std::vector<double> grid(n);
  for (std::size_t i = 0; i < n; ++i) {
    grid[i] = std::pow(10.0, std::log10(low) + step * static_cast<double>(i));
  }
  return grid;
}

std::vector<double> default_lambda_grid() { return log_grid(1e-8, 1e2, 1); }

Eigen::MatrixXd RidgeModel::predict(const Eigen::MatrixXd& x) const {
  Eigen::MatrixXd out = standardizer.apply(x) * weights;
  out.rowwise() += bias;
  return out;
}

RidgeModel fit_ridge(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y, double lambda, bool standardize) {
  check_rows(x, y, "fit_ridge");
  check_lambda(lambda);
  RidgeModel m;
  m.standardizer = standardize ? Standardizer::fit(x) : Standardizer::identity(x.cols());
  const Eigen::MatrixXd xs = m.standardizer.apply(x);
  const auto rows = static_cast<double>(x.rows());
  const Eigen::RowVectorXd x_mean = xs.colwise().mean();
  const Eigen::RowVectorXd y_mean = y.colwise().mean();
  const Eigen::MatrixXd xc = xs.rowwise() - x_mean;
  const Eigen::MatrixXd yc = y.rowwise() - y_mean;
  Eigen::MatrixXd a = (xc.transpose() * xc) / rows;
  a.diagonal().array() += lambda;
  const Eigen::LDLT<Eigen::MatrixXd> ldlt(a);
  if (ldlt.info() != Eigen::Success) throw std::runtime_error("fit_ridge: LDLT failed");
  m.weights = ldlt.solve((xc.transpose() * yc) / rows);
  m.bias = y_mean - x_mean * m.weights;
  m.lambdas.assign(static_cast<std::size_t>(y.cols()), lambda);
  return m;
}

RidgeSearch fit_ridge_select(const Eigen::MatrixXd& x_train, const Eigen::MatrixXd& y_train,
                             const Eigen::MatrixXd& x_val, const Eigen::MatrixXd& y_val,
                             const RidgeSelectConfig& config) {
  check_rows(x_train, y_train, "fit_ridge_select (training)");
  check_rows(x_val, y_val, "fit_ridge_select (validation)");
  if (x_val.cols() != x_train.cols() || y_val.cols() != y_train.cols()) {
    throw std::invalid_argument("fit_ridge_select: training and validation shapes differ");
  }
  check_grid(config.lambda_grid);
  const RidgePath path(x_train, y_train, config.standardize);
  const std::size_t n_grid = config.lambda_grid.size();
  RidgeSearch search;
  search.lambda_grid = config.lambda_grid;
  search.validation_mse.resize(idx(n_grid), y_train.cols());
  for (std::size_t g = 0; g < n_grid; ++g) {
    const RidgeModel m = path.model(config.lambda_grid[g]);
    search.validation_mse.row(idx(g)) = column_mse(m.predict(x_val), y_val);
  }

  const auto outputs = static_cast<std::size_t>(y_train.cols());
  std::vector<double> chosen(outputs);
  const auto better = [&](double mse, double lambda, double best_mse, double best_lambda) {
    return mse < best_mse || (mse == best_mse && lambda > best_lambda);
  };
  if (config.per_output) {
    for (std::size_t o = 0; o < outputs; ++o) {
      double best_mse = std::numeric_limits<double>::infinity();
      double best_lambda = config.lambda_grid.front();
      for (std::size_t g = 0; g < n_grid; ++g) {
        const double mse = search.validation_mse(idx(g), idx(o));
        if (better(mse, config.lambda_grid[g], best_mse, best_lambda)) {
          best_mse = mse;
          best_lambda = config.lambda_grid[g];
        }
      }
      chosen[o] = best_lambda;
    }
  } else {
    double best_mse = std::numeric_limits<double>::infinity();
    double best_lambda = config.lambda_grid.front();
    for (std::size_t g = 0; g < n_grid; ++g) {
      const double mse = search.validation_mse.row(idx(g)).sum();
      if (better(mse, config.lambda_grid[g], best_mse, best_lambda)) {
        best_mse = mse;
        best_lambda = config.lambda_grid[g];
      }
    }
    std::fill(chosen.begin(), chosen.end(), best_lambda);
  }

  if (config.refit_on_validation) {
    const RidgePath all(stack_rows(x_train, x_val), stack_rows(y_train, y_val), config.standardize);
    search.model = all.model(chosen);
  } else {
    search.model = path.model(chosen);
  }
  return search;
}

RidgeSearch fit_ridge_holdout(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y, double validation_fraction,
                              const RidgeSelectConfig& config) {
  check_rows(x, y, "fit_ridge_holdout");
  if (!(validation_fraction > 0.0 && validation_fraction < 1.0)) {
    throw std::invalid_argument(
        fmt::format("fit_ridge_holdout: validation_fraction = {} must be in (0, 1)", validation_fraction));
  }
  const Eigen::Index rows = x.rows();
  if (rows < 2) throw std::invalid_argument("fit_ridge_holdout: needs at least 2 rows");
  const auto n_val = std::clamp<Eigen::Index>(
      static_cast<Eigen::Index>(std::llround(validation_fraction * static_cast<double>(rows))), 1, rows - 1);
  const Eigen::Index n_train = rows - n_val;
  return fit_ridge_select(x.topRows(n_train), y.topRows(n_train), x.bottomRows(n_val), y.bottomRows(n_val), config);
}

Eigen::MatrixXd one_hot(std::span<const int> labels, int n_classes) {
  if (n_classes < 1) throw std::invalid_argument("one_hot: n_classes must be >= 1");
  check_labels(labels, n_classes, "one_hot");
  Eigen::MatrixXd y = Eigen::MatrixXd::Zero(idx(labels.size()), n_classes);
  for (std::size_t i = 0; i < labels.size(); ++i) y(idx(i), labels[i]) = 1.0;
  return y;
}

std::vector<int> argmax_rows(const Eigen::MatrixXd& scores) {
  std::vector<int> out(static_cast<std::size_t>(scores.rows()));
  for (Eigen::Index r = 0; r < scores.rows(); ++r) {
    Eigen::Index best = 0;
    for (Eigen::Index c = 1; c < scores.cols(); ++c) {
      if (scores(r, c) > scores(r, best)) best = c;
    }
    out[static_cast<std::size_t>(r)] = static_cast<int>(best);
  }
  return out;
}

std::vector<int> RidgeClassifier::predict(const Eigen::MatrixXd& x) const { return argmax_rows(model.predict(x)); }

RidgeClassifier fit_ridge_classifier(const Eigen::MatrixXd& x_train, std::span<const int> labels_train,
                                     const Eigen::MatrixXd& x_val, std::span<const int> labels_val, int n_classes,
                                     const RidgeSelectConfig& config) {
  const Eigen::MatrixXd y_train = one_hot(labels_train, n_classes);
  const Eigen::MatrixXd y_val = one_hot(labels_val, n_classes);
  check_rows(x_train, y_train, "fit_ridge_classifier (training)");
  check_rows(x_val, y_val, "fit_ridge_classifier (validation)");
  if (x_val.cols() != x_train.cols()) {
    throw std::invalid_argument("fit_ridge_classifier: training and validation widths differ");
  }
  check_grid(config.lambda_grid);
  const RidgePath path(x_train, y_train, config.standardize);
  RidgeClassifier c;
  c.n_classes = n_classes;
  c.lambda_grid = config.lambda_grid;
  double best_acc = -1.0;
  double best_mse = std::numeric_limits<double>::infinity();
  double best_lambda = config.lambda_grid.front();
  for (const double lambda : config.lambda_grid) {
    const RidgeModel m = path.model(lambda);
    const Eigen::MatrixXd scores = m.predict(x_val);
    const std::vector<int> predicted = argmax_rows(scores);
    std::size_t correct = 0;
    for (std::size_t i = 0; i < predicted.size(); ++i) correct += predicted[i] == labels_val[i] ? 1U : 0U;
    const double acc = static_cast<double>(correct) / static_cast<double>(predicted.size());
    const double mse = column_mse(scores, y_val).sum();
    c.validation_accuracy.push_back(acc);
    const bool better = acc > best_acc || (acc == best_acc && mse < best_mse) ||
                        (acc == best_acc && mse == best_mse && lambda > best_lambda);
    if (better) {
      best_acc = acc;
      best_mse = mse;
      best_lambda = lambda;
    }
  }
  c.lambda = best_lambda;
  if (config.refit_on_validation) {
    const RidgePath all(stack_rows(x_train, x_val), stack_rows(y_train, y_val), config.standardize);
    c.model = all.model(best_lambda);
  } else {
    c.model = path.model(best_lambda);
  }
  return c;
}

}  // namespace hrsnn::study
