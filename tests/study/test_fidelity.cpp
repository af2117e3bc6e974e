// Fidelity metrics on hand-computed cases: the coincidence factor of identical, shifted and
// independent trains, Victor-Purpura distances of small examples, rate error, RMSE, and the
// first step at which two rasters diverge.
#include "core/foundation/random.hpp"
#include "study/fidelity.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using namespace hrsnn;
using namespace hrsnn::study;

namespace {

SpikeTrain bernoulli_train(uint64_t steps, double p, uint64_t seed) {
  hrsnn::Rng rng(seed);
  SpikeTrain t;
  for (uint64_t s = 0; s < steps; ++s)
    if (rng.uniform() < p) t.push_back(s);
  return t;
}

Raster raster_of(std::initializer_list<std::pair<uint64_t, uint32_t>> pairs) {
  Raster r;
  for (auto [s, n] : pairs) {
    r.step.push_back(s);
    r.neuron.push_back(n);
  }
  return r;
}

}  // namespace

TEST_CASE("the coincidence factor of identical trains is exactly 1", "[study][fidelity]") {
  // 3 spikes in 100 steps, window 2 (5 steps): chance fraction 5 * 0.03 = 0.15;
  // (3 - 0.15 * 3) / 3 / 0.85 = 1.
  const SpikeTrain a = {10, 20, 30};
  CHECK(coincidence_factor(a, a, 2, 100) == Approx(1.0).epsilon(1e-12));
  const SpikeTrain dense = bernoulli_train(5000, 0.05, 3);
  CHECK(coincidence_factor(dense, dense, 3, 5000) == Approx(1.0).epsilon(1e-12));
}

TEST_CASE("spikes shifted within the window still coincide, beyond it they count below chance", "[study][fidelity]") {
  const SpikeTrain a = {10, 20, 30};
  CHECK(coincidence_factor(a, SpikeTrain{11, 18, 32}, 2, 100) == Approx(1.0).epsilon(1e-12));
  // Shifted by 3 with window 2: no coincidence, Gamma = (0 - 0.45) / 3 / 0.85.
  CHECK(coincidence_factor(a, SpikeTrain{13, 23, 33}, 2, 100) == Approx(-0.45 / 3.0 / 0.85));
  // Each spike is matched at most once: one test spike between two reference spikes.
  CHECK(count_coincidences(SpikeTrain{10, 12}, SpikeTrain{11}, 2) == 1);
  CHECK(count_coincidences(SpikeTrain{10, 12}, SpikeTrain{11, 13}, 2) == 2);
}

TEST_CASE("the coincidence factor of independent Poisson trains is near 0", "[study][fidelity]") {
  const SpikeTrain a = bernoulli_train(200000, 0.02, 1);
  const SpikeTrain b = bernoulli_train(200000, 0.02, 2);
  CHECK(std::abs(coincidence_factor(a, b, 2, 200000)) < 0.03);
}

TEST_CASE("the coincidence factor is undefined for two empty trains and 0 against an empty one", "[study][fidelity]") {
  CHECK(std::isnan(coincidence_factor(SpikeTrain{}, SpikeTrain{}, 2, 100)));
  CHECK(coincidence_factor(SpikeTrain{5, 50}, SpikeTrain{}, 2, 100) == 0.0);
  // A window as long as the inter-spike interval leaves no normalization.
  CHECK(std::isnan(coincidence_factor(SpikeTrain{0, 1, 2}, SpikeTrain{0, 1, 2}, 1, 3)));
}

