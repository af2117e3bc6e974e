#include "core/input.hpp"

#include "core/resources.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace hrsnn {

InputSignal make_spec_signal(const NetworkSpec& spec, uint64_t steps) {
  const InputSpec& in = spec.input;
  InputSignal sig;
  sig.channels = in.channels;
  if (in.signal == SignalKind::None) return sig;
  check_run_resources(spec, steps, SimOptions{}, memory_limit());
  const uint64_t samples = (steps + in.steps_per_sample - 1) / in.steps_per_sample;
  sig.values.resize(samples * in.channels);
  Rng rng(spec.simulation.seed, "input/signal");
  for (uint64_t k = 0; k < samples; ++k) {
    for (uint32_t c = 0; c < in.channels; ++c) {
      double x = 0.0;
      switch (in.signal) {
        case SignalKind::Uniform: x = rng.uniform(in.signal_low, in.signal_high); break;
        case SignalKind::Sine: {
          const double phase =
              2.0 * std::numbers::pi *
              (static_cast<double>(k) / in.signal_period_samples + static_cast<double>(c) / in.channels);
          x = in.signal_low + (in.signal_high - in.signal_low) * 0.5 * (1.0 + std::sin(phase));
          break;
        }
        case SignalKind::Constant: x = in.signal_high; break;
        case SignalKind::None: break;
      }
      sig.values[k * in.channels + c] = x;
    }
  }
  return sig;
}

InputEncoder::InputEncoder(const InputWiring& wiring, const InputSignal* signal, uint64_t seed)
    : wiring_(wiring), signal_(signal), rng_(seed, "input/encoder"), reference_(wiring.channels, 0.0) {}

bool InputEncoder::drive(uint64_t t, std::vector<double>& out) {
  if (!signal_ || signal_->values.empty()) return false;
  const uint64_t sample = t / wiring_.steps_per_sample;
  if (sample >= signal_->samples()) return false;
  out.assign(wiring_.channels, 0.0);
  switch (wiring_.encoder) {
    case EncoderKind::Current:
      for (uint32_t c = 0; c < wiring_.channels; ++c) out[c] = signal_->at(sample, c);
      return true;
    case EncoderKind::Poisson: {
      // Input value 1 maps to rate_max_hz; values are clamped to [0, 1].
      const double p_max = wiring_.rate_max_hz * 1e-3 * wiring_.dt_ms;  // spike probability per step
      bool any = false;
      for (uint32_t c = 0; c < wiring_.channels; ++c) {
        const double p = std::clamp(signal_->at(sample, c), 0.0, 1.0) * p_max;
        if (rng_.uniform() < p) {
          out[c] = 1.0;
          ++input_spikes_;
          any = true;
        }
      }
      return any;
    }
    case EncoderKind::Delta: {
      bool any = false;
      const double thr = wiring_.delta_threshold;
      for (uint32_t c = 0; c < wiring_.channels; ++c) {
        const double x = signal_->at(sample, c);
        if (x - reference_[c] >= thr) {
          reference_[c] += thr;
          out[c] = 1.0;
        } else if (reference_[c] - x >= thr) {
          reference_[c] -= thr;
          out[c] = -1.0;
        } else {
          continue;
        }
        ++input_spikes_;
        any = true;
      }
      return any;
    }
  }
  return false;
}

}  // namespace hrsnn
