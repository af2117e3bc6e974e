// Twin: hw_model/rtl/prng_next.v. The hardware PRNG of the fixed-point core: Marsaglia's
// 32-bit xorshift (shifts 13, 17, 5; period 2^32 - 1 over the non-zero states), one XOR-shift
// network per draw, cheap in gates and exactly reproducible in C++ and Verilog.
//
// A draw advances the state and returns the NEW state as the 32-bit random word; datapath
// functions slice the bits they need from it (docs/arithmetic.md §5). The core keeps one
// independent stream per consumer (PrngStream), each seeded from the 64-bit spec seed by
// prng_seed(); the order in which the network-level core consumes draws is fixed in
// docs/arithmetic.md §5.
#pragma once

#include <cstdint>

namespace hrsnn::fixed {

// The xorshift32 state transition. 0 is a fixed point (never a seed: prng_seed avoids it).
constexpr uint32_t prng_next(uint32_t state) {
  state ^= state << 13;
  state ^= state >> 17;
  state ^= state << 5;
  return state;
}

// The independent streams of one core, after Loihi's per-purpose PRNG seeds (somaRandom,
// stdpPre/PostRandom, synapseRepackRandom in nengo-loihi's hardware builder).
enum class PrngStream : uint32_t {
  soma = 1,     // stochastic u/v decay rounding (lif_update)
  trace = 2,    // trace decay and impulse-fraction rounding (trace_update)
  synapse = 3,  // weight rounding (weight_update)
};

// SplitMix64's output mix (Steele, Lea & Flood 2014): a bijection on 64-bit words.
constexpr uint64_t prng_mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Initial state of `stream` for the spec seed:
//   z = mix64(seed + stream * 0x9E3779B97F4A7C15)   (mod 2^64)
//   state = low32(z) XOR high32(z), or 0x6A09E667 if that is 0.
// The RTL never seeds itself: the state registers are loaded with this value.
constexpr uint32_t prng_seed(uint64_t seed, PrngStream stream) {
  const uint64_t z = prng_mix64(seed + static_cast<uint64_t>(stream) * 0x9E3779B97F4A7C15ULL);
  const auto state = static_cast<uint32_t>(z ^ (z >> 32));
  return state != 0 ? state : 0x6A09E667U;
}

// ---- the counter form (HardwareFormat::prng = counter; docs/arithmetic.md §5) ----
// A draw is a hash of the stream's key (prng_seed's value), the step and an index, so no draw
// depends on another and the work of one step can be shared out in any order. The mixer is a
// 32-bit xorshift-multiply finalizer (shifts 16, 15, 15; odd multipliers 0x21F0AAAD and
// 0x735A2D97, from C. Wellons' hash-prospector search): two multipliers and three XOR-shifts.
constexpr uint32_t prng_mix32(uint32_t x) {
  x ^= x >> 16;
  x *= 0x21F0AAADU;
  x ^= x >> 15;
  x *= 0x735A2D97U;
  x ^= x >> 15;
  return x;
}

// The key of step t: mix32(key XOR mix32(high32(t)) XOR low32(t)), computed once per step.
constexpr uint32_t prng_step_key(uint32_t key, uint64_t t) {
  return prng_mix32(key ^ prng_mix32(static_cast<uint32_t>(t >> 32)) ^ static_cast<uint32_t>(t));
}

// The draw for `index` in the step whose key is `step_key`: mix32(step_key XOR index). Indices:
// soma, neuron i; trace, 2i for x and 2i + 1 for y; synapse, the global synapse id.
constexpr uint32_t prng_counter_draw(uint32_t step_key, uint32_t index) { return prng_mix32(step_key ^ index); }

// One stream: draw() advances and returns the new state.
class Prng {
 public:
  constexpr explicit Prng(uint32_t state) : state_(state) {}
  constexpr Prng(uint64_t seed, PrngStream stream) : state_(prng_seed(seed, stream)) {}
  constexpr uint32_t draw() {
    state_ = prng_next(state_);
    return state_;
  }
  constexpr uint32_t state() const { return state_; }

 private:
  uint32_t state_;
};

}  // namespace hrsnn::fixed
