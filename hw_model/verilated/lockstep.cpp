#include "hw_model/verilated/lockstep.hpp"

#include <fmt/core.h>

#include <chrono>
#include <string_view>
#include <vector>

namespace hrsnn::rtl {

std::string Divergence::describe() const {
  return fmt::format("first divergence at step {}: {}, field {}: expected {}, actual {} (fixed core vs RTL)", step,
                     where, field, expected, actual);
}

namespace {

std::string neuron_name(const Network& net, uint32_t i) {
  return fmt::format("neuron {} ({})", i, net.populations[net.population_of[i]].name);
}

}  // namespace

std::optional<Divergence> compare_cores(const Network& net, const fixed::FixedSimulator& ref, const RtlCore& rtl) {
  const uint64_t step = ref.time() - 1;
  auto diff = [&](std::string where, std::string_view field, int64_t expected, int64_t actual) {
    return Divergence{step, std::move(where), std::string(field), expected, actual};
  };

  // Spikes: the lists are ascending; the first neuron present in one and not the other.
  const std::vector<uint32_t>& a = ref.spikes_this_step();
  const std::vector<uint32_t>& b = rtl.spikes_this_step();
  for (size_t k = 0; k < a.size() || k < b.size(); ++k) {
    if (k < a.size() && k < b.size() && a[k] == b[k]) continue;
    const uint32_t ia = k < a.size() ? a[k] : UINT32_MAX;
    const uint32_t ib = k < b.size() ? b[k] : UINT32_MAX;
    const uint32_t i = ia < ib ? ia : ib;
    return diff(neuron_name(net, i), "spike", ia == i ? 1 : 0, ib == i ? 1 : 0);
  }

  // Neuron state and traces.
  const auto& lif = ref.lif_state();
  for (uint32_t i = 0; i < net.size(); ++i) {
    const fixed::LifState s = rtl.lif_state(i);
    if (lif[i].u != s.u) return diff(neuron_name(net, i), "u", lif[i].u, s.u);
    if (lif[i].v != s.v) return diff(neuron_name(net, i), "v", lif[i].v, s.v);
    if (lif[i].ref_count != s.ref_count) return diff(neuron_name(net, i), "ref_count", lif[i].ref_count, s.ref_count);
    if (ref.x()[i] != rtl.x(i)) return diff(neuron_name(net, i), "x", ref.x()[i], rtl.x(i));
    if (ref.y()[i] != rtl.y(i)) return diff(neuron_name(net, i), "y", ref.y()[i], rtl.y(i));
  }

  // Weights (every synapse, plastic or not: a static weight must never change either).
  for (size_t p = 0; p < net.projections.size(); ++p) {
    const Projection& pr = net.projections[p];
    for (uint32_t lj = 0; lj < pr.pre_size; ++lj) {
      for (uint64_t s = pr.row_offset[lj]; s < pr.row_offset[lj + 1]; ++s) {
        const int32_t w_ref = ref.weight(p, s), w_rtl = rtl.weight(p, s);
        if (w_ref != w_rtl)
          return diff(fmt::format("projection {} synapse {} ({} -> {})", pr.name, s, pr.pre_first + lj, pr.post[s]),
                      "weight", w_ref, w_rtl);
      }
    }
  }

  // PRNG streams.
  if (ref.soma_prng() != rtl.soma_prng()) return diff("core", "prng_soma", ref.soma_prng(), rtl.soma_prng());
  if (ref.trace_prng() != rtl.trace_prng()) return diff("core", "prng_trace", ref.trace_prng(), rtl.trace_prng());
  if (ref.synapse_prng() != rtl.synapse_prng())
    return diff("core", "prng_synapse", ref.synapse_prng(), rtl.synapse_prng());

  // Event counters (totals since step 0).
  const EventCounts& ce = ref.counts().total;
  const EventCounts ca = rtl.counts();
  std::optional<Divergence> out;
  std::vector<std::pair<std::string_view, uint64_t>> actual;
  for_each_count(ca, [&](std::string_view name, uint64_t value) { actual.emplace_back(name, value); });
  size_t f = 0;
  for_each_count(ce, [&](std::string_view name, uint64_t value) {
    if (!out && actual[f].second != value)
      out = diff("counters", name, static_cast<int64_t>(value), static_cast<int64_t>(actual[f].second));
    ++f;
  });
  return out;
}

LockstepResult run_lockstep(const Network& net, const fixed::RegisterImage& image, const InputSignal* signal,
                            uint64_t steps, const LockstepOptions& options) {
  using Clock = std::chrono::steady_clock;
  SimOptions sim;
  sim.record_spikes = false;
  fixed::FixedSimulator ref(net, image, signal, sim);
  RtlCore rtl(net, image, signal);
  if (options.prepare) options.prepare(rtl);
  if (!options.vcd_path.empty()) rtl.open_vcd(options.vcd_path);

  LockstepResult result;
  result.profile = rtl.profile();
  for (uint64_t t = 0; t < steps; ++t) {
    const auto t0 = Clock::now();
    ref.step();
    const auto t1 = Clock::now();
    rtl.step();
    const auto t2 = Clock::now();
    result.fixed_seconds += std::chrono::duration<double>(t1 - t0).count();
    result.rtl_seconds += std::chrono::duration<double>(t2 - t1).count();
    result.divergence = compare_cores(net, ref, rtl);
    if (result.divergence) break;
    result.steps = t + 1;
    if (options.on_step) options.on_step(ref, rtl);
    if (options.progress && (result.steps % options.progress_every == 0 || result.steps == steps))
      options.progress(result.steps, steps);
  }
  if (options.finish) options.finish(ref, rtl);
  result.counts = rtl.counts();
  result.cycles = rtl.step_cycles();
  rtl.close_vcd();
  return result;
}

std::string describe(const LockstepResult& r) {
  if (r.divergence) return r.divergence->describe();
  return fmt::format("identical for {} steps: {} spikes, {} weight updates, {} synaptic events", r.steps,
                     r.counts.spikes, r.counts.plastic_updates, r.counts.synaptic_events);
}

}  // namespace hrsnn::rtl
