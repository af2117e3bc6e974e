// The instantiated network as JSON ("hrsnn-network/1", docs/cli.md): every per-neuron and
// per-synapse value as simulated by the float reference, so another simulator can rebuild
// exactly the same network.
#pragma once

#include "core/input.hpp"
#include "core/network.hpp"

#include <nlohmann/json.hpp>

namespace hrsnn {

// `signal` (optional) adds the external input as explicit (step, neuron, value) events
// (current-injection encoder only; spike encoders are stochastic and are not exported).
nlohmann::json export_network(const Network& net, const InputSignal* signal, uint64_t steps);

}  // namespace hrsnn
