// External input: the time series a task (or `hrsnn run`) feeds, and the encoders that turn
// it into the per-step drive of each input channel (current, Poisson/rate, send-on-delta).
#pragma once

#include "core/foundation/random.hpp"
#include "core/network.hpp"

#include <cstdint>
#include <vector>

namespace hrsnn {

// samples x channels, row-major; sample k drives steps [k * steps_per_sample, (k+1) * steps_per_sample).
struct InputSignal {
  uint32_t channels = 1;
  std::vector<double> values;

  uint64_t samples() const { return channels ? values.size() / channels : 0; }
  double at(uint64_t sample, uint32_t channel) const { return values[sample * channels + channel]; }
};

// The signal `hrsnn run` uses when the spec asks for one (input.signal), covering `steps`.
InputSignal make_spec_signal(const NetworkSpec& spec, uint64_t steps);

// Per-step channel drive: current = the signal value; poisson = 1 for a spike; delta = +1 / -1
// for an up / down event. Deterministic from the network seed.
class InputEncoder {
 public:
  InputEncoder(const InputWiring& wiring, const InputSignal* signal, uint64_t seed);

  // Fills drive (size channels) for step t; returns false when there is no input at this step
  // (no signal, or the signal has ended), so the caller can skip the fan-out.
  bool drive(uint64_t t, std::vector<double>& drive_out);
  // Number of input spikes emitted so far (poisson / delta).
  uint64_t input_spikes() const { return input_spikes_; }

 private:
  const InputWiring& wiring_;
  const InputSignal* signal_;
  Rng rng_;
  std::vector<double> reference_;  // send-on-delta level per channel
  uint64_t input_spikes_ = 0;
};

}  // namespace hrsnn
