#include "study/fidelity.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace hrsnn::study {

std::vector<SpikeTrain> spike_trains(const Raster& raster, uint32_t neurons) {
  std::vector<SpikeTrain> trains(neurons);
  for (uint64_t k = 0; k < raster.size(); ++k)
    if (raster.neuron[k] < neurons) trains[raster.neuron[k]].push_back(raster.step[k]);
  for (auto& t : trains) std::sort(t.begin(), t.end());
  return trains;
}

uint64_t count_coincidences(std::span<const uint64_t> reference, std::span<const uint64_t> test,
                            uint64_t window_steps) {
  // Two pointers: the earliest unmatched spikes of both trains either match (within the
  // window) or the earlier one can match nothing later, so it is dropped.
  uint64_t matched = 0;
  size_t i = 0, j = 0;
  while (i < reference.size() && j < test.size()) {
    const uint64_t a = reference[i], b = test[j];
    if ((a > b ? a - b : b - a) <= window_steps) {
      ++matched;
      ++i;
      ++j;
    } else if (a < b) {
      ++i;
    } else {
      ++j;
    }
  }
  return matched;
}

double coincidence_factor(std::span<const uint64_t> reference, std::span<const uint64_t> test, uint64_t window_steps,
                          uint64_t duration_steps) {
  const auto n_ref = static_cast<double>(reference.size());
  const auto n_test = static_cast<double>(test.size());
  if (n_ref + n_test == 0.0 || duration_steps == 0) return std::numeric_limits<double>::quiet_NaN();
  const double rate = n_test / static_cast<double>(duration_steps);
  const double chance_fraction = static_cast<double>(2 * window_steps + 1) * rate;
  const double norm = 1.0 - chance_fraction;
  if (!(norm > 0.0)) return std::numeric_limits<double>::quiet_NaN();
  const auto coinc = static_cast<double>(count_coincidences(reference, test, window_steps));
  return (coinc - chance_fraction * n_ref) / (0.5 * (n_ref + n_test)) / norm;
}

double victor_purpura_distance(std::span<const uint64_t> a, std::span<const uint64_t> b, double cost_per_step) {
  if (cost_per_step < 0.0) throw std::invalid_argument("victor_purpura_distance: cost_per_step must be >= 0");
  // Dynamic programme over prefixes (Victor & Purpura 1996, eq. for D^spike[q]): G[i][j] is the
  // distance between the first i spikes of a and the first j of b; one row kept.
  std::vector<double> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = static_cast<double>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    double diag = row[0];
    row[0] = static_cast<double>(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      const uint64_t ta = a[i - 1], tb = b[j - 1];
      const double shift = cost_per_step * static_cast<double>(ta > tb ? ta - tb : tb - ta);
      const double best = std::min({row[j] + 1.0, row[j - 1] + 1.0, diag + shift});
      diag = row[j];
      row[j] = best;
    }
  }
  return row[b.size()];
}

double relative_rate_error(double reference_rate, double test_rate) {
  if (reference_rate == 0.0) return test_rate == 0.0 ? 0.0 : std::numeric_limits<double>::infinity();
  return std::abs(test_rate - reference_rate) / std::abs(reference_rate);
}

double rmse(std::span<const double> a, std::span<const double> b) {
  if (a.size() != b.size())
    throw std::invalid_argument(fmt::format("rmse: series of different lengths ({} and {})", a.size(), b.size()));
  if (a.empty()) return 0.0;
  double sum = 0.0;
  for (size_t k = 0; k < a.size(); ++k) sum += (a[k] - b[k]) * (a[k] - b[k]);
  return std::sqrt(sum / static_cast<double>(a.size()));
}

namespace {

// The raster's neurons of each step, sorted, as (step, neuron) pairs in ascending order.
std::vector<std::pair<uint64_t, uint32_t>> sorted_pairs(const Raster& r) {
  std::vector<std::pair<uint64_t, uint32_t>> p(r.size());
  for (uint64_t k = 0; k < r.size(); ++k) p[k] = {r.step[k], r.neuron[k]};
  std::sort(p.begin(), p.end());
  return p;
}

}  // namespace

std::optional<uint64_t> first_divergence_step(const Raster& a, const Raster& b, uint64_t steps) {
  const auto pa = sorted_pairs(a), pb = sorted_pairs(b);
  size_t i = 0;
  while (i < pa.size() && i < pb.size() && pa[i] == pb[i]) ++i;
  // The first differing pair (or the first pair one raster has beyond the other's end) names
  // the step: the earlier of the two steps there.
  std::optional<uint64_t> step;
  if (i < pa.size()) step = pa[i].first;
  if (i < pb.size()) step = step ? std::min(*step, pb[i].first) : pb[i].first;
  if (step && *step >= steps) return std::nullopt;
  return step;
}

RasterAgreement compare_rasters(const Raster& reference, const Raster& test, uint32_t neurons, uint64_t steps,
                                uint64_t window_steps, double vp_cost_per_step) {
  RasterAgreement out;
  const auto ref = spike_trains(reference, neurons), tst = spike_trains(test, neurons);
  double gamma_sum = 0.0, vp_sum = 0.0;
  for (uint32_t i = 0; i < neurons; ++i) {
    out.reference_spikes += ref[i].size();
    out.test_spikes += tst[i].size();
    const double g = coincidence_factor(ref[i], tst[i], window_steps, steps);
    if (!std::isnan(g)) {
      gamma_sum += g;
      ++out.coincidence_neurons;
    }
    vp_sum += victor_purpura_distance(ref[i], tst[i], vp_cost_per_step);
  }
  out.coincidence = out.coincidence_neurons ? gamma_sum / static_cast<double>(out.coincidence_neurons)
                                            : std::numeric_limits<double>::quiet_NaN();
  out.vp_distance = neurons ? vp_sum / static_cast<double>(neurons) : 0.0;
  const auto total = static_cast<double>(out.reference_spikes + out.test_spikes);
  out.vp_normalized = total > 0.0 ? vp_sum / total : 0.0;
  out.first_divergence = first_divergence_step(reference, test, steps);
  return out;
}

}  // namespace hrsnn::study
