// Ridge readouts over a lambda grid solved by one Cholesky factorization per lambda of the
// (standardized, centred) Gram matrix, instead of the eigendecomposition of study/readout.cpp.
//
// Same objective, same row splits, same lambda choice and tie rules as fit_ridge_select,
// fit_ridge_classifier, memory_capacity and evaluate_prediction (readout.hpp, metrics.hpp); the
// tests check that they agree. Why a second solver: the study reads out 1000-neuron reservoirs
// (and 2000+ pooled features for FSDD) hundreds of times, and on this machine a 1000 x 1000
// symmetric eigendecomposition takes ~1.4 s where a Cholesky factorization takes ~0.03 s, so for
// an 11-value grid (plus the refit) the factorizations are 5-20x cheaper.
//
// When the Gram matrix is singular (lambda = 0 on collinear features) the Cholesky falls back to
// a pivoted LDLT, which is not the minimum-norm solution the eigen path returns; the default
// grid's smallest lambda (1e-8 on a correlation matrix) keeps every factorization definite.
// With fewer rows than features the dual form W = Xc' (Xc Xc'/T + lambda I)^-1 Yc / T is used
// (the same weights, factorizing the smaller T x T matrix).
#pragma once

#include "study/metrics.hpp"
#include "study/readout.hpp"

#include <Eigen/Dense>

#include <span>

namespace hrsnn::study {

// The rows of a readout over `steps` rows whose first `first` are skipped (washout, delays):
// train (fit, then validation) and test, by the fractions of MemoryCapacityConfig /
// PredictionConfig; the split of memory_capacity and evaluate_prediction (metrics.cpp).
struct RowSplit {
  std::size_t first = 0, usable = 0, n_train = 0, n_val = 0, n_test = 0;
  std::size_t n_fit() const { return n_train - n_val; }
};
RowSplit split_rows(std::size_t steps, std::size_t first, double train_fraction, double validation_fraction);

RidgeSearch fit_ridge_select_gram(const Eigen::MatrixXd& x_train, const Eigen::MatrixXd& y_train,
                                  const Eigen::MatrixXd& x_val, const Eigen::MatrixXd& y_val,
                                  const RidgeSelectConfig& config = {});

RidgeClassifier fit_ridge_classifier_gram(const Eigen::MatrixXd& x_train, std::span<const int> labels_train,
                                          const Eigen::MatrixXd& x_val, std::span<const int> labels_val, int n_classes,
                                          const RidgeSelectConfig& config = {});

// `null_input` (empty: no chance correction) is the null series of MemoryCapacityConfig's
// chance correction, as long as `input`.
MemoryCapacityResult memory_capacity_gram(const Eigen::MatrixXd& features, std::span<const double> input,
                                          const MemoryCapacityConfig& config = {},
                                          std::span<const double> null_input = {});

PredictionResult evaluate_prediction_gram(const Eigen::MatrixXd& features, std::span<const double> target,
                                          const PredictionConfig& config = {});

// Both of the above on one feature matrix. When they use the same rows (max(washout, K) of the
// memory capacity equals the prediction washout, same fractions, grid and standardization) the
// delays and the target are read out by one ridge fit with a lambda per output, which gives the
// same numbers as the two calls at about half the cost; otherwise it makes the two calls.
struct MemoryAndPrediction {
  MemoryCapacityResult memory;
  PredictionResult prediction;
};
MemoryAndPrediction memory_and_prediction_gram(const Eigen::MatrixXd& features, std::span<const double> mc_input,
                                               std::span<const double> target, const MemoryCapacityConfig& mc_config,
                                               const PredictionConfig& prediction_config,
                                               std::span<const double> null_input = {});

}  // namespace hrsnn::study
