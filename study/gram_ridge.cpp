#include "study/gram_ridge.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <stdexcept>

namespace hrsnn::study {
namespace {

Eigen::Index idx(std::size_t i) { return static_cast<Eigen::Index>(i); }

void check_rows(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y, const char* what) {
  if (x.rows() != y.rows())
    throw std::invalid_argument(fmt::format("{}: features have {} rows, targets {}", what, x.rows(), y.rows()));
  if (x.rows() == 0) throw std::invalid_argument(fmt::format("{}: no rows", what));
  if (y.cols() == 0) throw std::invalid_argument(fmt::format("{}: no target columns", what));
}

void check_grid(const std::vector<double>& grid) {
  if (grid.empty()) throw std::invalid_argument("ridge: empty lambda grid");
  for (const double l : grid)
    if (!(l >= 0.0) || !std::isfinite(l))
      throw std::invalid_argument(fmt::format("ridge: lambda = {} must be finite and >= 0", l));
}

Eigen::MatrixXd stack_rows(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  Eigen::MatrixXd out(a.rows() + b.rows(), a.cols());
  out.topRows(a.rows()) = a;
  out.bottomRows(b.rows()) = b;
  return out;
}

Eigen::RowVectorXd column_mse(const Eigen::MatrixXd& predicted, const Eigen::MatrixXd& truth) {
  return (predicted - truth).array().square().colwise().mean().matrix();
}

// Sufficient statistics of a block of rows: X'X, X'Y and the column sums. The normal
// equations of any union of blocks follow from the sums of its blocks' statistics, so the refit
// on training + validation rows costs no second pass over the training rows.
struct BlockStats {
  Eigen::MatrixXd xx;  // X'X (both triangles)
  Eigen::MatrixXd xy;  // X'Y
  Eigen::RowVectorXd sx, sy;
  double rows = 0;

  BlockStats(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y) {
    xx = Eigen::MatrixXd::Zero(x.cols(), x.cols());
    xx.selfadjointView<Eigen::Lower>().rankUpdate(x.transpose());
    xx.triangularView<Eigen::StrictlyUpper>() = xx.transpose();
    xy.noalias() = x.transpose() * y;
    sx = x.colwise().sum();
    sy = y.colwise().sum();
    rows = static_cast<double>(x.rows());
  }
  BlockStats& operator+=(const BlockStats& o) {
    xx += o.xx;
    xy += o.xy;
    sx += o.sx;
    sy += o.sy;
    rows += o.rows;
    return *this;
  }
};

// The centred, standardized normal equations of one training set: primal Gram Xc'Xc/T
// (features x features) from block statistics, or, with fewer rows than features, the dual
// Xc Xc'/T from the rows themselves.
class GramSystem {
 public:
  // Primal, from statistics; `standardizer` was fitted on the same rows (or is the identity).
  GramSystem(const BlockStats& st, Standardizer standardizer) : standardizer_(std::move(standardizer)) {
    const Eigen::RowVectorXd mean = st.sx / st.rows;  // raw column means
    y_mean_ = st.sy / st.rows;
    const Eigen::RowVectorXd& d = standardizer_.scale;
    // Xc'Xc = X'X - T m m', then scaled by the standardizer on both sides.
    gram_ = (st.xx - st.rows * mean.transpose() * mean) / st.rows;
    gram_ = d.transpose().asDiagonal() * gram_ * d.asDiagonal();
    rhs_ = d.transpose().asDiagonal() * ((st.xy - st.rows * mean.transpose() * y_mean_) / st.rows);
    x_mean_ = ((mean - standardizer_.mean).array() * d.array()).matrix();  // mean of the standardized rows
  }
  // Dual, from the rows.
  GramSystem(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y, bool standardize) {
    standardizer_ = standardize ? Standardizer::fit(x) : Standardizer::identity(x.cols());
    const Eigen::MatrixXd xs = standardizer_.apply(x);
    const auto rows = static_cast<double>(x.rows());
    x_mean_ = xs.colwise().mean();
    y_mean_ = y.colwise().mean();
    dual_ = true;
    xc_ = xs.rowwise() - x_mean_;
    gram_.noalias() = xc_ * xc_.transpose() / rows;
    rhs_ = (y.rowwise() - y_mean_) / rows;
  }

