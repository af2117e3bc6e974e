// Threads in one simulation (SimOptions::threads, core/partition.hpp): every result is
// bit-identical for every thread count, in float64, float32 and fixed (serial and counter PRNG
// forms), with learning on and frozen, on a network with delays 1-3 and Poisson input.
#include "core/backend.hpp"
#include "core/foundation/step_team.hpp"
#include "core/input.hpp"
#include "core/network.hpp"
#include "core/partition.hpp"
#include "core/spec.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <string>
#include <vector>

using namespace hrsnn;

namespace {
// 150 neurons in three populations; plastic E->E (delay 1) and E->I (delay 3, mixed signs via a
// negative lower bound), static I->E (delay 2) and I->I; heterogeneous tau_mem and learning rates.
std::string spec_text(const std::string& encoder) {
  return R"(
[simulation]
dt_ms = 1.0
steps = 500
seed = 7
[[populations]]
name = "E"
size = 90
tau_mem_ms = { dist = "gamma", mean = 20.0, cv = 0.5, min = 2.0, max = 200.0 }
tau_syn_ms = { dist = "gamma", mean = 10.0, cv = 0.5, min = 1.0, max = 100.0 }
t_ref_steps = 2
[[populations]]
name = "E2"
size = 30
tau_mem_ms = 15.0
[[populations]]
name = "I"
size = 30
kind = "inhibitory"
tau_mem_ms = 10.0
[[projections]]
name = "EE"
pre = "E"
post = "E"
p = 0.2
weight = { dist = "uniform", low = 0.0, high = 0.04 }
[projections.stdp]
eta_plus = { dist = "lognormal", mean = 1e-3, cv = 0.5 }
eta_minus = { dist = "lognormal", mean = 1.2e-3, cv = 0.5 }
tau_plus_ms = { dist = "gamma", mean = 20.0, cv = 0.3, min = 2.0, max = 100.0 }
tau_minus_ms = 20.0
w_min = 0.0
w_max = 0.08
[[projections]]
name = "EE2"
pre = "E"
post = "E2"
p = 0.3
weight = { dist = "uniform", low = 0.0, high = 0.04 }
delay_steps = 3
[projections.stdp]
eta_plus = 1e-3
eta_minus = 1e-3
tau_plus_ms = { dist = "gamma", mean = 20.0, cv = 0.3, min = 2.0, max = 100.0 }
tau_minus_ms = 25.0
w_min = 0.0
w_max = 0.08
[[projections]]
name = "EI"
pre = "E"
post = "I"
connect = "in_degree"
in_degree = 20
weight = 0.03
[[projections]]
name = "IE"
pre = "I"
post = "E"
p = 0.3
weight = { dist = "uniform", low = 0.0, high = 0.08 }
delay_steps = 2
[input]
encoder = ")" +
         encoder + R"("
fraction = 0.6
weight = { dist = "uniform", low = 0.0, high = 0.4 }
steps_per_sample = 3
signal = "uniform"
)";
}

struct Snapshot {
  uint64_t hash = 0;
  uint64_t spikes = 0;
  EventCounts total;
  std::vector<EventCounts> per_population;
  std::vector<std::vector<double>> weights;
  std::vector<double> probe_u, probe_v;
};

Snapshot run(const NetworkSpec& spec, Arith arith, const HardwareSpec& hw, uint32_t threads, uint64_t steps) {
  const Network net = build_network(spec);
  const InputSignal signal = make_spec_signal(spec, steps);
  SimOptions opt;
  opt.threads = threads;
  opt.probes = {0, 45, 89, 100, 149};
  return with_simulator(arith, net, &signal, hw, opt, [&](auto& sim, const fixed::RegisterImage*) {
    // Learning for the first 2/3 of the steps, frozen after (the static path of a plastic row).
    for (uint64_t k = 0; k < steps; ++k) {
      if (k == steps * 2 / 3) sim.set_plasticity(false);
      sim.step();
    }
    Snapshot s;
    s.hash = sim.raster().hash();
    s.spikes = sim.raster().size();
    s.total = sim.counts().total;
    s.per_population = sim.counts().per_population;
    for (size_t p = 0; p < net.projections.size(); ++p) {
      const auto w = sim.weights(p);
      s.weights.emplace_back(w.begin(), w.end());
    }
    s.probe_u = sim.probes().u;
    s.probe_v = sim.probes().v;
    return s;
  });
}

void check_same(const Snapshot& a, const Snapshot& b) {
  CHECK(a.hash == b.hash);
  CHECK(a.spikes == b.spikes);
  CHECK(a.total == b.total);
  CHECK(a.per_population == b.per_population);
  CHECK(a.weights == b.weights);
  CHECK(a.probe_u == b.probe_u);
  CHECK(a.probe_v == b.probe_v);
}
}  // namespace

