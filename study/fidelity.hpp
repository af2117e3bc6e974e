// Fidelity of one simulation to another on the same network and input: spike-train agreement
// (coincidence factor, Victor-Purpura distance, first step at which the rasters differ),
// per-population firing-rate error and membrane RMSE. The quantization sweep
// (study/quant_sweep.hpp) scores every register format against the float reference with these.
//
// Time is in simulation steps throughout: a spike train is the sorted list of the steps at
// which one neuron fired.
#pragma once

#include "core/float_sim.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace hrsnn::study {

using SpikeTrain = std::vector<uint64_t>;  // ascending steps

// One train per neuron (0..neurons-1) from a raster; spikes of ids >= neurons are ignored.
std::vector<SpikeTrain> spike_trains(const Raster& raster, uint32_t neurons);

// Coincidences within +-window steps, each spike of either train used at most once (greedy
// matching in time order, which is the maximum matching for 1-D intervals).
uint64_t count_coincidences(std::span<const uint64_t> reference, std::span<const uint64_t> test, uint64_t window_steps);

// Coincidence factor Gamma (Kistler, Gerstner & van Hemmen 1997; Jolivet et al. 2008):
//     Gamma = (N_coinc - <N_coinc>) / (0.5 (N_ref + N_test)) / (1 - 2 nu Delta)
// with <N_coinc> = 2 nu Delta N_ref the coincidences a Poisson train of the test's rate nu would
// make by chance. In discrete time the window |t_ref - t_test| <= Delta covers 2 Delta + 1
// steps, so "2 nu Delta" is (2 Delta + 1) nu, nu = N_test / duration_steps (spikes per step).
// 1 for identical trains, about 0 for independent Poisson trains, negative below chance.
// NaN when both trains are empty or the window is as long as the mean inter-spike interval
// ((2 Delta + 1) nu >= 1: the normalization is undefined).
double coincidence_factor(std::span<const uint64_t> reference, std::span<const uint64_t> test, uint64_t window_steps,
                          uint64_t duration_steps);

// Victor-Purpura spike-train distance (Victor & Purpura 1996): the cheapest edit of one train
// into the other, inserting or deleting a spike costing 1 and moving one by d steps costing
// cost_per_step * d. cost_per_step = 0 gives |N_a - N_b|; a large cost gives the number of
// spikes not shared exactly (N_a + N_b - 2 * common). O(N_a N_b) time, O(N_b) memory.
double victor_purpura_distance(std::span<const uint64_t> a, std::span<const uint64_t> b, double cost_per_step);

// Relative rate error |test - reference| / reference; 0 when both are 0, +inf when only the
// reference is 0.
double relative_rate_error(double reference_rate, double test_rate);

// Root-mean-square difference of two equal-length series (0 for empty ones). Throws
// std::invalid_argument on a length mismatch.
double rmse(std::span<const double> a, std::span<const double> b);

// The first step (< steps) at which the two rasters' sets of spiking neurons differ, or nullopt
// when they agree on every step. The rasters may list a step's neurons in any order.
std::optional<uint64_t> first_divergence_step(const Raster& a, const Raster& b, uint64_t steps);

// Whole-network spike-train agreement of `test` with `reference`.
struct RasterAgreement {
  double coincidence = 0;                    // mean Gamma over neurons that spiked in either raster
  uint32_t coincidence_neurons = 0;          // neurons entering that mean (Gamma defined)
  double vp_distance = 0;                    // mean Victor-Purpura distance per neuron (all neurons)
  double vp_normalized = 0;                  // total VP distance / total spikes of both rasters (0..1 for cost >= 2)
  std::optional<uint64_t> first_divergence;  // first step whose spikes differ
  uint64_t reference_spikes = 0, test_spikes = 0;
};

RasterAgreement compare_rasters(const Raster& reference, const Raster& test, uint32_t neurons, uint64_t steps,
                                uint64_t window_steps, double vp_cost_per_step);

}  // namespace hrsnn::study
