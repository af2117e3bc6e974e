#include "study/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace hrsnn::study {

namespace {

Eigen::Index idx(std::size_t i) { return static_cast<Eigen::Index>(i); }

void check_sizes(std::size_t a, std::size_t b, const char* what) {
  if (a != b) throw std::invalid_argument(fmt::format("{}: sizes differ ({} vs {})", what, a, b));
  if (a == 0) throw std::invalid_argument(fmt::format("{}: empty input", what));
}

double mean(std::span<const double> x) {
  double s = 0.0;
  for (const double v : x) s += v;
  return s / static_cast<double>(x.size());
}

// Sum of squared deviations from the mean.
double sum_squares(std::span<const double> x) {
  const double m = mean(x);
  double s = 0.0;
  for (const double v : x) s += (v - m) * (v - m);
  return s;
}

}  // namespace

double mean_squared_error(std::span<const double> truth, std::span<const double> predicted) {
  check_sizes(truth.size(), predicted.size(), "mean_squared_error");
  double s = 0.0;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    const double e = truth[i] - predicted[i];
    s += e * e;
  }
  return s / static_cast<double>(truth.size());
}

double r_squared(std::span<const double> truth, std::span<const double> predicted) {
  check_sizes(truth.size(), predicted.size(), "r_squared");
  const double ss_tot = sum_squares(truth);
  if (!(ss_tot > 0.0)) throw std::invalid_argument("r_squared: the truth is constant");
  const double ss_res = mean_squared_error(truth, predicted) * static_cast<double>(truth.size());
  return 1.0 - ss_res / ss_tot;
}