TEST_CASE("StepTeam runs every member once per run and its barrier orders the phases", "[threads]") {
  for (unsigned size : {1U, 2U, 3U, 7U}) {
    StepTeam team(size);
    std::vector<int> phase_a(size, 0), seen(size, 0);
    for (int round = 0; round < 50; ++round) {
      team.run([&](unsigned k) {
        phase_a[k] = round + 1;
        team.barrier();
        int sum = 0;  // every member's first phase is done before any reads it
        for (unsigned m = 0; m < size; ++m) sum += phase_a[m] == round + 1 ? 1 : 0;
        seen[k] = sum;
        team.barrier();
      });
      for (unsigned k = 0; k < size; ++k) REQUIRE(seen[k] == static_cast<int>(size));
    }
  }
}

TEST_CASE("the partition covers the neurons in order, splits every row at its bounds and stores them member-major",
          "[threads]") {
  const NetworkSpec spec = parse_spec(spec_text("poisson"), "threads");
  const Network net = build_network(spec);
  for (unsigned parts : {1U, 2U, 3U, 7U, 200U}) {
    const NeuronPartition part = partition_network(net, parts);
    REQUIRE(part.parts() == parts);
    CHECK(part.bound.front() == 0u);
    CHECK(part.bound.back() == net.size());
    for (unsigned k = 0; k < parts; ++k) CHECK(part.bound[k] <= part.bound[k + 1]);
    if (parts == 1) continue;
    for (size_t p = 0; p < net.projections.size(); ++p) {
      const Projection& pr = net.projections[p];
      for (uint32_t j = 0; j < pr.pre_size; ++j) {
        CHECK(part.row_begin(p, j, 0) == pr.row_offset[j]);
        CHECK(part.row_begin(p, j, parts) == pr.row_offset[j + 1]);
        for (unsigned k = 0; k < parts; ++k)
          for (uint64_t s = part.row_begin(p, j, k); s < part.row_begin(p, j, k + 1); ++s) {
            CHECK(pr.post[s] >= part.bound[k]);
            CHECK(pr.post[s] < part.bound[k + 1]);
          }
      }
      // The stored order: a permutation in which member k's slice of row j sits at
      // slices(k)[j] .. slices(k)[j + 1], in row order, and position() finds every synapse.
      const std::vector<uint32_t>& order = part.order[p];
      REQUIRE(order.size() == pr.post.size());
      std::vector<char> seen(order.size(), 0);
      uint64_t expect_start = 0;
      for (unsigned k = 0; k < parts; ++k) {
        const uint64_t* slice = part.slices(pr, p, k);
        CHECK(slice[0] == expect_start);
        for (uint32_t j = 0; j < pr.pre_size; ++j) {
          REQUIRE(slice[j + 1] - slice[j] == part.row_begin(p, j, k + 1) - part.row_begin(p, j, k));
          for (uint64_t q = slice[j]; q < slice[j + 1]; ++q) {
            const uint64_t s = part.row_begin(p, j, k) + (q - slice[j]);
            CHECK(order[q] == s);
            CHECK(part.position(pr, p, s) == q);
            seen[order[q]] = 1;
          }
        }
        expect_start = slice[pr.pre_size];
      }
      CHECK(expect_start == order.size());
      CHECK(std::count(seen.begin(), seen.end(), 1) == static_cast<std::ptrdiff_t>(seen.size()));
    }
  }
}

TEST_CASE("float64 and float32 results are bit-identical for 1, 2, 3 and 7 threads", "[threads]") {
  for (const char* encoder : {"current", "poisson"}) {
    const NetworkSpec spec = parse_spec(spec_text(encoder), "threads");
    for (Arith arith : {Arith::Float64, Arith::Float32}) {
      const Snapshot one = run(spec, arith, spec.hardware, 1, 450);
      REQUIRE(one.spikes > 500);
      for (uint32_t threads : {2U, 3U, 7U}) {
        INFO(encoder << " arith " << static_cast<int>(arith) << " threads " << threads);
        check_same(one, run(spec, arith, spec.hardware, threads, 450));
      }
    }
  }
}

TEST_CASE("fixed-core results are bit-identical for 1, 2, 3 and 7 threads, serial and counter draws", "[threads]") {
  const NetworkSpec spec = parse_spec(spec_text("poisson"), "threads");
  HardwareSpec serial = spec.hardware;
  serial.format.decay_rounding = fixed::Rounding::stochastic;  // every stream drawn
  HardwareSpec counter = serial;
  counter.format.prng = fixed::PrngForm::counter;
  HardwareSpec loihi = spec.hardware;  // deterministic decay: the neuron phase shared even when serial
  for (const HardwareSpec* hw : {&serial, &counter, &loihi}) {
    const Snapshot one = run(spec, Arith::Fixed, *hw, 1, 450);
    REQUIRE(one.spikes > 500);
    for (uint32_t threads : {2U, 3U, 7U}) {
      INFO("prng " << fixed::to_string(hw->format.prng) << " decay " << fixed::to_string(hw->format.decay_rounding)
                   << " threads " << threads);
      check_same(one, run(spec, Arith::Fixed, *hw, threads, 450));
    }
  }
  // The counter form draws other numbers than the serial one: a different (valid) trajectory.
  CHECK(run(spec, Arith::Fixed, serial, 1, 450).hash != run(spec, Arith::Fixed, counter, 1, 450).hash);
}
