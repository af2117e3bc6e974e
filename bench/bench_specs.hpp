// Network specs shared by the float and fixed benchmarks, so that both simulate the same network.
#pragma once

#include <fmt/core.h>

#include <cstdint>
#include <string>

namespace hrsnn::bench {

// N neurons, each driven by a bias to fire periodically (about `period` steps), recurrent p,
// tiny weights so activity is set by the bias and the events/s figure is the propagation cost.
// With stdp, every synapse is plastic (pair STDP, weights bounded by [0, 2e-5]).
inline std::string driven_spec(uint32_t n, double p, bool stdp, double period_bias) {
  std::string s = fmt::format(R"(
[simulation]
dt_ms = 1.0
seed = 5
[[populations]]
name = "E"
size = {}
tau_mem_ms = {{ dist = "gamma", mean = 20.0, cv = 0.5, min = 2.0, max = 200.0 }}
bias = {{ dist = "uniform", low = {}, high = {} }}
[[projections]]
name = "EE"
pre = "E"
post = "E"
p = {}
weight = {{ dist = "uniform", low = 0.0, high = 2e-5 }}
)",
                              n, period_bias * 0.9, period_bias * 1.1, p);
  if (stdp) s += "[projections.stdp]\neta_plus = 1e-8\neta_minus = 1e-8\nw_min = 0.0\nw_max = 2e-5\n";
  return s;
}

}  // namespace hrsnn::bench