double squared_correlation(std::span<const double> a, std::span<const double> b) {
  check_sizes(a.size(), b.size(), "squared_correlation");
  const double ma = mean(a);
  const double mb = mean(b);
  double sab = 0.0;
  double saa = 0.0;
  double sbb = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double da = a[i] - ma;
    const double db = b[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (!(saa > 0.0) || !(sbb > 0.0)) return 0.0;
  return std::min(1.0, (sab * sab) / (saa * sbb));
}

double nrmse(std::span<const double> truth, std::span<const double> predicted) {
  check_sizes(truth.size(), predicted.size(), "nrmse");
  const double variance = sum_squares(truth) / static_cast<double>(truth.size());
  if (!(variance > 0.0)) throw std::invalid_argument("nrmse: the truth is constant");
  return std::sqrt(mean_squared_error(truth, predicted) / variance);
}

double accuracy(std::span<const int> truth, std::span<const int> predicted) {
  check_sizes(truth.size(), predicted.size(), "accuracy");
  std::size_t correct = 0;
  for (std::size_t i = 0; i < truth.size(); ++i) correct += truth[i] == predicted[i] ? 1U : 0U;
  return static_cast<double>(correct) / static_cast<double>(truth.size());
}

MemoryCapacityResult memory_capacity(const Eigen::MatrixXd& features, std::span<const double> input,
                                     const MemoryCapacityConfig& config) {
  const auto steps = static_cast<std::size_t>(features.rows());
  if (steps != input.size()) {
    throw std::invalid_argument(fmt::format(
        "memory_capacity: {} feature rows but {} input samples (need one row per sample)", steps, input.size()));
  }
  if (features.cols() == 0) throw std::invalid_argument("memory_capacity: no features");
  if (!(config.train_fraction > 0.0 && config.train_fraction < 1.0) ||
      !(config.validation_fraction > 0.0 && config.validation_fraction < 1.0)) {
    throw std::invalid_argument(
        "memory_capacity: train_fraction and validation_fraction must "
        "be in (0, 1)");
  }
  const std::size_t max_delay = config.max_delay > 0 ? config.max_delay : 2 * static_cast<std::size_t>(features.cols());
  const std::size_t first = std::max(config.washout, max_delay);
  const std::size_t usable = steps > first ? steps - first : 0;
  const auto n_train = static_cast<std::size_t>(std::floor(config.train_fraction * static_cast<double>(usable)));
  const std::size_t n_test = usable - n_train;
  const auto n_val = std::clamp<std::size_t>(
      static_cast<std::size_t>(std::llround(config.validation_fraction * static_cast<double>(n_train))), 1,
      n_train > 1 ? n_train - 1 : 1);
  if (n_train < 4 || n_test < 4 || n_val >= n_train) {
    throw std::invalid_argument(
        fmt::format("memory_capacity: {} steps leave {} usable rows after max(washout {}, K {}); too few to "
                    "train and test (use a longer input or a smaller K)",
                    steps, usable, config.washout, max_delay));
  }

  // Targets: column k-1 holds u(t - k) for the rows t = first .. steps-1.
  Eigen::MatrixXd targets(idx(usable), idx(max_delay));
  for (std::size_t r = 0; r < usable; ++r) {
    const std::size_t t = first + r;
    for (std::size_t k = 1; k <= max_delay; ++k) targets(idx(r), idx(k - 1)) = input[t - k];
  }
  const Eigen::MatrixXd x = features.bottomRows(idx(usable));
  const std::size_t n_fit = n_train - n_val;

  RidgeSelectConfig ridge;
  ridge.lambda_grid = config.lambda_grid;
  ridge.standardize = config.standardize;
  ridge.per_output = true;
  ridge.refit_on_validation = true;
  const RidgeSearch search =
      fit_ridge_select(x.topRows(idx(n_fit)), targets.topRows(idx(n_fit)), x.middleRows(idx(n_fit), idx(n_val)),
                       targets.middleRows(idx(n_fit), idx(n_val)), ridge);

  const Eigen::MatrixXd test_x = x.bottomRows(idx(n_test));
  const Eigen::MatrixXd test_y = targets.bottomRows(idx(n_test));
  const Eigen::MatrixXd predicted = search.model.predict(test_x);

  MemoryCapacityResult result;
  result.train_rows = n_train;
  result.fit_rows = n_fit;
  result.test_rows = n_test;
  result.lambda_by_delay = search.model.lambdas;
  result.r2_by_delay.resize(max_delay);
  for (std::size_t k = 0; k < max_delay; ++k) {
    result.r2_by_delay[k] = squared_correlation(column_span(test_y, idx(k)), column_span(predicted, idx(k)));
    result.capacity += result.r2_by_delay[k];
  }
  result.capacity_corrected = result.capacity;  // no null input on this path
  return result;
}

PredictionResult evaluate_prediction(const Eigen::MatrixXd& features, std::span<const double> target,
                                     const PredictionConfig& config) {
  const auto steps = static_cast<std::size_t>(features.rows());
  if (steps != target.size()) {
    throw std::invalid_argument(
        fmt::format("evaluate_prediction: {} feature rows but {} target samples", steps, target.size()));
  }
  if (!(config.train_fraction > 0.0 && config.train_fraction < 1.0) ||
      !(config.validation_fraction > 0.0 && config.validation_fraction < 1.0)) {
    throw std::invalid_argument(
        "evaluate_prediction: train_fraction and validation_fraction "
        "must be in (0, 1)");
  }
  const std::size_t usable = steps > config.washout ? steps - config.washout : 0;
  const auto n_train = static_cast<std::size_t>(std::floor(config.train_fraction * static_cast<double>(usable)));
  const std::size_t n_test = usable - n_train;
  const auto n_val = std::clamp<std::size_t>(
      static_cast<std::size_t>(std::llround(config.validation_fraction * static_cast<double>(n_train))), 1,
      n_train > 1 ? n_train - 1 : 1);
  if (n_train < 4 || n_test < 4 || n_val >= n_train) {
    throw std::invalid_argument(
        fmt::format("evaluate_prediction: {} steps leave {} rows after the washout ({}); too few to train "
                    "and test",
                    steps, usable, config.washout));
  }
  const Eigen::MatrixXd x = features.bottomRows(idx(usable));
  const Eigen::Map<const Eigen::VectorXd> all_target(target.data(), idx(target.size()));
  const Eigen::MatrixXd y = all_target.tail(idx(usable));
  const std::size_t n_fit = n_train - n_val;

  RidgeSelectConfig ridge;
  ridge.lambda_grid = config.lambda_grid;
  ridge.standardize = config.standardize;
  const RidgeSearch search =
      fit_ridge_select(x.topRows(idx(n_fit)), y.topRows(idx(n_fit)), x.middleRows(idx(n_fit), idx(n_val)),
                       y.middleRows(idx(n_fit), idx(n_val)), ridge);

  const Eigen::MatrixXd train_y = y.topRows(idx(n_train));
  const Eigen::MatrixXd test_y = y.bottomRows(idx(n_test));
  const Eigen::MatrixXd train_pred = search.model.predict(x.topRows(idx(n_train)));
  const Eigen::MatrixXd test_pred = search.model.predict(x.bottomRows(idx(n_test)));
  PredictionResult result;
  result.lambda = search.model.lambdas.front();
  result.train_rows = n_train;
  result.test_rows = n_test;
  result.train_nrmse = nrmse(column_span(train_y, 0), column_span(train_pred, 0));
  result.test_nrmse = nrmse(column_span(test_y, 0), column_span(test_pred, 0));
  result.test_predicted.assign(test_pred.data(), test_pred.data() + test_pred.size());
  return result;
}

double spiking_activity(std::uint64_t total_spikes, std::size_t neurons, std::size_t steps) {
  if (neurons == 0 || steps == 0) {
    throw std::invalid_argument("spiking_activity: neurons and steps must be >= 1");
  }
  return static_cast<double>(total_spikes) / (static_cast<double>(neurons) * static_cast<double>(steps));
}

SpikeEfficiency spike_efficiency(double spiking_activity, double memory_capacity) {
  if (!(spiking_activity >= 0.0)) {
    throw std::invalid_argument(fmt::format("spike_efficiency: spiking activity {} must be >= 0", spiking_activity));
  }
  constexpr double inf = std::numeric_limits<double>::infinity();
  SpikeEfficiency e;
  e.spiking_activity = spiking_activity;
  e.memory_capacity = memory_capacity;
  e.e = memory_capacity > 0.0 ? spiking_activity / memory_capacity : inf;
  if (spiking_activity > 0.0) {
    e.mc_per_activity = memory_capacity / spiking_activity;
  } else {
    e.mc_per_activity = memory_capacity > 0.0 ? inf : 0.0;  // no spikes and no memory: 0
  }
  return e;
}

}  // namespace hrsnn::study
