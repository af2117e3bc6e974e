// The study layer's deterministic random numbers: xoshiro256** (Blackman & Vigna 2018)
// seeded through SplitMix64. Kept separate from core/ so the study's generators can be
// swapped to the project-wide generator by changing this one header; the member names
// (next_u64, uniform, below) are the ones the rest of study/ relies on.
//
// No std::*_distribution anywhere in study/: their output differs between standard
// libraries, and a task generated from a seed must be the same series everywhere.
#pragma once

#include <cstdint>

namespace hrsnn::study {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) {
    std::uint64_t x = seed;
    for (auto& word : state_) word = splitmix64_next(x);
  }

  std::uint64_t next_u64() {
    const std::uint64_t result = rotate_left(state_[1] * 5U, 7) * 9U;
    const std::uint64_t t = state_[1] << 17U;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotate_left(state_[3], 45);
    return result;
  }

  // Uniform on [0, 1): the top 53 bits scaled by 2^-53, exact in a double.
  double uniform() { return static_cast<double>(next_u64() >> 11U) * 0x1.0p-53; }

  // Uniform on [low, high).
  double uniform(double low, double high) { return low + (high - low) * uniform(); }

  // Unbiased integer in [0, n) by rejection on the largest multiple of n below 2^64; n > 0.
  std::uint64_t below(std::uint64_t n) {
    const std::uint64_t limit = UINT64_MAX - (UINT64_MAX % n);  // values >= limit are rejected
    std::uint64_t x = next_u64();
    while (x >= limit) x = next_u64();
    return x % n;
  }

 private:
  static std::uint64_t rotate_left(std::uint64_t x, int k) {
    return (x << static_cast<unsigned>(k)) | (x >> static_cast<unsigned>(64 - k));
  }
  // SplitMix64 (Steele, Lea & Flood 2014): spreads any seed, including 0, over the state.
  static std::uint64_t splitmix64_next(std::uint64_t& x) {
    x += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = x;
    z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31U);
  }

  std::uint64_t state_[4];
};

}  // namespace hrsnn::study
