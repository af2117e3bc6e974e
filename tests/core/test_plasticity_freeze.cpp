// Freezing plasticity (set_plasticity(false)), the measurement phase of a trained network: the
// weights stay as learned, spikes still deliver them, and nothing of the learning engine runs
// (no trace or weight updates, no draws from the fixed core's trace and synapse streams). A
// network frozen from its first step is the same network without STDP, spike for spike.
#include "core/fixed/fixed_sim.hpp"
#include "core/fixed/quantize.hpp"
#include "core/float_sim.hpp"
#include "core/input.hpp"
#include "core/network.hpp"
#include "core/spec.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace hrsnn;

namespace {

NetworkSpec small_hrsnn() { return load_spec(std::string(HRSNN_SOURCE_DIR) + "/examples/hrsnn_small.toml"); }

size_t plastic_projection(const Network& net) {
  for (size_t p = 0; p < net.projections.size(); ++p)
    if (net.projections[p].plastic) return p;
  FAIL("the example has no plastic projection");
  return 0;
}

}  // namespace

TEMPLATE_TEST_CASE("a frozen float network keeps its learned weights and updates no trace", "[plasticity]", double,
                   float) {
  const NetworkSpec spec = small_hrsnn();
  const Network net = build_network(spec);
  const InputSignal signal = make_spec_signal(spec, 3000);
  FloatSimulator<TestType> sim(net, &signal);
  const size_t p = plastic_projection(net);
  sim.run(1500);  // learning
  const std::vector<TestType> learned = sim.weights(p);
  CHECK(learned != std::vector<TestType>(net.projections[p].weight.begin(), net.projections[p].weight.end()));
  const EventCounts before = sim.counts().total;
  const std::vector<TestType> x = sim.x(), y = sim.y();
  sim.set_plasticity(false);
  sim.run(1500);  // measurement
  const EventCounts after = sim.counts().total;
  CHECK(sim.weights(p) == learned);
  CHECK(sim.x() == x);
  CHECK(sim.y() == y);
  CHECK(after.plastic_updates == before.plastic_updates);
  CHECK(after.weight_writes == before.weight_writes);
  CHECK(after.trace_updates == before.trace_updates);
  CHECK(after.spikes > before.spikes);
  CHECK(after.synaptic_events > before.synaptic_events);
}

TEST_CASE("a float network frozen from its first step is the network without STDP, spike for spike", "[plasticity]") {
  NetworkSpec plastic = small_hrsnn();
  NetworkSpec fixed_weights = plastic;
  for (auto& pr : fixed_weights.projections) pr.stdp.reset();
  const Network a = build_network(plastic), b = build_network(fixed_weights);
  const size_t p = plastic_projection(a);
  REQUIRE(a.projections[p].weight == b.projections[p].weight);
  const InputSignal signal = make_spec_signal(plastic, 2000);
  FloatSimulator<double> frozen(a, &signal), static_net(b, &signal);
  frozen.set_plasticity(false);
  frozen.run(2000);
  static_net.run(2000);
  REQUIRE(frozen.raster().size() > 0);
  CHECK(frozen.raster().hash() == static_net.raster().hash());
  CHECK(frozen.counts().total.synaptic_events == static_net.counts().total.synaptic_events);
  CHECK(frozen.counts().total.plastic_updates == 0);
}

TEST_CASE("a frozen fixed-point network keeps its weights and traces and draws nothing for learning",
          "[plasticity][fixed]") {
  const NetworkSpec spec = small_hrsnn();
  const Network net = build_network(spec);
  const fixed::RegisterImage image = fixed::quantize(net, spec.hardware);
  const InputSignal signal = make_spec_signal(spec, 3000);
  fixed::FixedSimulator sim(net, image, &signal);
  const size_t p = plastic_projection(net);
  const std::vector<int32_t> initial = sim.weights(p);
  sim.run(1500);
  const std::vector<int32_t> learned = sim.weights(p);
  CHECK(learned != initial);
  const EventCounts before = sim.counts().total;
  const std::vector<uint32_t> x = sim.x(), y = sim.y();
  const uint32_t trace_stream = sim.trace_prng(), synapse_stream = sim.synapse_prng();
  sim.set_plasticity(false);
  sim.run(1500);
  const EventCounts after = sim.counts().total;
  CHECK(sim.weights(p) == learned);
  CHECK(sim.x() == x);
  CHECK(sim.y() == y);
  CHECK(sim.trace_prng() == trace_stream);
  CHECK(sim.synapse_prng() == synapse_stream);
  CHECK(after.plastic_updates == before.plastic_updates);
  CHECK(after.trace_updates == before.trace_updates);
  CHECK(after.spikes > before.spikes);
  // Learning back on resumes from the frozen state.
  sim.set_plasticity(true);
  sim.run(500);
  CHECK(sim.counts().total.plastic_updates > after.plastic_updates);
}
