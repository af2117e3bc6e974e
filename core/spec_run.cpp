#include "core/spec_run.hpp"

#include "core/input.hpp"
#include "core/resources.hpp"

#include <fmt/core.h>

#include <stdexcept>

namespace hrsnn {

void check_probe_ids(const Network& net, const std::vector<uint32_t>& probes) {
  for (uint32_t id : probes)
    if (id >= net.size())
      throw std::invalid_argument(
          fmt::format("probe: neuron {} out of range (network has {} neurons)", id, net.size()));
}

SpecRun run_spec_summarized(const NetworkSpec& spec_in, RunOptions options) {
  SpecRun r{with_overrides(spec_in, options), {}, {}, {}};
  if (!options.hardware) options.hardware = r.spec.hardware;
  check_run_resources(r.spec, r.spec.simulation.steps, options.sim, memory_limit());
  r.net = build_network(r.spec);
  check_probe_ids(r.net, options.sim.probes);
  const InputSignal signal = make_spec_signal(r.spec, r.spec.simulation.steps);
  r.result = run_network(r.net, signal, r.spec.simulation.steps, options);
  r.summary = run_summary(r.spec, r.net, r.result);
  return r;
}

}  // namespace hrsnn
