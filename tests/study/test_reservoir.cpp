// The spiking network as a reservoir (study/reservoir.hpp): feature shapes, determinism,
// activity bookkeeping, and an analytic memory capacity on a delay line of neurons, on the float
// reference and the fixed-point core.
#include "core/foundation/random.hpp"
#include "core/spec.hpp"
#include "study/gram_ridge.hpp"
#include "study/reservoir.hpp"
#include "study/study.hpp"

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

using namespace hrsnn;
using namespace hrsnn::study;

namespace {

// A chain of `stages` one-neuron populations P0 -> P1 -> ... with weight 0.75 and delay 1, input
// weight 0.75 on P0 only (0.75 is exact in the fixed core's weight registers). tau_syn and tau_mem of 1 microsecond
// make du = dv = 1 (u = a, v = u), so with threshold 0.5 neuron k spikes at step t exactly when the binary input was 1
// at step t - k.
std::string delay_line_spec(int stages) {
  std::string s = R"(
[simulation]
dt_ms = 1.0
steps = 10
seed = 3
)";
  for (int k = 0; k < stages; ++k)
    s += fmt::format(R"(
[[populations]]
name = "P{}"
size = 1
tau_mem_ms = 0.001
tau_syn_ms = 0.001
v_thresh = 0.5
)",
                     k);
  for (int k = 0; k + 1 < stages; ++k)
    s += fmt::format(R"(
[[projections]]
name = "C{}"
pre = "P{}"
post = "P{}"
p = 1.0
weight = 0.75
)",
                     k, k, k + 1);
  s += R"(
[input]
encoder = "current"
populations = ["P0"]
fraction = 1.0
weight = 0.75
steps_per_sample = 1
)";
  return s;
}

std::vector<double> binary_input(size_t n, uint64_t seed) {
  Rng rng(seed);
  std::vector<double> u(n);
  for (auto& x : u) x = rng.uniform() < 0.5 ? 1.0 : 0.0;
  return u;
}

NetworkSpec small_random_spec() {
  // The example HRSNN at 8% of its size (80 neurons, same expected in-degree).
  return scale_network(load_spec(HRSNN_SOURCE_DIR "/examples/hrsnn.toml"), 0.08);
}

}  // namespace

TEST_CASE("a delay line of spiking neurons holds the input of the last `stages` samples, one per neuron",
          "[study][reservoir]") {
  constexpr int stages = 6;
  const Network net = build_network(parse_spec(delay_line_spec(stages), "delay_line"));
  const std::vector<double> u = binary_input(600, 11);
  ReservoirConfig rc;
  rc.kind = FeatureKind::counts;
  rc.washout_samples = 0;
  const ReservoirFeatures f = collect_features(net, scalar_signal(u), Backend{}, rc);
  REQUIRE(f.features.rows() == 600);
  REQUIRE(f.features.cols() == stages);
  for (Eigen::Index t = 0; t < 600; ++t)
    for (Eigen::Index k = 0; k < stages; ++k)
      REQUIRE(f.features(t, k) == (t >= k ? u[static_cast<size_t>(t - k)] : 0.0));
}

TEST_CASE("the memory capacity of a delay line of L neurons is L - 1: r^2 = 1 up to delay L - 1, then ~0",
          "[study][reservoir][mc]") {
  constexpr int stages = 6;
  const Network net = build_network(parse_spec(delay_line_spec(stages), "delay_line"));
  const std::vector<double> u = binary_input(800, 5);
  ReservoirConfig rc;
  rc.kind = FeatureKind::counts;
  rc.washout_samples = 20;
  const ReservoirFeatures f = collect_features(net, scalar_signal(u), Backend{}, rc);
  MemoryCapacityConfig mc;
  mc.max_delay = 12;
  mc.washout = 20;
  mc.standardize = false;
  const MemoryCapacityResult m = memory_capacity_gram(f.features, u, mc);
  for (size_t k = 1; k < stages; ++k) CHECK(m.r2_by_delay[k - 1] > 0.999);
  // Delays the line does not hold: only the estimator's bias of about 1/test_rows each.
  for (size_t k = stages; k <= 12; ++k) CHECK(m.r2_by_delay[k - 1] < 0.05);
  CHECK(m.capacity == Approx(stages - 1).margin(0.25));
  // Delay 0 (u(t) itself) is neuron 0 and not part of MC; the activity: every input 1 gives one
  // spike per stage while it travels the line.
  CHECK(f.activity.neurons == stages);
  CHECK(f.activity.steps == 780);
}

TEST_CASE("float reference and fixed-point core give identical features on an exactly representable delay line",
          "[study][reservoir][fixed]") {
  constexpr int stages = 5;
  const NetworkSpec spec = parse_spec(delay_line_spec(stages), "delay_line");
  const Network net = build_network(spec);
  const std::vector<double> u = binary_input(300, 9);
  for (FeatureKind kind : {FeatureKind::counts, FeatureKind::filtered}) {
    ReservoirConfig rc;
    rc.kind = kind;
    rc.washout_samples = 10;
    const ReservoirFeatures a = collect_features(net, scalar_signal(u), Backend{Arith::Float64, spec.hardware}, rc);
    const ReservoirFeatures b = collect_features(net, scalar_signal(u), Backend{Arith::Fixed, spec.hardware}, rc);
    CHECK(a.features == b.features);
    CHECK(a.activity.spikes == b.activity.spikes);
    CHECK(a.activity.spikes > 0);
  }
}

