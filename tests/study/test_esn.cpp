// Echo state network baseline: the echo state property (initial conditions fade), the
// spectral-radius scaling, reproducibility from the seed, and a memory capacity in (0, N].
#include "study/esn.hpp"
#include "study/metrics.hpp"
#include "study/tasks.hpp"

#include <catch2/catch.hpp>

using namespace hrsnn::study;

TEST_CASE("The recurrent matrix is scaled to the requested spectral radius with fixed in-degree", "[study][esn]") {
  EsnConfig c;
  c.units = 60;
  c.connectivity = 0.1;
  c.spectral_radius = 0.85;
  const EchoStateNetwork esn(c);
  CHECK(spectral_radius(Eigen::MatrixXd(esn.recurrent_weights())) == Approx(0.85));
  for (Eigen::Index r = 0; r < 60; ++r) {
    CHECK(esn.recurrent_weights().row(r).nonZeros() == 6);
  }
  CHECK(esn.input_weights().cwiseAbs().maxCoeff() <= c.input_scaling);
  CHECK_THROWS_WITH(EchoStateNetwork(EsnConfig{.units = 0}), Catch::Contains("units"));
}

TEST_CASE("Two ESN runs from different initial states converge (echo state property)", "[study][esn]") {
  EsnConfig c;
  c.units = 80;
  c.spectral_radius = 0.9;
  const EchoStateNetwork esn(c);
  const auto u = uniform_input(300, 4);
  Eigen::VectorXd a = Eigen::VectorXd::Constant(80, 0.9);
  Eigen::VectorXd b = -a;
  const Eigen::MatrixXd xa = esn.run(u, a);
  const Eigen::MatrixXd xb = esn.run(u, b);
  const double d0 = (xa.row(0) - xb.row(0)).norm();
  const double d100 = (xa.row(100) - xb.row(100)).norm();
  const double d299 = (xa.row(299) - xb.row(299)).norm();
  CHECK(d0 > 0.1);
  CHECK(d100 < 1e-3 * d0);
  CHECK(d299 < 1e-9 * d0);
}

TEST_CASE("ESNs are reproducible from the seed and differ across seeds", "[study][esn]") {
  const auto u = uniform_input(50, 4);
  EsnConfig c;
  c.units = 30;
  const Eigen::MatrixXd x1 = EchoStateNetwork(c).run(u);
  CHECK(x1 == EchoStateNetwork(c).run(u));
  c.seed = 2;
  CHECK(x1 != EchoStateNetwork(c).run(u));
}

TEST_CASE("A tuned 50-unit ESN has memory capacity between a few and its size", "[study][esn]") {
  EsnConfig base;
  base.units = 50;
  const auto u_val = uniform_input(1200, 100);
  MemoryCapacityConfig mc;
  mc.max_delay = 60;
  EsnGrid grid;
  grid.spectral_radii = {0.8, 0.95};
  grid.input_scalings = {0.05, 1.0};
  const EsnTuning tuning = tune_esn(
      base, grid, [&](const EchoStateNetwork& esn) { return -memory_capacity(esn.run(u_val), u_val, mc).capacity; });
  CHECK(tuning.trials.size() == 4);
  const auto u_test = uniform_input(1200, 200);
  const double capacity = memory_capacity(EchoStateNetwork(tuning.best).run(u_test), u_test, mc).capacity;
  CHECK(capacity > 5.0);
  CHECK(capacity <= 50.0);
}

TEST_CASE("delay_embedding rows are the current and previous inputs", "[study][esn]") {
  const std::vector<double> u = {1, 2, 3, 4};
  const Eigen::MatrixXd x = delay_embedding(u, 3);
  Eigen::MatrixXd expected(4, 3);
  expected << 1, 0, 0, 2, 1, 0, 3, 2, 1, 4, 3, 2;
  CHECK(x == expected);
}