  Eigen::Index outputs() const { return rhs_.cols(); }

  RidgeModel model(const std::vector<double>& lambdas) const {
    RidgeModel m;
    m.standardizer = standardizer_;
    m.lambdas = lambdas;
    m.weights.resize(x_mean_.cols(), rhs_.cols());
    // Outputs sharing a lambda share one factorization.
    std::map<double, std::vector<Eigen::Index>> groups;
    for (Eigen::Index o = 0; o < rhs_.cols(); ++o) groups[lambdas[static_cast<std::size_t>(o)]].push_back(o);
    for (const auto& [lambda, cols] : groups) {
      Eigen::MatrixXd b(rhs_.rows(), idx(cols.size()));
      for (std::size_t c = 0; c < cols.size(); ++c) b.col(idx(c)) = rhs_.col(cols[c]);
      const Eigen::MatrixXd sol = solve(lambda, b);
      const Eigen::MatrixXd w = dual_ ? Eigen::MatrixXd(xc_.transpose() * sol) : sol;
      for (std::size_t c = 0; c < cols.size(); ++c) m.weights.col(cols[c]) = w.col(idx(c));
    }
    m.bias = y_mean_ - x_mean_ * m.weights;
    return m;
  }
  RidgeModel model(double lambda) const {
    return model(std::vector<double>(static_cast<std::size_t>(outputs()), lambda));
  }

 private:
  Eigen::MatrixXd solve(double lambda, const Eigen::MatrixXd& b) const {
    Eigen::MatrixXd a = gram_;
    a.diagonal().array() += lambda;
    const Eigen::LLT<Eigen::MatrixXd> llt(a);
    if (llt.info() == Eigen::Success) return llt.solve(b);
    const Eigen::LDLT<Eigen::MatrixXd> ldlt(a);
    if (ldlt.info() != Eigen::Success) throw std::runtime_error("ridge: factorization of the Gram matrix failed");
    return ldlt.solve(b);
  }

