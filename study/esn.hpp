// Non-spiking baselines of the study, producing feature matrices (rows = time steps) for the
// same readouts as the spiking network: an echo state network (Jaeger 2001) and a linear
// tapped-delay-line embedding of the raw input.
//
// ESN update, per input row u(t):
//   x(t) = (1 - a) x(t-1) + a tanh(W x(t-1) + W_in u(t) + b)
// W sparse with a fixed number of nonzero inputs per unit (round(connectivity * N), at least 1),
// entries uniform on [-1, 1), then scaled so that its spectral radius (largest |eigenvalue|,
// computed with Eigen's dense eigenvalue solver) equals spectral_radius. W_in uniform on
// [-input_scaling, input_scaling), b uniform on [-bias_scaling, bias_scaling).
// The random draws depend only on (units, inputs, connectivity, seed): changing the spectral
// radius or a scaling rescales the same network, so a tuning grid compares like with like.
#pragma once

#include <Eigen/Dense>
#include <Eigen/SparseCore>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace hrsnn::study {

struct EsnConfig {
  std::size_t units = 100;
  std::size_t inputs = 1;
  double connectivity = 0.1;  // fraction of units feeding each unit
  double spectral_radius = 0.9;
  double input_scaling = 0.5;
  double bias_scaling = 0.0;
  double leak_rate = 1.0;  // a in (0, 1]; 1 = no leaky integration
  std::uint64_t seed = 1;
};

// Largest eigenvalue modulus of a square matrix.
double spectral_radius(const Eigen::MatrixXd& w);

class EchoStateNetwork {
 public:
  // Throws std::invalid_argument naming the offending field.
  explicit EchoStateNetwork(const EsnConfig& config);

  const EsnConfig& config() const { return config_; }
  const Eigen::SparseMatrix<double, Eigen::RowMajor>& recurrent_weights() const { return w_; }
  const Eigen::MatrixXd& input_weights() const { return w_in_; }  // units x inputs
  const Eigen::VectorXd& bias() const { return bias_; }

  // States after each input row: inputs is T x config.inputs, the result T x units. The
  // state before the first row is `initial` (zeros when empty).
  Eigen::MatrixXd run(const Eigen::MatrixXd& inputs, const Eigen::VectorXd& initial = {}) const;
  // Scalar input (config.inputs must be 1).
  Eigen::MatrixXd run(std::span<const double> input, const Eigen::VectorXd& initial = {}) const;

 private:
  EsnConfig config_;
  Eigen::SparseMatrix<double, Eigen::RowMajor> w_;
  Eigen::MatrixXd w_in_;
  Eigen::VectorXd bias_;
};

// Grid search over spectral radius x input scaling of one network (base.seed fixed).
struct EsnGrid {
  std::vector<double> spectral_radii = {0.5, 0.8, 0.9, 0.95, 1.0, 1.1};
  std::vector<double> input_scalings = {0.01, 0.05, 0.2, 0.5, 1.0};
};

struct EsnTrial {
  double spectral_radius = 0.0;
  double input_scaling = 0.0;
  double validation_loss = 0.0;
};

struct EsnTuning {
  EsnConfig best;
  double best_loss = 0.0;
  std::vector<EsnTrial> trials;
};

// Evaluates validation_loss (lower is better; e.g. -MC on a validation input, or validation
// NRMSE) for every grid point and returns the best configuration. The caller scores the
// chosen network on test data it did not use here.
EsnTuning tune_esn(const EsnConfig& base, const EsnGrid& grid,
                   const std::function<double(const EchoStateNetwork&)>& validation_loss);

// The linear baseline's features: row t = [u(t), u(t-1), ..., u(t-taps+1)], zero before t = 0.
Eigen::MatrixXd delay_embedding(std::span<const double> input, std::size_t taps);

}  // namespace hrsnn::study
