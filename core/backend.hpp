// The one place a backend is chosen: `hrsnn run`, the study's reservoirs and the quantization
// sweep all build their simulator here, so every arithmetic is set up (quantized, optioned)
// the same way wherever a network is simulated.
#pragma once

#include "core/fixed/fixed_sim.hpp"
#include "core/fixed/quantize.hpp"
#include "core/float_sim.hpp"
#include "core/foundation/recording.hpp"
#include "core/network.hpp"
#include "core/spec.hpp"

#include <stdexcept>
#include <string>

namespace hrsnn {

enum class Arith { Float64, Float32, Fixed };
Arith parse_arith(const std::string& name);  // "float" | "float64" | "float32" | "fixed"
const char* to_string(Arith arith);

// Builds the simulator of `arith` for `net` fed by `signal` (may be null) and returns
// fn(sim, image): image is the register image the fixed core runs (null for the float
// backends). The fixed core's image comes from quantize(net, hardware), which throws for a
// network the format cannot represent.
template <typename Fn>
decltype(auto) with_simulator(Arith arith, const Network& net, const InputSignal* signal, const HardwareSpec& hardware,
                              const SimOptions& options, Fn&& fn) {
  switch (arith) {
    case Arith::Float64: {
      FloatSimulator<double> sim(net, signal, options);
      return fn(sim, static_cast<const fixed::RegisterImage*>(nullptr));
    }
    case Arith::Float32: {
      FloatSimulator<float> sim(net, signal, options);
      return fn(sim, static_cast<const fixed::RegisterImage*>(nullptr));
    }
    case Arith::Fixed: {
      const fixed::RegisterImage image = fixed::quantize(net, hardware);
      fixed::FixedSimulator sim(net, image, signal, options);
      return fn(sim, &image);
    }
  }
  throw std::logic_error("with_simulator: unknown arithmetic");
}

}  // namespace hrsnn
