#include "optimize/design.hpp"

#include "core/foundation/random.hpp"

#include <fmt/core.h>

#include <array>
#include <numeric>
#include <stdexcept>

namespace hrsnn::opt {

namespace {

// Joe & Kuo (2008), file new-joe-kuo-6.21201, dimensions 2..32: degree s of the primitive
// polynomial, its coefficients a (s - 1 bits, highest first) and the initial m_1..m_s.
// Dimension 1 is the van der Corput sequence (all m_k = 1) and needs no row.
struct DirectionRow {
  int s;
  uint32_t a;
  std::array<uint32_t, 7> m;
};

constexpr std::array<DirectionRow, SobolSequence::kMaxDims - 1> kJoeKuo = {{
    {1, 0, {1}},
    {2, 1, {1, 3}},
    {3, 1, {1, 3, 1}},
    {3, 2, {1, 1, 1}},
    {4, 1, {1, 1, 3, 3}},
    {4, 4, {1, 3, 5, 13}},
    {5, 2, {1, 1, 5, 5, 17}},
    {5, 4, {1, 1, 5, 5, 5}},
    {5, 7, {1, 1, 7, 11, 19}},
    {5, 11, {1, 1, 5, 1, 1}},
    {5, 13, {1, 1, 1, 3, 11}},
    {5, 14, {1, 3, 5, 5, 31}},
    {6, 1, {1, 3, 3, 9, 7, 49}},
    {6, 13, {1, 1, 1, 15, 21, 21}},
    {6, 16, {1, 3, 1, 13, 27, 49}},
    {6, 19, {1, 1, 1, 15, 7, 5}},
    {6, 22, {1, 3, 1, 15, 13, 25}},
    {6, 25, {1, 1, 5, 5, 19, 61}},
    {7, 1, {1, 3, 7, 11, 23, 15, 103}},
    {7, 4, {1, 3, 7, 13, 13, 15, 69}},
    {7, 7, {1, 1, 3, 13, 7, 35, 63}},
    {7, 8, {1, 3, 5, 9, 1, 25, 53}},
    {7, 14, {1, 3, 1, 13, 9, 35, 107}},
    {7, 19, {1, 3, 1, 5, 27, 61, 31}},
    {7, 21, {1, 1, 5, 11, 19, 41, 61}},
    {7, 28, {1, 3, 5, 3, 3, 13, 69}},
    {7, 31, {1, 1, 7, 13, 1, 19, 1}},
    {7, 32, {1, 3, 7, 5, 13, 19, 59}},
    {7, 37, {1, 1, 3, 9, 25, 29, 41}},
    {7, 41, {1, 3, 5, 13, 23, 1, 55}},
    {7, 42, {1, 3, 7, 3, 13, 59, 17}},
}};

constexpr double kTwoToMinus32 = 0x1.0p-32;

}  // namespace

uint64_t derive_stream(std::string_view purpose, uint64_t round, uint64_t slot) {
  uint64_t state = hash_name(purpose);
  state ^= splitmix64(state) + round;
  state ^= splitmix64(state) + slot;
  return splitmix64(state);
}

SobolSequence::SobolSequence(std::size_t dims) : dims_(dims) {
  if (dims == 0 || dims > kMaxDims) {
    throw std::invalid_argument(
        fmt::format("Sobol sequence: {} dimensions requested, supported 1..{}", dims, kMaxDims));
  }
  constexpr auto bits = static_cast<std::size_t>(kBits);
  directions_.assign(dims_ * bits, 0);
  shift_.assign(dims_, 0);
  for (std::size_t k = 0; k < bits; ++k) directions_[k] = uint32_t{1} << (kBits - 1 - static_cast<int>(k));
  for (std::size_t d = 1; d < dims_; ++d) {
    const DirectionRow& row = kJoeKuo[d - 1];
    const auto s = static_cast<std::size_t>(row.s);
    uint32_t* v = &directions_[d * bits];
    for (std::size_t k = 0; k < s; ++k) v[k] = row.m[k] << (kBits - 1 - static_cast<int>(k));
    // m_k = 2 a_1 m_{k-1} ^ 4 a_2 m_{k-2} ^ ... ^ 2^s m_{k-s} ^ m_{k-s}, in scaled form.
    for (std::size_t k = s; k < bits; ++k) {
      uint32_t value = v[k - s] ^ (v[k - s] >> s);
      for (std::size_t j = 1; j < s; ++j) {
        if ((row.a >> (s - 1 - j)) & 1U) value ^= v[k - j];
      }
      v[k] = value;
    }
  }
}

SobolSequence::SobolSequence(std::size_t dims, uint64_t shift_seed) : SobolSequence(dims) {
  scrambled_ = true;
  Rng rng(shift_seed, derive_stream("sobol/digital-shift", 0));
  for (auto& word : shift_) word = static_cast<uint32_t>(rng.next_u64() >> 32);
}

std::vector<double> SobolSequence::at(uint64_t index) const {
  if (index >> kBits) {
    throw std::out_of_range(fmt::format("Sobol sequence: index {} beyond 2^32", index));
  }
  const uint64_t gray = index ^ (index >> 1);
  constexpr auto bits = static_cast<std::size_t>(kBits);
  std::vector<double> point(dims_);
  for (std::size_t d = 0; d < dims_; ++d) {
    uint32_t word = shift_[d];
    for (std::size_t k = 0; k < bits; ++k) {
      if ((gray >> k) & 1U) word ^= directions_[d * bits + k];
    }
    point[d] = static_cast<double>(word) * kTwoToMinus32;
  }
  return point;
}

Points sobol_points(std::size_t dims, std::size_t n, uint64_t seed, bool scramble) {
  const SobolSequence sequence = scramble ? SobolSequence(dims, seed) : SobolSequence(dims);
  Points points;
  points.reserve(n);
  for (std::size_t i = 0; i < n; ++i) points.push_back(sequence.at(i));
  return points;
}

Points latin_hypercube(std::size_t dims, std::size_t n, uint64_t seed) {
  Points points(n, std::vector<double>(dims));
  if (n == 0) return points;
  Rng rng(seed, derive_stream("design/latin-hypercube", 0));
  std::vector<std::size_t> strata(n);
  const double width = 1.0 / static_cast<double>(n);
  for (std::size_t d = 0; d < dims; ++d) {
    std::iota(strata.begin(), strata.end(), std::size_t{0});
    // Fisher-Yates shuffle with the project's unbiased bounded draw.
    for (std::size_t i = n - 1; i > 0; --i) {
      const auto j = static_cast<std::size_t>(rng.below(static_cast<uint64_t>(i) + 1));
      std::swap(strata[i], strata[j]);
    }
    for (std::size_t i = 0; i < n; ++i) {
      points[i][d] = (static_cast<double>(strata[i]) + rng.uniform()) * width;
    }
  }
  return points;
}

Points uniform_points(std::size_t dims, std::size_t n, uint64_t seed, uint64_t stream) {
  Rng rng(seed, stream);
  Points points(n, std::vector<double>(dims));
  for (auto& point : points) {
    for (auto& coordinate : point) coordinate = rng.uniform();
  }
  return points;
}

DesignKind parse_design_kind(std::string_view name) {
  if (name == "sobol") return DesignKind::sobol;
  if (name == "lhs" || name == "latin_hypercube") return DesignKind::latin_hypercube;
  if (name == "uniform" || name == "random") return DesignKind::uniform;
  throw std::invalid_argument(fmt::format("unknown design '{}' (allowed: sobol, lhs, uniform)", name));
}

std::string to_string(DesignKind kind) {
  switch (kind) {
    case DesignKind::sobol: return "sobol";
    case DesignKind::latin_hypercube: return "lhs";
    case DesignKind::uniform: return "uniform";
  }
  return "unknown";
}

Points initial_design(DesignKind kind, std::size_t dims, std::size_t n, uint64_t seed) {
  switch (kind) {
    case DesignKind::sobol: return sobol_points(dims, n, seed, true);
    case DesignKind::latin_hypercube: return latin_hypercube(dims, n, seed);
    case DesignKind::uniform: return uniform_points(dims, n, seed, derive_stream("design/uniform", 0));
  }
  throw std::invalid_argument("initial_design: unknown design kind");
}

}  // namespace hrsnn::opt
