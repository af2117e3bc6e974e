#include "study/esn.hpp"

#include "core/foundation/random.hpp"

#include <fmt/format.h>
#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace hrsnn::study {

namespace {

Eigen::Index idx(std::size_t i) { return static_cast<Eigen::Index>(i); }

void require(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument("EsnConfig." + message);
}

// Distinct stream seeds per use, so the input weights do not shift when the recurrent
// draws change count.
constexpr std::uint64_t kRecurrentStream = 0x7265637572ULL;  // "recur"
constexpr std::uint64_t kInputStream = 0x696E707574ULL;      // "input"
constexpr std::uint64_t kBiasStream = 0x62696173ULL;         // "bias"

}  // namespace

double spectral_radius(const Eigen::MatrixXd& w) {
  if (w.rows() != w.cols() || w.rows() == 0) {
    throw std::invalid_argument("spectral_radius: needs a non-empty square matrix");
  }
  const Eigen::EigenSolver<Eigen::MatrixXd> solver(w, /*computeEigenvectors=*/false);
  if (solver.info() != Eigen::Success) {
    throw std::runtime_error("spectral_radius: eigenvalue computation did not converge");
  }
  return solver.eigenvalues().cwiseAbs().maxCoeff();
}

EchoStateNetwork::EchoStateNetwork(const EsnConfig& config) : config_(config) {
  require(config.units >= 1, "units must be >= 1");
  require(config.inputs >= 1, "inputs must be >= 1");
  require(config.connectivity > 0.0 && config.connectivity <= 1.0,
          fmt::format("connectivity = {} must be in (0, 1]", config.connectivity));
  require(config.spectral_radius >= 0.0, fmt::format("spectral_radius = {} must be >= 0", config.spectral_radius));
  require(config.input_scaling >= 0.0, fmt::format("input_scaling = {} must be >= 0", config.input_scaling));
  require(config.bias_scaling >= 0.0, fmt::format("bias_scaling = {} must be >= 0", config.bias_scaling));
  require(config.leak_rate > 0.0 && config.leak_rate <= 1.0,
          fmt::format("leak_rate = {} must be in (0, 1]", config.leak_rate));

  const std::size_t n = config.units;
  const std::size_t in_degree = std::clamp<std::size_t>(
      static_cast<std::size_t>(std::llround(config.connectivity * static_cast<double>(n))), 1, n);

  // Recurrent weights: for each unit, in_degree distinct presynaptic units chosen by a
  // partial Fisher-Yates shuffle, weights uniform on [-1, 1).
  Rng rng(config.seed ^ kRecurrentStream);
  std::vector<Eigen::Triplet<double>> triplets;
  triplets.reserve(n * in_degree);
  std::vector<std::size_t> pool(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) pool[j] = j;
    for (std::size_t k = 0; k < in_degree; ++k) {
      const std::size_t pick = k + static_cast<std::size_t>(rng.below_by_rejection(n - k));
      std::swap(pool[k], pool[pick]);
      triplets.emplace_back(idx(i), idx(pool[k]), rng.uniform(-1.0, 1.0));
    }
  }
  w_.resize(idx(n), idx(n));
  w_.setFromTriplets(triplets.begin(), triplets.end());
  const double raw_radius = spectral_radius(Eigen::MatrixXd(w_));
  if (raw_radius > 0.0) w_ *= config.spectral_radius / raw_radius;

  Rng input_rng(config.seed ^ kInputStream);
  w_in_.resize(idx(n), idx(config.inputs));
  for (Eigen::Index r = 0; r < w_in_.rows(); ++r) {
    for (Eigen::Index c = 0; c < w_in_.cols(); ++c) {
      w_in_(r, c) = input_rng.uniform(-config.input_scaling, config.input_scaling);
    }
  }
  Rng bias_rng(config.seed ^ kBiasStream);
  bias_.resize(idx(n));
  for (Eigen::Index r = 0; r < bias_.size(); ++r) {
    bias_(r) = bias_rng.uniform(-config.bias_scaling, config.bias_scaling);
  }
}

Eigen::MatrixXd EchoStateNetwork::run(const Eigen::MatrixXd& inputs, const Eigen::VectorXd& initial) const {
  const auto n = idx(config_.units);
  if (inputs.cols() != idx(config_.inputs)) {
    throw std::invalid_argument(
        fmt::format("EchoStateNetwork::run: {} input columns, the "
                    "network has {} inputs",
                    inputs.cols(), config_.inputs));
  }
  if (initial.size() != 0 && initial.size() != n) {
    throw std::invalid_argument(
        fmt::format("EchoStateNetwork::run: initial state has {} values, the network {} units", initial.size(), n));
  }
  Eigen::VectorXd x = initial.size() == 0 ? Eigen::VectorXd::Zero(n) : initial;
  Eigen::MatrixXd states(inputs.rows(), n);
  const Eigen::MatrixXd drive = inputs * w_in_.transpose();  // T x N
  const double a = config_.leak_rate;
  Eigen::VectorXd pre(n);
  for (Eigen::Index t = 0; t < inputs.rows(); ++t) {
    pre.noalias() = w_ * x;
    pre += drive.row(t).transpose() + bias_;
    x = (1.0 - a) * x + a * pre.array().tanh().matrix();
    states.row(t) = x.transpose();
  }
  return states;
}

Eigen::MatrixXd EchoStateNetwork::run(std::span<const double> input, const Eigen::VectorXd& initial) const {
  const Eigen::Map<const Eigen::MatrixXd> column(input.data(), idx(input.size()), 1);
  return run(Eigen::MatrixXd(column), initial);
}

EsnTuning tune_esn(const EsnConfig& base, const EsnGrid& grid,
                   const std::function<double(const EchoStateNetwork&)>& validation_loss) {
  if (grid.spectral_radii.empty() || grid.input_scalings.empty()) {
    throw std::invalid_argument("tune_esn: empty grid");
  }
  EsnTuning tuning;
  tuning.best_loss = std::numeric_limits<double>::infinity();
  tuning.best = base;
  for (const double radius : grid.spectral_radii) {
    for (const double scaling : grid.input_scalings) {
      EsnConfig c = base;
      c.spectral_radius = radius;
      c.input_scaling = scaling;
      const EchoStateNetwork esn(c);
      const double loss = validation_loss(esn);
      tuning.trials.push_back({radius, scaling, loss});
      if (loss < tuning.best_loss) {
        tuning.best_loss = loss;
        tuning.best = c;
      }
    }
  }
  return tuning;
}

Eigen::MatrixXd delay_embedding(std::span<const double> input, std::size_t taps) {
  if (taps == 0) throw std::invalid_argument("delay_embedding: taps must be >= 1");
  Eigen::MatrixXd x = Eigen::MatrixXd::Zero(idx(input.size()), idx(taps));
  for (std::size_t t = 0; t < input.size(); ++t) {
    for (std::size_t k = 0; k < taps && k <= t; ++k) x(idx(t), idx(k)) = input[t - k];
  }
  return x;
}

}  // namespace hrsnn::study
