// hrsnn neuron: probe one neuron step by step and print CSV step,u,v,spike (step from 0).
// --arith float takes physical parameters; the external input of a step is added to a in
// that same step (no delay).
#include "core/float_sim.hpp"
#include "core/network.hpp"
#include "tools/cli_util.hpp"
#include "tools/command.hpp"

#include <fmt/core.h>

#include <map>

namespace hrsnn::cli {
namespace {

struct NeuronArgs {
  std::string arith = "float";
  double dt_ms = 1.0, tau_mem_ms = 20.0, tau_syn_ms = 5.0, v_thresh = 1.0, v_reset = 0.0, bias = 0.0;
  uint32_t t_ref_steps = 0;
  uint64_t steps = 100;
  std::string input;
};

// One neuron, no synapses: the same simulator as a whole network, so the probe shows exactly
// what the network simulates.
Network single_neuron(const NeuronArgs& a) {
  Network net;
  net.dt_ms = a.dt_ms;
  net.populations.push_back({"probe", 0, 1, PopulationKind::Excitatory});
  net.population_of = {0};
  net.du = {decay_factor(a.dt_ms, a.tau_syn_ms)};
  net.dv = {decay_factor(a.dt_ms, a.tau_mem_ms)};
  net.v_thresh = {a.v_thresh};
  net.v_reset = {a.v_reset};
  net.bias = {a.bias};
  net.t_ref_steps = {a.t_ref_steps};
  net.dx = {0.0};
  net.dy = {0.0};
  net.has_x = {0};
  net.has_y = {0};
  net.input.offset = {0, 0};
  return net;
}

void neuron_float(const NeuronArgs& a) {
  if (!(a.v_reset < a.v_thresh))
    throw std::invalid_argument(fmt::format("--v-reset ({}) must be below --v-thresh ({})", a.v_reset, a.v_thresh));
  std::map<uint64_t, double> input;
  for (auto [step, value] : parse_step_values("--input", a.input)) input[step] += value;
  const Network net = single_neuron(a);
  SimOptions options;
  options.record_spikes = false;
  FloatSimulator<double> sim(net, nullptr, options);
  fmt::print("step,u,v,spike\n");
  for (uint64_t t = 0; t < a.steps; ++t) {
    if (auto it = input.find(t); it != input.end()) sim.external_input()[0] = it->second;
    sim.step();
    const bool spike = !sim.spikes_this_step().empty();
    fmt::print("{},{:.17g},{:.17g},{}\n", t, sim.u()[0], sim.v()[0], spike ? 1 : 0);
  }
}

const RegisterCommand reg{[](CLI::App& app) {
  auto a = std::make_shared<NeuronArgs>();
  CLI::App* sub = app.add_subcommand("neuron", "Probe one neuron step by step (CSV step,u,v,spike)");
  sub->add_option("--arith", a->arith, "Arithmetic")->check(CLI::IsMember({"float", "float64"}));
  sub->add_option("--dt-ms", a->dt_ms, "Time step (ms)")->check(CLI::PositiveNumber);
  sub->add_option("--tau-mem-ms", a->tau_mem_ms, "Membrane time constant (ms)")->check(CLI::PositiveNumber);
  sub->add_option("--tau-syn-ms", a->tau_syn_ms, "Synaptic time constant (ms)")->check(CLI::PositiveNumber);
  sub->add_option("--v-thresh", a->v_thresh, "Threshold (spike if v > v_thresh)");
  sub->add_option("--v-reset", a->v_reset, "Reset value");
  sub->add_option("--bias", a->bias, "Bias added to v every step");
  sub->add_option("--t-ref-steps", a->t_ref_steps, "Refractory steps");
  sub->add_option("--steps", a->steps, "Number of steps")->check(CLI::PositiveNumber);
  sub->add_option("--input", a->input, "External input \"STEP:VALUE,...\" added to a at that step");
  sub->callback([a] { neuron_float(*a); });
}};

}  // namespace
}  // namespace hrsnn::cli
