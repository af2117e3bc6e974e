// hrsnn neuron: probe one neuron step by step and print CSV step,u,v,spike (step from 0).
// --arith float takes physical parameters; --arith fixed takes register values (du, dv, vth,
// bias mantissa and exponent, refractory) and integer dendritic inputs a. The input of a step
// is added to a in that same step (no delay). Both run the network simulators themselves on
// a one-neuron network, so the probe shows exactly what a network simulates.
#include "core/fixed/fixed_sim.hpp"
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
  // --arith fixed: registers
  std::string profile = "loihi";
  int64_t du = 0, dv = 0, vth = 0, bias_mant = 0, bias_exp = 0, refractory = 0;
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

void neuron_fixed(const NeuronArgs& a) {
  const fixed::HardwareProfile* prof = fixed::find_hardware_profile(a.profile);
  if (!prof) throw std::invalid_argument(fmt::format("--profile: unknown hardware profile '{}'", a.profile));
  const fixed::HardwareFormat& fmt = prof->format;
  auto check = [](const char* option, int64_t value, int64_t lo, int64_t hi) {
    if (value < lo || value > hi)
      throw std::invalid_argument(fmt::format("{} = {} is out of range (allowed: [{}, {}])", option, value, lo, hi));
  };
  const int64_t decay_max = fixed::pow2(fmt.decay_bits) - 1;
  check("--du", a.du, 0, decay_max);
  check("--dv", a.dv, 0, decay_max);
  check("--vth", a.vth, 0, fixed::pow2(fmt.vth_bits) - 1);
  check("--bias-mant", a.bias_mant, -fixed::pow2(fmt.bias_mant_bits - 1), fixed::pow2(fmt.bias_mant_bits - 1) - 1);
  check("--bias-exp", a.bias_exp, 0, fixed::pow2(fmt.bias_exp_bits) - 1);
  check("--refractory", a.refractory, 0, fixed::pow2(fmt.ref_bits) - 1);
  std::map<uint64_t, int64_t> input;
  for (auto [step, value] : parse_step_ints("--input", a.input)) input[step] += value;
  const int64_t a_lim = fixed::pow2(fmt.a_bits - 1);
  for (auto [step, value] : input)
    if (value < -a_lim || value >= a_lim)
      throw std::invalid_argument(
          fmt::format("--input: a = {} at step {} is outside the {}-bit dendritic input "
                      "(allowed: [{}, {}])",
                      value, step, fmt.a_bits, -a_lim, a_lim - 1));
  NeuronArgs physical = a;
  physical.v_thresh = 1.0;
  const Network net = single_neuron(physical);
  fixed::RegisterImage image;
  image.format = fmt;
  image.voltage_scale = 1.0;
  image.trace_scale = 1.0;
  fixed::LifParams p;
  p.du = static_cast<uint32_t>(a.du);
  p.dv = static_cast<uint32_t>(a.dv);
  p.vth = static_cast<uint32_t>(a.vth);
  p.bias_mant = static_cast<int32_t>(a.bias_mant);
  p.bias_exp = static_cast<uint32_t>(a.bias_exp);
  p.t_ref = static_cast<uint32_t>(a.refractory);
  image.lif = {p};
  image.dx = {0};
  image.dy = {0};
  image.has_x = {0};
  image.has_y = {0};
  SimOptions options;
  options.record_spikes = false;
  fixed::FixedSimulator sim(net, image, nullptr, options);
  fmt::print("step,u,v,spike\n");
  for (uint64_t t = 0; t < a.steps; ++t) {
    if (auto it = input.find(t); it != input.end()) sim.external_input()[0] = static_cast<int32_t>(it->second);
    sim.step();
    const bool spike = !sim.spikes_this_step().empty();
    fmt::print("{},{},{},{}\n", t, sim.lif_state()[0].u, sim.lif_state()[0].v, spike ? 1 : 0);
  }
}

const RegisterCommand reg{[](CLI::App& app) {
  auto a = std::make_shared<NeuronArgs>();
  CLI::App* sub = app.add_subcommand("neuron", "Probe one neuron step by step (CSV step,u,v,spike)");
  sub->add_option("--arith", a->arith, "Arithmetic: float (physical parameters) or fixed (registers)")
      ->check(CLI::IsMember({"float", "float64", "fixed"}));
  sub->add_option("--profile", a->profile, "fixed: hardware profile (loihi, narrow)");
  sub->add_option("--du", a->du, "fixed: current decay register (Loihi adds 1)");
  sub->add_option("--dv", a->dv, "fixed: voltage decay register");
  sub->add_option("--vth", a->vth, "fixed: threshold mantissa (spike if v > vth << 6)");
  sub->add_option("--bias-mant", a->bias_mant, "fixed: bias mantissa");
  sub->add_option("--bias-exp", a->bias_exp, "fixed: bias exponent");
  sub->add_option("--refractory", a->refractory, "fixed: refractory steps (v held at 0)");
  sub->add_option("--dt-ms", a->dt_ms, "Time step (ms)")->check(CLI::PositiveNumber);
  sub->add_option("--tau-mem-ms", a->tau_mem_ms, "Membrane time constant (ms)")->check(CLI::PositiveNumber);
  sub->add_option("--tau-syn-ms", a->tau_syn_ms, "Synaptic time constant (ms)")->check(CLI::PositiveNumber);
  sub->add_option("--v-thresh", a->v_thresh, "Threshold (spike if v > v_thresh)");
  sub->add_option("--v-reset", a->v_reset, "Reset value");
  sub->add_option("--bias", a->bias, "Bias added to v every step");
  sub->add_option("--t-ref-steps", a->t_ref_steps, "Refractory steps");
  sub->add_option("--steps", a->steps, "Number of steps");
  sub->add_option("--input", a->input,
                  "External input \"STEP:VALUE,...\" added to a at that step (fixed: integer dendritic input a)");
  sub->callback([a] {
    if (a->arith == "fixed")
      neuron_fixed(*a);
    else
      neuron_float(*a);
  });
}};

}  // namespace
}  // namespace hrsnn::cli
