// Space-filling designs in the unit cube [0, 1)^d: the initial design of a Bayesian
// optimization run and the candidate sets its acquisition search starts from. Every design
// is a pure function of (dims, n, seed), so a resumed run rebuilds exactly the same points.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hrsnn::opt {

// One point per entry, each of the same dimension.
using Points = std::vector<std::vector<double>>;

// The id of an independent random stream for one purpose in one round (and slot within the
// round). Randomness in a run is always drawn from Rng(seed, derive_stream(...)), never from a
// stream advanced by earlier evaluations, so a resumed run makes exactly the same draws.
uint64_t derive_stream(std::string_view purpose, uint64_t round, uint64_t slot = 0);

// Sobol low-discrepancy sequence: Bratley & Fox (1988) Gray-code construction with the
// Joe & Kuo (2008) "new-joe-kuo-6.21201" direction numbers, 32-bit resolution (2^32 points).
// Unscrambled, point 0 is the origin and the first 2^m points of every coordinate fall one in
// each interval [k / 2^m, (k + 1) / 2^m). Scrambled by a random digital shift (XOR of a
// per-dimension random word), which keeps that stratification and moves the origin.
class SobolSequence {
 public:
  static constexpr std::size_t kMaxDims = 32;
  static constexpr int kBits = 32;

  // Throws std::invalid_argument for dims == 0 or dims > kMaxDims.
  explicit SobolSequence(std::size_t dims);
  SobolSequence(std::size_t dims, uint64_t shift_seed);

  std::size_t dims() const { return dims_; }
  bool scrambled() const { return scrambled_; }

  // The point with this index in Gray-code order (random access, no state).
  std::vector<double> at(uint64_t index) const;

 private:
  std::size_t dims_;
  bool scrambled_ = false;
  std::vector<uint32_t> directions_;  // dims_ * kBits direction words v[d][k] * 2^32
  std::vector<uint32_t> shift_;       // per-dimension digital shift (0 when unscrambled)
};

// The first n Sobol points (scrambled by a digital shift derived from seed when scramble).
Points sobol_points(std::size_t dims, std::size_t n, uint64_t seed, bool scramble = true);

// Latin hypercube (McKay, Beckman & Conover 1979): each coordinate puts exactly one point in
// each of the n strata [k / n, (k + 1) / n), at a uniform position within it.
Points latin_hypercube(std::size_t dims, std::size_t n, uint64_t seed);

// Independent uniform points (the random-search baseline draws its proposals this way).
Points uniform_points(std::size_t dims, std::size_t n, uint64_t seed, uint64_t stream);

enum class DesignKind { sobol, latin_hypercube, uniform };

DesignKind parse_design_kind(std::string_view name);  // "sobol", "lhs", "uniform"; throws
std::string to_string(DesignKind kind);

// The initial design of a run: n points of the given kind, a pure function of the arguments.
Points initial_design(DesignKind kind, std::size_t dims, std::size_t n, uint64_t seed);

}  // namespace hrsnn::opt
