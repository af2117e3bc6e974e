// Tests of optimize/design.hpp: Sobol points against published values and the net property,
// Latin hypercube stratification, determinism from the seed.
#include "optimize/design.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <set>
#include <vector>

using hrsnn::opt::latin_hypercube;
using hrsnn::opt::Points;
using hrsnn::opt::sobol_points;
using hrsnn::opt::SobolSequence;

TEST_CASE("The first eight unscrambled Sobol points in three dimensions are the published ones", "[design][sobol]") {
  // Joe & Kuo direction numbers, Gray-code order (as e.g. SciPy's Sobol(d=3, scramble=False)).
  const Points expected = {{0.0, 0.0, 0.0},       {0.5, 0.5, 0.5},       {0.75, 0.25, 0.25},    {0.25, 0.75, 0.75},
                           {0.375, 0.375, 0.625}, {0.875, 0.875, 0.125}, {0.625, 0.125, 0.875}, {0.125, 0.625, 0.375}};
  const Points points = sobol_points(3, 8, 0, false);
  REQUIRE(points.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    for (std::size_t d = 0; d < 3; ++d) CHECK(points[i][d] == expected[i][d]);
  }
}

TEST_CASE("Sobol point 1 is 0.5 and point 2 follows m_2 of each Joe-Kuo row in every dimension", "[design][sobol]") {
  const SobolSequence sobol(SobolSequence::kMaxDims);
  const std::vector<double> p1 = sobol.at(1);
  for (double v : p1) CHECK(v == 0.5);
  // x_2 = v_1 xor v_2 = 0.5 xor m_2 / 4: m_2 = 1 gives 0.75, m_2 = 3 gives 0.25. From the table:
  // dimension 1 has m_2 = 1, dimension 2 (s = 1) m_2 = 3, then the rows' second m.
  const std::vector<int> m2 = {1, 3, 3, 3, 1, 1, 3, 1, 1, 1, 1, 1, 3, 3, 1, 3,
                               1, 3, 1, 3, 3, 1, 3, 3, 3, 1, 3, 1, 3, 1, 3, 3};
  const std::vector<double> p2 = sobol.at(2);
  for (std::size_t d = 0; d < SobolSequence::kMaxDims; ++d) {
    INFO("dimension " << d + 1);
    CHECK(p2[d] == (m2[d] == 1 ? 0.75 : 0.25));
  }
}

TEST_CASE("The first 2^m Sobol points put one point in each 1/2^m interval of every coordinate", "[design][sobol]") {
  for (const bool scramble : {false, true}) {
    const Points points = sobol_points(SobolSequence::kMaxDims, 1024, 7, scramble);
    for (int m = 1; m <= 10; ++m) {
      const std::size_t n = std::size_t{1} << m;
      for (std::size_t d = 0; d < SobolSequence::kMaxDims; ++d) {
        std::set<long> bins;
        for (std::size_t i = 0; i < n; ++i)
          bins.insert(static_cast<long>(std::floor(points[i][d] * static_cast<double>(n))));
        INFO("scramble " << scramble << ", m = " << m << ", dimension " << d + 1);
        CHECK(bins.size() == n);
      }
    }
  }
}

TEST_CASE("The first two Sobol coordinates form a (0, m, 2)-net: one point per elementary box", "[design][sobol]") {
  const int m = 8;
  const std::size_t n = std::size_t{1} << m;
  const Points points = sobol_points(2, n, 0, false);
  for (int a = 0; a <= m; ++a) {
    const double cells_x = std::ldexp(1.0, a), cells_y = std::ldexp(1.0, m - a);
    std::set<std::pair<long, long>> boxes;
    for (const auto& p : points) {
      boxes.emplace(static_cast<long>(std::floor(p[0] * cells_x)), static_cast<long>(std::floor(p[1] * cells_y)));
    }
    INFO("boxes 2^-" << a << " x 2^-" << m - a);
    CHECK(boxes.size() == n);
  }
}

TEST_CASE("Scrambled Sobol points are a pure function of the seed", "[design][sobol]") {
  CHECK(sobol_points(5, 16, 42) == sobol_points(5, 16, 42));
  CHECK(sobol_points(5, 16, 42) != sobol_points(5, 16, 43));
  CHECK(sobol_points(5, 16, 42)[0] != std::vector<double>(5, 0.0));
  CHECK_THROWS_AS(SobolSequence(0), std::invalid_argument);
  CHECK_THROWS_AS(SobolSequence(SobolSequence::kMaxDims + 1), std::invalid_argument);
}

TEST_CASE("A Latin hypercube puts exactly one point in each of the n strata of every coordinate", "[design][lhs]") {
  const std::size_t n = 37, dims = 6;
  const Points points = latin_hypercube(dims, n, 3);
  REQUIRE(points.size() == n);
  for (std::size_t d = 0; d < dims; ++d) {
    std::set<long> strata;
    for (const auto& p : points) {
      CHECK(p[d] >= 0.0);
      CHECK(p[d] < 1.0);
      strata.insert(static_cast<long>(std::floor(p[d] * static_cast<double>(n))));
    }
    CHECK(strata.size() == n);
  }
  CHECK(latin_hypercube(dims, n, 3) == points);
  CHECK(latin_hypercube(dims, n, 4) != points);
}