TEST_CASE("Victor-Purpura distances of small trains match hand computation", "[study][fidelity]") {
  CHECK(victor_purpura_distance(SpikeTrain{0}, SpikeTrain{}, 0.5) == 1.0);
  CHECK(victor_purpura_distance(SpikeTrain{}, SpikeTrain{}, 0.5) == 0.0);
  // One spike moved by 3 steps: shift 3q if 3q < 2, else delete + insert.
  CHECK(victor_purpura_distance(SpikeTrain{0}, SpikeTrain{3}, 0.5) == Approx(1.5));
  CHECK(victor_purpura_distance(SpikeTrain{0}, SpikeTrain{3}, 1.0) == Approx(2.0));
  // {0, 10} vs {1, 20}: q = 0.1 shifts both (0.1 + 1.0); q = 0.25 shifts the first (0.25) and
  // deletes/inserts the second (2).
  CHECK(victor_purpura_distance(SpikeTrain{0, 10}, SpikeTrain{1, 20}, 0.1) == Approx(1.1));
  CHECK(victor_purpura_distance(SpikeTrain{0, 10}, SpikeTrain{1, 20}, 0.25) == Approx(2.25));
  CHECK(victor_purpura_distance(SpikeTrain{1, 20}, SpikeTrain{0, 10}, 0.25) == Approx(2.25));
  // q = 0: only the counts matter.
  CHECK(victor_purpura_distance(SpikeTrain{0, 10, 30}, SpikeTrain{5}, 0.0) == Approx(2.0));
  // {0, 4} vs {2}: shift one spike by 2 (q = 0.3: 0.6) and delete the other (1).
  CHECK(victor_purpura_distance(SpikeTrain{0, 4}, SpikeTrain{2}, 0.3) == Approx(1.6));
  CHECK_THROWS(victor_purpura_distance(SpikeTrain{0}, SpikeTrain{1}, -1.0));
}

TEST_CASE("rate error and RMSE match hand computation", "[study][fidelity]") {
  CHECK(relative_rate_error(10.0, 11.0) == Approx(0.1));
  CHECK(relative_rate_error(10.0, 9.0) == Approx(0.1));
  CHECK(relative_rate_error(0.0, 0.0) == 0.0);
  CHECK(std::isinf(relative_rate_error(0.0, 1.0)));
  CHECK(rmse(std::vector<double>{1, 2, 3}, std::vector<double>{1, 2, 5}) == Approx(std::sqrt(4.0 / 3.0)));
  CHECK(rmse(std::vector<double>{}, std::vector<double>{}) == 0.0);
  CHECK_THROWS(rmse(std::vector<double>{1}, std::vector<double>{1, 2}));
}

TEST_CASE("the first divergence step is the first step whose spike sets differ", "[study][fidelity]") {
  const Raster a = raster_of({{1, 3}, {1, 7}, {4, 2}, {5, 1}});
  const Raster same_other_order = raster_of({{1, 7}, {1, 3}, {4, 2}, {5, 1}});
  CHECK_FALSE(first_divergence_step(a, same_other_order, 10).has_value());
  CHECK(first_divergence_step(a, raster_of({{1, 3}, {1, 7}, {4, 2}, {5, 2}}), 10) == 5u);
  CHECK(first_divergence_step(a, raster_of({{1, 3}, {1, 7}, {4, 2}}), 10) == 5u);
  CHECK(first_divergence_step(a, raster_of({{1, 3}, {1, 7}, {3, 0}, {4, 2}, {5, 1}}), 10) == 3u);
  CHECK(first_divergence_step(a, raster_of({{0, 9}, {1, 3}, {1, 7}, {4, 2}, {5, 1}}), 10) == 0u);
  // Differences at or after `steps` are outside the compared window.
  CHECK_FALSE(first_divergence_step(a, raster_of({{1, 3}, {1, 7}, {4, 2}}), 5).has_value());

  const RasterAgreement agree = compare_rasters(a, a, 10, 10, 1, 0.5);
  CHECK(agree.coincidence == Approx(1.0));
  CHECK(agree.coincidence_neurons == 4);
  CHECK(agree.vp_distance == 0.0);
  CHECK_FALSE(agree.first_divergence.has_value());
  CHECK(agree.reference_spikes == 4);
}
