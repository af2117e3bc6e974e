// The recording layer both simulators call: the raster in step order, probes every k steps,
// counts totalled and kept per step on request; the raster hash is the golden guard.
#include "core/foundation/recording.hpp"

#include <catch2/catch.hpp>

using namespace hrsnn;

TEST_CASE("the recorder keeps the raster, samples probes every k steps and totals the counts") {
  SimOptions opt;
  opt.probes = {1, 3};
  opt.probe_every = 2;
  opt.per_step_counts = true;
  Recorder rec(opt);
  RunCounts counts;
  const std::vector<double> u = {0.0, 1.5, 0.0, -2.0}, v = {0.0, 0.25, 0.0, 0.75};
  for (uint64_t t = 0; t < 3; ++t) {
    EventCounts step;
    step.spikes = t;
    rec.record(
        t, t == 1 ? std::vector<uint32_t>{0, 2} : std::vector<uint32_t>{}, [&](uint32_t i) { return u[i]; },
        [&](uint32_t i) { return v[i]; }, step, counts);
  }
  CHECK(rec.raster().step == std::vector<uint64_t>{1, 1});
  CHECK(rec.raster().neuron == std::vector<uint32_t>{0, 2});
  CHECK(rec.probes().step == std::vector<uint64_t>{0, 2});
  CHECK(rec.probes().u == std::vector<double>{1.5, -2.0, 1.5, -2.0});
  CHECK(counts.total.spikes == 3);
  CHECK(counts.per_step.size() == 3);
}

TEST_CASE("the raster hash is FNV-1a over the (step, neuron) pairs as 64-bit little-endian words") {
  Raster r;
  CHECK(r.hash() == 0xCBF29CE484222325ULL);  // the FNV offset basis: no pair mixed in
  r.step = {1};
  r.neuron = {2};
  uint64_t h = 0xCBF29CE484222325ULL;
  for (uint64_t word : {uint64_t{1}, uint64_t{2}})
    for (int b = 0; b < 8; ++b) {
      h ^= (word >> (8 * b)) & 0xFF;
      h *= 0x100000001B3ULL;
    }
  CHECK(r.hash() == h);
}
