// Scores of the study: regression (r^2, NRMSE), classification (accuracy), memory capacity,
// and the spiking-activity quantities of the paper (S, E = S / MC, MC / S).
#pragma once

#include "study/readout.hpp"

#include <Eigen/Dense>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace hrsnn::study {

// Contiguous view of an Eigen column (column-major storage), for the span-based metrics.
inline std::span<const double> column_span(const Eigen::MatrixXd& m, Eigen::Index column) {
  return {m.col(column).data(), static_cast<std::size_t>(m.rows())};
}
inline std::span<const double> as_span(const Eigen::VectorXd& v) {
  return {v.data(), static_cast<std::size_t>(v.size())};
}

double mean_squared_error(std::span<const double> truth, std::span<const double> predicted);

// Coefficient of determination 1 - SS_res / SS_tot (can be negative for a bad model).
// Throws std::invalid_argument if the truth is constant (SS_tot = 0) or sizes differ.
double r_squared(std::span<const double> truth, std::span<const double> predicted);

// Squared Pearson correlation, in [0, 1]; 0 if either series is constant. This is the "r^2"
// of the memory-capacity definition (Jaeger 2001), invariant to the readout's scale and offset.
double squared_correlation(std::span<const double> a, std::span<const double> b);

// Normalized root-mean-square error: RMSE / std(truth), with the population standard
// deviation (divide by n). 0 is perfect; predicting the mean of the truth gives 1.
// Throws std::invalid_argument if the truth is constant.
double nrmse(std::span<const double> truth, std::span<const double> predicted);

// Fraction of equal labels.
double accuracy(std::span<const int> truth, std::span<const int> predicted);

// Memory capacity (Jaeger 2001): MC = sum_{k=1..K} r^2(u(t-k), y_k(t)), where y_k is a ridge
// readout of the features at time t trained to output u(t-k), r^2 the squared correlation on
// held-out rows.
//
// Rows: features row t is the reservoir state after input u(t). Rows t < max(washout, K) are
// dropped (so every delay uses the same rows and u(t-K) exists); the first train_fraction of
// the rest train the readouts, the remainder is the held-out test set. Within the training
// rows the last validation_fraction choose each delay's lambda from lambda_grid; the readout
// is then refit on all training rows.
//
// K defaults to 2 x the number of features F: a linear readout of F features has MC <= F
// (Jaeger 2001), so 2F delays cover the whole memory curve with a margin. The estimate has a
// positive bias on delays the features do not remember (a fitted readout correlates with any
// target by chance: about 1 / test_rows each with ample training rows, more with few).
//
// Chance correction: given a null input (a series of the input's distribution that never
// reached the features), null_delays of its delayed copies are read out by the same procedure
// (same rows, same per-delay lambda choice); chance = K x their mean r^2, and the corrected
// capacity is MC - chance. The null delays are one more block of outputs of the same ridge fit.
struct MemoryCapacityConfig {
  std::size_t max_delay = 0;  // K; 0 means 2 x features
  // Delays of the null input read out (used only when one is given; at most max(washout, K),
  // the delays its rows have).
  std::size_t null_delays = 100;
  std::size_t washout = 100;  // initial rows discarded (initial-state transient)
  double train_fraction = 0.6;
  double validation_fraction = 0.2;
  std::vector<double> lambda_grid = default_lambda_grid();
  bool standardize = true;
};

struct MemoryCapacityResult {
  double capacity = 0.0;
  // With a null input: K x the mean r^2 of its delays, and capacity - chance (otherwise both 0
  // and capacity_corrected = capacity).
  double chance = 0.0;
  double capacity_corrected = 0.0;
  std::vector<double> r2_null_by_delay;
  std::vector<double> r2_by_delay;      // element k-1 is delay k
  std::vector<double> lambda_by_delay;  // chosen regularization of each delay
  std::size_t train_rows = 0;           // fitting + validation rows
  std::size_t fit_rows = 0;             // the rows the readout was fitted on (train_rows less validation)
  std::size_t test_rows = 0;
};

MemoryCapacityResult memory_capacity(const Eigen::MatrixXd& features, std::span<const double> input,
                                     const MemoryCapacityConfig& config = {});

// Prediction score of a feature matrix on a target series (one row per step): rows before
// `washout` are dropped, the first train_fraction of the rest trains a ridge readout (lambda
// chosen on the last validation_fraction of the training rows, then refit on all of them),
// and NRMSE (RMSE / std of the target) is measured on the remaining test rows.
struct PredictionConfig {
  std::size_t washout = 100;
  double train_fraction = 0.6;
  double validation_fraction = 0.2;
  std::vector<double> lambda_grid = default_lambda_grid();
  bool standardize = true;
};

struct PredictionResult {
  double test_nrmse = 0.0;
  double train_nrmse = 0.0;
  double lambda = 0.0;
  std::size_t train_rows = 0;
  std::size_t test_rows = 0;
  std::vector<double> test_predicted;  // the readout's output on the test rows
};

PredictionResult evaluate_prediction(const Eigen::MatrixXd& features, std::span<const double> target,
                                     const PredictionConfig& config = {});

// Spiking activity S: spikes per neuron per time step.
double spiking_activity(std::uint64_t total_spikes, std::size_t neurons, std::size_t steps);

// The paper's efficiency figures. E = S / MC (lower is better; +inf if MC <= 0) and its
// reciprocal MC / S (higher is better; +inf if S = 0 < MC, 0 if both are 0), both reported because the paper's text
// names E but third-party summaries state the objective as MC per spike.
struct SpikeEfficiency {
  double spiking_activity = 0.0;  // S
  double memory_capacity = 0.0;   // MC
  double e = 0.0;                 // S / MC
  double mc_per_activity = 0.0;   // MC / S
};
SpikeEfficiency spike_efficiency(double spiking_activity, double memory_capacity);

}  // namespace hrsnn::study