  Standardizer standardizer_;
  Eigen::RowVectorXd x_mean_, y_mean_;  // x_mean_: of the standardized rows
  bool dual_ = false;
  Eigen::MatrixXd xc_;  // dual only: centred standardized rows
  Eigen::MatrixXd gram_;
  Eigen::MatrixXd rhs_;  // primal: Xc'Yc/T (standardized); dual: Yc/T
};

// The systems of the training rows and of training + validation rows.
struct TrainAndAll {
  std::unique_ptr<GramSystem> train, all;
};

TrainAndAll make_systems(const Eigen::MatrixXd& x_train, const Eigen::MatrixXd& y_train, const Eigen::MatrixXd& x_val,
                         const Eigen::MatrixXd& y_val, bool standardize, bool need_all) {
  TrainAndAll s;
  const Eigen::Index all_rows = x_train.rows() + x_val.rows();
  if (all_rows < x_train.cols()) {
    s.train = std::make_unique<GramSystem>(x_train, y_train, standardize);
    if (need_all)
      s.all = std::make_unique<GramSystem>(stack_rows(x_train, x_val), stack_rows(y_train, y_val), standardize);
    return s;
  }
  BlockStats st(x_train, y_train);
  s.train = std::make_unique<GramSystem>(
      st, standardize ? Standardizer::fit(x_train) : Standardizer::identity(x_train.cols()));
  if (need_all) {
    st += BlockStats(x_val, y_val);
    s.all = std::make_unique<GramSystem>(
        st, standardize ? Standardizer::fit(stack_rows(x_train, x_val)) : Standardizer::identity(x_train.cols()));
  }
  return s;
}

bool fractions_ok(double train_fraction, double validation_fraction) {
  return train_fraction > 0.0 && train_fraction < 1.0 && validation_fraction > 0.0 && validation_fraction < 1.0;
}

// Delays read out from the null input: none without one.
std::size_t null_delay_count(const MemoryCapacityConfig& config, std::span<const double> null_input,
                             std::size_t input_size) {
  if (null_input.empty()) return 0;
  if (null_input.size() != input_size)
    throw std::invalid_argument(
        fmt::format("memory_capacity: the null input has {} samples, the input {}", null_input.size(), input_size));
  if (config.null_delays == 0) throw std::invalid_argument("memory_capacity: null_delays must be >= 1");
  return config.null_delays;
}

// Fills columns [offset, offset + count) of `targets` with the delays 1..count of `series`.
void fill_delays(Eigen::MatrixXd& targets, std::span<const double> series, std::size_t first, std::size_t count,
                 std::size_t offset) {
  for (Eigen::Index r = 0; r < targets.rows(); ++r)
    for (std::size_t k = 1; k <= count; ++k)
      targets(r, idx(offset + k - 1)) = series[first + static_cast<std::size_t>(r) - k];
}

// r^2 of every delay (and of every null delay) on the test rows; the capacity, chance and the
// corrected capacity.
void score_delays(MemoryCapacityResult& result, const Eigen::MatrixXd& test_y, const Eigen::MatrixXd& predicted,
                  std::size_t max_delay, std::size_t nulls) {
  result.r2_by_delay.resize(max_delay);
  result.capacity = 0.0;
  for (std::size_t k = 0; k < max_delay; ++k) {
    result.r2_by_delay[k] = squared_correlation(column_span(test_y, idx(k)), column_span(predicted, idx(k)));
    result.capacity += result.r2_by_delay[k];
  }
  result.r2_null_by_delay.resize(nulls);
  double null_sum = 0.0;
  for (std::size_t k = 0; k < nulls; ++k) {
    const Eigen::Index c = idx(max_delay + k);
    result.r2_null_by_delay[k] = squared_correlation(column_span(test_y, c), column_span(predicted, c));
    null_sum += result.r2_null_by_delay[k];
  }
  result.chance = nulls ? static_cast<double>(max_delay) * null_sum / static_cast<double>(nulls) : 0.0;
  result.capacity_corrected = result.capacity - result.chance;
}

}  // namespace

RowSplit split_rows(std::size_t steps, std::size_t first, double train_fraction, double validation_fraction) {
  RowSplit s;
  s.first = first;
  s.usable = steps > first ? steps - first : 0;
  s.n_train = static_cast<std::size_t>(std::floor(train_fraction * static_cast<double>(s.usable)));
  s.n_test = s.usable - s.n_train;
  s.n_val = std::clamp<std::size_t>(
      static_cast<std::size_t>(std::llround(validation_fraction * static_cast<double>(s.n_train))), 1,
      s.n_train > 1 ? s.n_train - 1 : 1);
  return s;
}

RidgeSearch fit_ridge_select_gram(const Eigen::MatrixXd& x_train, const Eigen::MatrixXd& y_train,
                                  const Eigen::MatrixXd& x_val, const Eigen::MatrixXd& y_val,
                                  const RidgeSelectConfig& config) {
  check_rows(x_train, y_train, "fit_ridge_select_gram (training)");
  check_rows(x_val, y_val, "fit_ridge_select_gram (validation)");
  if (x_val.cols() != x_train.cols() || y_val.cols() != y_train.cols())
    throw std::invalid_argument("fit_ridge_select_gram: training and validation shapes differ");
  check_grid(config.lambda_grid);
  const TrainAndAll systems =
      make_systems(x_train, y_train, x_val, y_val, config.standardize, config.refit_on_validation);
  const GramSystem& system = *systems.train;
  const std::size_t n_grid = config.lambda_grid.size();
  RidgeSearch search;
  search.lambda_grid = config.lambda_grid;
  search.validation_mse.resize(idx(n_grid), y_train.cols());
  for (std::size_t g = 0; g < n_grid; ++g)
    search.validation_mse.row(idx(g)) = column_mse(system.model(config.lambda_grid[g]).predict(x_val), y_val);

  const auto outputs = static_cast<std::size_t>(y_train.cols());
  std::vector<double> chosen(outputs);
  const auto better = [](double mse, double lambda, double best_mse, double best_lambda) {
    return mse < best_mse || (mse == best_mse && lambda > best_lambda);
  };
  const auto pick = [&](const auto& mse_of) {
    double best_mse = std::numeric_limits<double>::infinity();
    double best_lambda = config.lambda_grid.front();
    for (std::size_t g = 0; g < n_grid; ++g) {
      const double mse = mse_of(g);
      if (better(mse, config.lambda_grid[g], best_mse, best_lambda)) {
        best_mse = mse;
        best_lambda = config.lambda_grid[g];
      }
    }
    return best_lambda;
  };
  if (config.per_output) {
    for (std::size_t o = 0; o < outputs; ++o)
      chosen[o] = pick([&](std::size_t g) { return search.validation_mse(idx(g), idx(o)); });
  } else {
    std::fill(chosen.begin(), chosen.end(),
              pick([&](std::size_t g) { return search.validation_mse.row(idx(g)).sum(); }));
  }
  if (config.refit_on_validation) {
    search.model = systems.all->model(chosen);
  } else {
    search.model = system.model(chosen);
  }
  return search;
}

RidgeClassifier fit_ridge_classifier_gram(const Eigen::MatrixXd& x_train, std::span<const int> labels_train,
                                          const Eigen::MatrixXd& x_val, std::span<const int> labels_val, int n_classes,
                                          const RidgeSelectConfig& config) {
  const Eigen::MatrixXd y_train = one_hot(labels_train, n_classes);
  const Eigen::MatrixXd y_val = one_hot(labels_val, n_classes);
  check_rows(x_train, y_train, "fit_ridge_classifier_gram (training)");
  check_rows(x_val, y_val, "fit_ridge_classifier_gram (validation)");
  if (x_val.cols() != x_train.cols())
    throw std::invalid_argument("fit_ridge_classifier_gram: training and validation widths differ");
  check_grid(config.lambda_grid);
  const TrainAndAll systems =
      make_systems(x_train, y_train, x_val, y_val, config.standardize, config.refit_on_validation);
  const GramSystem& system = *systems.train;
  RidgeClassifier c;
  c.n_classes = n_classes;
  c.lambda_grid = config.lambda_grid;
  double best_acc = -1.0;
  double best_mse = std::numeric_limits<double>::infinity();
  double best_lambda = config.lambda_grid.front();
  for (const double lambda : config.lambda_grid) {
    const Eigen::MatrixXd scores = system.model(lambda).predict(x_val);
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
    c.model = systems.all->model(best_lambda);
  } else {
    c.model = system.model(best_lambda);
  }
  return c;
}

MemoryCapacityResult memory_capacity_gram(const Eigen::MatrixXd& features, std::span<const double> input,
                                          const MemoryCapacityConfig& config, std::span<const double> null_input) {
  const auto steps = static_cast<std::size_t>(features.rows());
  if (steps != input.size())
    throw std::invalid_argument(fmt::format(
        "memory_capacity: {} feature rows but {} input samples (need one row per sample)", steps, input.size()));
  if (features.cols() == 0) throw std::invalid_argument("memory_capacity: no features");
  if (!fractions_ok(config.train_fraction, config.validation_fraction))
    throw std::invalid_argument("memory_capacity: train_fraction and validation_fraction must be in (0, 1)");
  const std::size_t max_delay = config.max_delay > 0 ? config.max_delay : 2 * static_cast<std::size_t>(features.cols());
  const RowSplit s =
      split_rows(steps, std::max(config.washout, max_delay), config.train_fraction, config.validation_fraction);
  if (s.n_train < 4 || s.n_test < 4 || s.n_val >= s.n_train)
    throw std::invalid_argument(fmt::format(
        "memory_capacity: {} steps leave {} usable rows after max(washout {}, K {}); too few to train and test "
        "(use a longer input or a smaller K)",
        steps, s.usable, config.washout, max_delay));

  const std::size_t nulls = std::min(null_delay_count(config, null_input, input.size()), s.first);
  Eigen::MatrixXd targets(idx(s.usable), idx(max_delay + nulls));
  fill_delays(targets, input, s.first, max_delay, 0);
  if (nulls) fill_delays(targets, null_input, s.first, nulls, max_delay);
  const Eigen::MatrixXd x = features.bottomRows(idx(s.usable));

  RidgeSelectConfig ridge;
  ridge.lambda_grid = config.lambda_grid;
  ridge.standardize = config.standardize;
  ridge.per_output = true;
  ridge.refit_on_validation = true;
  const std::size_t n_fit = s.n_fit();
  const RidgeSearch search =
      fit_ridge_select_gram(x.topRows(idx(n_fit)), targets.topRows(idx(n_fit)), x.middleRows(idx(n_fit), idx(s.n_val)),
                            targets.middleRows(idx(n_fit), idx(s.n_val)), ridge);
  const Eigen::MatrixXd test_y = targets.bottomRows(idx(s.n_test));
  const Eigen::MatrixXd predicted = search.model.predict(x.bottomRows(idx(s.n_test)));

  MemoryCapacityResult result;
  result.train_rows = s.n_train;
  result.fit_rows = s.n_fit();
  result.test_rows = s.n_test;
  result.lambda_by_delay.assign(search.model.lambdas.begin(), search.model.lambdas.begin() + idx(max_delay));
  score_delays(result, test_y, predicted, max_delay, nulls);
  return result;
}

PredictionResult evaluate_prediction_gram(const Eigen::MatrixXd& features, std::span<const double> target,
                                          const PredictionConfig& config) {
  const auto steps = static_cast<std::size_t>(features.rows());
  if (steps != target.size())
    throw std::invalid_argument(
        fmt::format("evaluate_prediction: {} feature rows but {} target samples", steps, target.size()));
  if (!fractions_ok(config.train_fraction, config.validation_fraction))
    throw std::invalid_argument("evaluate_prediction: train_fraction and validation_fraction must be in (0, 1)");
  const RowSplit s = split_rows(steps, config.washout, config.train_fraction, config.validation_fraction);
  if (s.n_train < 4 || s.n_test < 4 || s.n_val >= s.n_train)
    throw std::invalid_argument(
        fmt::format("evaluate_prediction: {} steps leave {} rows after the washout ({}); too few to train and test",
                    steps, s.usable, config.washout));
  const Eigen::MatrixXd x = features.bottomRows(idx(s.usable));
  const Eigen::Map<const Eigen::VectorXd> all_target(target.data(), idx(target.size()));
  const Eigen::MatrixXd y = all_target.tail(idx(s.usable));
  const std::size_t n_fit = s.n_fit();

  RidgeSelectConfig ridge;
  ridge.lambda_grid = config.lambda_grid;
  ridge.standardize = config.standardize;
  const RidgeSearch search =
      fit_ridge_select_gram(x.topRows(idx(n_fit)), y.topRows(idx(n_fit)), x.middleRows(idx(n_fit), idx(s.n_val)),
                            y.middleRows(idx(n_fit), idx(s.n_val)), ridge);
  const Eigen::MatrixXd train_y = y.topRows(idx(s.n_train));
  const Eigen::MatrixXd test_y = y.bottomRows(idx(s.n_test));
  const Eigen::MatrixXd train_pred = search.model.predict(x.topRows(idx(s.n_train)));
  const Eigen::MatrixXd test_pred = search.model.predict(x.bottomRows(idx(s.n_test)));
  PredictionResult result;
  result.lambda = search.model.lambdas.front();
  result.train_rows = s.n_train;
  result.test_rows = s.n_test;
  result.train_nrmse = nrmse(column_span(train_y, 0), column_span(train_pred, 0));
  result.test_nrmse = nrmse(column_span(test_y, 0), column_span(test_pred, 0));
  result.test_predicted.assign(test_pred.data(), test_pred.data() + test_pred.size());
  return result;
}

MemoryAndPrediction memory_and_prediction_gram(const Eigen::MatrixXd& features, std::span<const double> mc_input,
                                               std::span<const double> target, const MemoryCapacityConfig& mc,
                                               const PredictionConfig& pc, std::span<const double> null_input) {
  const std::size_t max_delay = mc.max_delay > 0 ? mc.max_delay : 2 * static_cast<std::size_t>(features.cols());
  const bool shared = std::max(mc.washout, max_delay) == pc.washout && mc.train_fraction == pc.train_fraction &&
                      mc.validation_fraction == pc.validation_fraction && mc.lambda_grid == pc.lambda_grid &&
                      mc.standardize == pc.standardize;
  MemoryAndPrediction out;
  if (!shared) {
    out.memory = memory_capacity_gram(features, mc_input, mc, null_input);
    out.prediction = evaluate_prediction_gram(features, target, pc);
    return out;
  }
  const auto steps = static_cast<std::size_t>(features.rows());
  if (steps != mc_input.size() || steps != target.size())
    throw std::invalid_argument(fmt::format("memory_and_prediction: {} feature rows, {} inputs, {} targets", steps,
                                            mc_input.size(), target.size()));
  if (features.cols() == 0) throw std::invalid_argument("memory_and_prediction: no features");
  if (!fractions_ok(mc.train_fraction, mc.validation_fraction))
    throw std::invalid_argument("memory_and_prediction: train_fraction and validation_fraction must be in (0, 1)");
  const RowSplit s = split_rows(steps, pc.washout, mc.train_fraction, mc.validation_fraction);
  if (s.n_train < 4 || s.n_test < 4 || s.n_val >= s.n_train)
    throw std::invalid_argument(fmt::format(
        "memory_and_prediction: {} steps leave {} usable rows after max(washout {}, K {}); too few to train and test",
        steps, s.usable, mc.washout, max_delay));
  // Columns 0..K-1: u(t - k); then the null delays; the last column: the prediction target.
  const std::size_t nulls = std::min(null_delay_count(mc, null_input, mc_input.size()), s.first);
  const std::size_t t_col = max_delay + nulls;
  Eigen::MatrixXd targets(idx(s.usable), idx(t_col + 1));
  fill_delays(targets, mc_input, s.first, max_delay, 0);
  if (nulls) fill_delays(targets, null_input, s.first, nulls, max_delay);
  for (std::size_t r = 0; r < s.usable; ++r) targets(idx(r), idx(t_col)) = target[s.first + r];
  const Eigen::MatrixXd x = features.bottomRows(idx(s.usable));
  RidgeSelectConfig ridge;
  ridge.lambda_grid = mc.lambda_grid;
  ridge.standardize = mc.standardize;
  ridge.per_output = true;
  ridge.refit_on_validation = true;
  const std::size_t n_fit = s.n_fit();
  const RidgeSearch search =
      fit_ridge_select_gram(x.topRows(idx(n_fit)), targets.topRows(idx(n_fit)), x.middleRows(idx(n_fit), idx(s.n_val)),
                            targets.middleRows(idx(n_fit), idx(s.n_val)), ridge);
  const Eigen::MatrixXd test_y = targets.bottomRows(idx(s.n_test));
  const Eigen::MatrixXd test_pred = search.model.predict(x.bottomRows(idx(s.n_test)));
  const Eigen::MatrixXd train_pred = search.model.predict(x.topRows(idx(s.n_train)));

  out.memory.train_rows = s.n_train;
  out.memory.fit_rows = s.n_fit();
  out.memory.test_rows = s.n_test;
  out.memory.lambda_by_delay.assign(search.model.lambdas.begin(), search.model.lambdas.begin() + idx(max_delay));
  score_delays(out.memory, test_y, test_pred, max_delay, nulls);
  const Eigen::Index t = idx(t_col);
  const Eigen::VectorXd train_truth = targets.topRows(idx(s.n_train)).col(t);
  const Eigen::VectorXd train_p = train_pred.col(t), test_truth = test_y.col(t), test_p = test_pred.col(t);
  out.prediction.lambda = search.model.lambdas.back();
  out.prediction.train_rows = s.n_train;
  out.prediction.test_rows = s.n_test;
  out.prediction.train_nrmse = nrmse(as_span(train_truth), as_span(train_p));
  out.prediction.test_nrmse = nrmse(as_span(test_truth), as_span(test_p));
  out.prediction.test_predicted.assign(test_p.data(), test_p.data() + test_p.size());
  return out;
}

}  // namespace hrsnn::study
