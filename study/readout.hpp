// Linear readouts of reservoir features: ridge regression (multi-output), with the
// regularization chosen on validation data from a log grid, and ridge classification on
// one-hot targets.
//
// Objective, per output o, on training rows t = 1..T:
//     (1/T) sum_t (y_to - x_t . w_o - b_o)^2  +  lambda_o * |w_o|^2
// The bias b_o is not penalized (so it is the mean residual), which is the same as centring
// X and Y and solving  (Xc'Xc/T + lambda I) w = Xc'Yc/T.  Dividing by T makes lambda
// independent of the number of rows; with standardized features Xc'Xc/T is the correlation
// matrix (unit diagonal), so lambda is on the scale of 1 and the default grid 1e-8..1e2
// spans "almost no regularization" to "almost all shrinkage" for any reservoir.
#pragma once

#include <Eigen/Dense>

#include <cstddef>
#include <span>
#include <vector>

namespace hrsnn::study {

// Feature standardization fitted on training rows: z = (x - mean) * scale, scale = 1/std
// (population std); a constant column gets scale 1 (it becomes 0 and carries no weight).
struct Standardizer {
  Eigen::RowVectorXd mean;
  Eigen::RowVectorXd scale;

  static Standardizer fit(const Eigen::MatrixXd& x);
  static Standardizer identity(Eigen::Index columns);  // mean 0, scale 1
  Eigen::MatrixXd apply(const Eigen::MatrixXd& x) const;
};

// `per_decade` values per factor of 10 from `low` to `high` inclusive (both > 0).
std::vector<double> log_grid(double low, double high, std::size_t per_decade = 1);
// 1e-8, 1e-7, ..., 1e2 (11 values).
std::vector<double> default_lambda_grid();

struct RidgeModel {
  Standardizer standardizer;    // applied to X before the weights
  Eigen::MatrixXd weights;      // features x outputs, on standardized features
  Eigen::RowVectorXd bias;      // 1 x outputs, not regularized
  std::vector<double> lambdas;  // the regularization of each output

  Eigen::MatrixXd predict(const Eigen::MatrixXd& x) const;
};

// One lambda for all outputs, solved by an LDLT factorization of Xc'Xc/T + lambda I.
// lambda >= 0 (0 only if Xc'Xc is non-singular). Throws std::invalid_argument on shape errors.
RidgeModel fit_ridge(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y, double lambda, bool standardize = true);

struct RidgeSelectConfig {
  std::vector<double> lambda_grid = default_lambda_grid();
  bool standardize = true;
  bool per_output = false;          // choose lambda separately for every output column
  bool refit_on_validation = true;  // refit the chosen lambda(s) on training + validation rows
};

struct RidgeSearch {
  RidgeModel model;  // fitted with the chosen lambda(s)
  std::vector<double> lambda_grid;
  Eigen::MatrixXd validation_mse;  // grid x outputs
};

// Fits every lambda of the grid on the training rows, scores each output's mean squared error
// on the validation rows, keeps the best (per output if config.per_output, else the best
// summed MSE; ties go to the larger lambda). The grid is solved through one symmetric
// eigendecomposition of Xc'Xc/T, so its cost barely grows with the grid size.
RidgeSearch fit_ridge_select(const Eigen::MatrixXd& x_train, const Eigen::MatrixXd& y_train,
                             const Eigen::MatrixXd& x_val, const Eigen::MatrixXd& y_val,
                             const RidgeSelectConfig& config = {});

// fit_ridge_select with the last `validation_fraction` of the rows as validation (contiguous,
// so a time series is never validated on rows interleaved with its training rows).
RidgeSearch fit_ridge_holdout(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y, double validation_fraction = 0.2,
                              const RidgeSelectConfig& config = {});

// One row per label, 1 in the label's column and 0 elsewhere; labels in [0, n_classes).
Eigen::MatrixXd one_hot(std::span<const int> labels, int n_classes);
// The column of each row's largest value (the first one on ties).
std::vector<int> argmax_rows(const Eigen::MatrixXd& scores);

struct RidgeClassifier {
  RidgeModel model;
  int n_classes = 0;
  double lambda = 0.0;
  std::vector<double> lambda_grid;
  std::vector<double> validation_accuracy;  // per grid value

  std::vector<int> predict(const Eigen::MatrixXd& x) const;
};

// Ridge regression on one-hot targets, predicted class = argmax. Lambda maximizes validation
// accuracy (ties: lower validation MSE, then larger lambda), then the model is refit on
// training + validation rows if config.refit_on_validation. config.per_output is ignored.
RidgeClassifier fit_ridge_classifier(const Eigen::MatrixXd& x_train, std::span<const int> labels_train,
                                     const Eigen::MatrixXd& x_val, std::span<const int> labels_val, int n_classes,
                                     const RidgeSelectConfig& config = {});

}  // namespace hrsnn::study