TEST_CASE("filtered features are the spike train convolved with exp(-t/tau), sampled after each sample's steps",
          "[study][reservoir]") {
  NetworkSpec spec = parse_spec(delay_line_spec(2), "delay_line");
  spec.input.steps_per_sample = 3;
  const Network net = build_network(spec);
  const std::vector<double> u = {1, 0, 0, 1, 1, 0, 0, 0};
  ReservoirConfig rc;
  rc.kind = FeatureKind::filtered;
  rc.filter_tau_ms = 4.0;
  rc.washout_samples = 0;
  const ReservoirFeatures f = collect_features(net, scalar_signal(u), Backend{}, rc);
  // Neuron 0 spikes at every step of a sample whose input is 1 (v = a = 0.75 > 0.5 each step).
  const double keep = std::exp(-1.0 / 4.0);
  double expected = 0.0;
  for (size_t k = 0; k < u.size(); ++k) {
    for (int s = 0; s < 3; ++s) expected = expected * keep + u[k];
    CHECK(f.features(static_cast<Eigen::Index>(k), 0) == Approx(expected).epsilon(1e-12));
  }
}

TEST_CASE("reservoir features have one row per sample and one column per neuron, and are deterministic",
          "[study][reservoir]") {
  const NetworkSpec spec = small_random_spec();
  const Network net = build_network(spec);
  REQUIRE(net.size() == 80);
  const std::vector<double> u = binary_input(60, 2);
  for (Arith arith : {Arith::Float64, Arith::Float32, Arith::Fixed}) {
    INFO(to_string(arith));
    ReservoirConfig rc;
    rc.kind = FeatureKind::counts;
    rc.washout_samples = 10;
    const Backend backend{arith, spec.hardware};
    const ReservoirFeatures a = collect_features(net, scalar_signal(u, 3.0), backend, rc);
    const ReservoirFeatures b = collect_features(net, scalar_signal(u, 3.0), backend, rc);
    CHECK(a.features.rows() == 60);
    CHECK(a.features.cols() == 80);
    CHECK(a.features == b.features);
    // The activity window holds exactly the spikes of the rows after the washout.
    const double counted = a.features.bottomRows(50).sum();
    CHECK(static_cast<double>(a.activity.spikes) == counted);
    CHECK(a.activity.steps == 50 * spec.input.steps_per_sample);
    CHECK(a.activity.spiking_activity() == Approx(counted / (80.0 * 500.0)));
    CHECK(a.activity.total.spikes == static_cast<uint64_t>(a.features.sum()));
    CHECK(a.activity.counts.neuron_updates() == 80U * 500U);
  }
}

TEST_CASE("a signal with the wrong number of channels is refused", "[study][reservoir]") {
  const Network net = build_network(small_random_spec());
  const std::vector<double> u(10, 0.5);
  CHECK_THROWS_WITH(collect_features(net, scalar_signal(u, 1.0, 0.0, 2), Backend{}, ReservoirConfig{}),
                    Catch::Contains("2 channels"));
}

TEST_CASE("a learning phase then frozen plasticity: rows only for the measured samples, no learning in the window",
          "[study][reservoir]") {
  const NetworkSpec spec = small_random_spec();
  const Network net = build_network(spec);
  REQUIRE(net.plastic_synapse_count() > 0);
  const std::vector<double> u = binary_input(90, 4);
  for (Arith arith : {Arith::Float64, Arith::Fixed}) {
    INFO(to_string(arith));
    ReservoirConfig rc;
    rc.kind = FeatureKind::counts;
    rc.washout_samples = 10;
    rc.learning_samples = 30;
    rc.learning_block_samples = 8;
    rc.plastic_during_measurement = false;
    const Backend backend{arith, spec.hardware};
    const ReservoirFeatures f = collect_features(net, scalar_signal(u, 3.0), backend, rc);
    CHECK(f.features.rows() == 60);
    REQUIRE(f.activity.learning_rate.size() == 4);  // blocks of 8, 8, 8 and 6 samples
    for (double r : f.activity.learning_rate) CHECK(r >= 0.0);
    CHECK(f.activity.counts.plastic_updates == 0);
    CHECK(f.activity.counts.trace_updates == 0);
    CHECK(f.activity.total.plastic_updates > 0);  // the learning phase learned
    CHECK(static_cast<double>(f.activity.spikes) == f.features.bottomRows(50).sum());
    // Plasticity left on in the measurement is the other experiment: it keeps learning.
    rc.plastic_during_measurement = true;
    const ReservoirFeatures on = collect_features(net, scalar_signal(u, 3.0), backend, rc);
    CHECK(on.activity.counts.plastic_updates > 0);
  }
}
