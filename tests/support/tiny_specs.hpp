// Tiny network specs shared by several tests, each written out once. A test whose network is its
// own (a golden, a delay line, a spec whose error lines are asserted) keeps its text beside it.
#pragma once

#include <fmt/core.h>

#include <cstdint>
#include <optional>
#include <string>

namespace hrsnn::test {

// Two-population spec used by several tests: a pre population driving a post population.
inline std::string pair_spec(const std::string& extra_projection = "", const std::string& lif = "") {
  return R"(
[simulation]
dt_ms = 1.0
steps = 100
seed = 7
[[populations]]
name = "Pre"
size = 1
v_thresh = 100.0
t_ref_steps = 10000
)" + lif +
         R"(
[[populations]]
name = "Post"
size = 1
v_thresh = 100.0
t_ref_steps = 10000
)" + lif +
         R"(
[[projections]]
name = "PP"
pre = "Pre"
post = "Post"
p = 1.0
weight = 0.5
)" + extra_projection;
}

// One neuron "N" and nothing else (no input, no projections): the analytic tests of the float
// core and the representability tests of quantize(). Keys left empty are not written (the
// spec's defaults apply); every value is printed in its shortest exact form.
struct OneNeuron {
  double tau_mem_ms = 20.0;
  double tau_syn_ms = 5.0;
  double v_thresh = 1.0;
  std::optional<double> v_reset;
  std::optional<double> bias;
  std::optional<uint32_t> t_ref_steps;
  std::optional<uint64_t> seed;
};

inline std::string one_neuron_spec(const OneNeuron& n) {
  std::string s = "\n[simulation]\ndt_ms = 1.0\n";
  if (n.seed) s += fmt::format("seed = {}\n", *n.seed);
  s += fmt::format("[[populations]]\nname = \"N\"\nsize = 1\ntau_mem_ms = {}\ntau_syn_ms = {}\nv_thresh = {}\n",
                   n.tau_mem_ms, n.tau_syn_ms, n.v_thresh);
  if (n.v_reset) s += fmt::format("v_reset = {}\n", *n.v_reset);
  if (n.bias) s += fmt::format("bias = {}\n", *n.bias);
  if (n.t_ref_steps) s += fmt::format("t_ref_steps = {}\n", *n.t_ref_steps);
  return s;
}

// 48 E + 12 I neurons, heterogeneous tau_mem, STDP on E->E, current input, a [hardware] table:
// the quantization sweep's network (tests/study/test_quant_sweep.cpp, `hrsnn quantize` in
// tests/tools/).
inline constexpr const char* kSweepSpec = R"(
[simulation]
dt_ms = 1.0
steps = 200
seed = 1

[[populations]]
name = "E"
size = 48
kind = "excitatory"
tau_mem_ms = { dist = "gamma", mean = 20.0, cv = 0.5, min = 2.0, max = 200.0 }
tau_syn_ms = 5.0
t_ref_steps = 2

[[populations]]
name = "I"
size = 12
kind = "inhibitory"
tau_mem_ms = { dist = "gamma", mean = 10.0, cv = 0.5, min = 1.0, max = 100.0 }
tau_syn_ms = 5.0
t_ref_steps = 1

[[projections]]
name = "EE"
pre = "E"
post = "E"
p = 0.3
weight = { dist = "uniform", low = 0.0, high = 0.1 }
[projections.stdp]
eta_plus = { dist = "lognormal", mean = 2.0e-3, cv = 0.5 }
eta_minus = { dist = "lognormal", mean = 2.4e-3, cv = 0.5 }
tau_plus_ms = 20.0
tau_minus_ms = 20.0
w_min = 0.0
w_max = 0.2

[[projections]]
name = "EI"
pre = "E"
post = "I"
p = 0.3
weight = { dist = "uniform", low = 0.0, high = 0.1 }

[[projections]]
name = "IE"
pre = "I"
post = "E"
p = 0.3
weight = { dist = "uniform", low = 0.0, high = 0.2 }

[input]
encoder = "current"
fraction = 0.5
weight = { dist = "uniform", low = 0.0, high = 0.1 }
steps_per_sample = 5
signal = "uniform"

[hardware]
lr_mant_bits = 8
trace_scale = 16.0
)";

}  // namespace hrsnn::test
