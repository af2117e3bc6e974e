// The project's one random generator: xoshiro256** (Blackman & Vigna 2018) seeded through
// SplitMix64, with its own sampling algorithms (the network builder, the input encoders, the
// study's tasks and readouts, the BO designs all draw from it). std::*_distribution is never used: its output
// differs between standard libraries, and a co-design tool must build the same network
// everywhere from the same spec and seed.
#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>

namespace hrsnn {

// SplitMix64 step: the seeding function recommended for the xoshiro family.
inline uint64_t splitmix64(uint64_t& state) {
  state += 0x9E3779B97F4A7C15ULL;
  uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// FNV-1a over a name, to derive independent named streams ("connect/EE", "lif/E/tau_mem_ms").
constexpr uint64_t hash_name(std::string_view name) {
  uint64_t h = 0xCBF29CE484222325ULL;
  for (char c : name) {
    h ^= static_cast<uint8_t>(c);
    h *= 0x100000001B3ULL;
  }
  return h;
}

class Rng {
 public:
  // A stream is identified by (seed, stream id); distinct ids give statistically independent
  // streams, so adding a population or a projection never shifts the draws of another.
  explicit Rng(uint64_t seed, uint64_t stream = 0) {
    uint64_t sm = seed ^ (stream * 0xD1B54A32D192ED03ULL);
    for (auto& word : s_) word = splitmix64(sm);
  }
  Rng(uint64_t seed, std::string_view stream_name) : Rng(seed, hash_name(stream_name)) {}

  uint64_t next_u64() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  // Uniform in (0, 1): never 0, safe for log().
  double uniform_open() { return (static_cast<double>(next_u64() >> 12) + 0.5) * 0x1.0p-52; }
  double uniform(double low, double high) { return low + (high - low) * uniform(); }
  bool bernoulli(double p) { return uniform() < p; }

  // Unbiased integer in [0, n) (Lemire 2019, multiply and reject).
  uint64_t below(uint64_t n) {
    unsigned __int128 m = static_cast<unsigned __int128>(next_u64()) * n;
    auto low = static_cast<uint64_t>(m);
    if (low < n) {
      const uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<unsigned __int128>(next_u64()) * n;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }

  // Unbiased integer in [0, n), n > 0, by rejection on the largest multiple of n below 2^64,
  // then modulo: the study layer's draw (task series, ESN wiring, shuffles) since its first
  // version. It gives other values than below(), so the study's numbers stay what they were.
  uint64_t below_by_rejection(uint64_t n) {
    const uint64_t limit = UINT64_MAX - (UINT64_MAX % n);  // values >= limit are rejected
    uint64_t x = next_u64();
    while (x >= limit) x = next_u64();
    return x % n;
  }

  // Standard normal by the Marsaglia polar method (no cached second value, so the stream
  // position depends only on the number of calls).
  double normal() {
    for (;;) {
      const double x = 2.0 * uniform() - 1.0;
      const double y = 2.0 * uniform() - 1.0;
      const double r2 = x * x + y * y;
      if (r2 > 0.0 && r2 < 1.0) return x * std::sqrt(-2.0 * std::log(r2) / r2);
    }
  }

  // Gamma(shape, 1) by Marsaglia & Tsang (2000); shape < 1 through the boost u^(1/shape).
  double gamma(double shape) {
    if (shape < 1.0) {
      const double boost = std::pow(uniform_open(), 1.0 / shape);
      return gamma(shape + 1.0) * boost;
    }
    const double d = shape - 1.0 / 3.0;
    const double c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
      double x = 0.0, v = 0.0;
      do {
        x = normal();
        v = 1.0 + c * x;
      } while (v <= 0.0);
      v = v * v * v;
      const double u = uniform_open();
      if (u < 1.0 - 0.0331 * (x * x) * (x * x)) return d * v;
      if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
    }
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace hrsnn
