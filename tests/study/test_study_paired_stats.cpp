// The statistics behind the claims (study/paired_stats.hpp): the confidence interval and effect
// size against hand-computed values, TOST's verdicts at and inside the margin, power against the
// test's size, a published sample-size table and a simulation, and Holm's adjustment.
#include "study/paired_stats.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

using namespace hrsnn::study;

TEST_CASE("the paired confidence interval and effect size match hand-computed values", "[study][claims]") {
  const std::vector<double> a = {1.2, 1.5, 1.1, 1.4, 1.3};
  const std::vector<double> b = {1.0, 1.1, 1.0, 1.1, 1.0};
  // Differences 0.2 0.4 0.1 0.3 0.3: mean 0.26, sd 0.1140175, se 0.0509902; t_{0.975, 4} = 2.776445.
  const PairedStats s = paired_stats(a, b, Direction::greater, 0.05);
  CHECK(s.ci_low == Approx(0.26 - 2.776445 * 0.0509902).epsilon(1e-5));
  CHECK(s.ci_high == Approx(0.26 + 2.776445 * 0.0509902).epsilon(1e-5));
  CHECK(s.d_z == Approx(0.26 / 0.1140175).epsilon(1e-6));
  CHECK(s.g_z == Approx((1.0 - 3.0 / 15.0) * 0.26 / 0.1140175).epsilon(1e-6));  // J = 1 - 3 / (4 * 4 - 1)
  CHECK(s.relative_diff == Approx(0.26 / 1.04));
  CHECK(s.p_opposite == Approx(1.0 - s.p_one_sided).margin(1e-12));
  // A 90% interval uses t_{0.95, 4} = 2.131847.
  const PairedStats s90 = paired_stats(a, b, Direction::greater, 0.10);
  CHECK(s90.ci_high - s90.ci_low == Approx(2 * 2.131847 * 0.0509902).epsilon(1e-5));
  CHECK(student_t_quantile(0.975, 4) == Approx(2.776445).margin(1e-5));
  CHECK(normal_cdf(1.959964) == Approx(0.975).margin(1e-7));
}

TEST_CASE("TOST: tiny differences are equivalent, a difference of the margin is not", "[study][claims]") {
  const std::vector<double> b = {1, 1, 1, 1, 1};
  {
    const std::vector<double> a = {1.0, 1.000001, 0.999999, 1.0, 1.0000005};
    const EquivalenceStats e = equivalence_test(paired_stats(a, b, Direction::greater), 0.1, 0.05);
    CHECK(e.verdict == "equivalent");
    CHECK(e.p_tost < 1e-6);
    CHECK(e.ci_low > -0.1);
    CHECK(e.ci_high < 0.1);
    CHECK(e.power_at_zero == Approx(1.0).margin(1e-9));
  }
  {
    // Differences centred on the margin: p_upper = P(T <= 0) = 1/2, the interval straddles it.
    const std::vector<double> a = {1.09, 1.11, 1.10, 1.095, 1.105};
    const EquivalenceStats e = equivalence_test(paired_stats(a, b, Direction::greater), 0.1, 0.05);
    CHECK(e.p_upper == Approx(0.5).margin(1e-9));
    CHECK(e.p_tost == Approx(0.5).margin(1e-9));
    CHECK(e.verdict == "inconclusive");
    CHECK(e.n_for_power >= 2);
  }
  {
    // Every difference exactly the margin: certainly not inside the open interval (-delta, delta).
    const std::vector<double> a = {1.5, 1.5, 1.5, 1.5, 1.5};
    const EquivalenceStats e = equivalence_test(paired_stats(a, b, Direction::greater), 0.5, 0.05);
    CHECK(e.p_tost == 1.0);
    CHECK(e.verdict == "different");
  }
  {
    // Differences around 1 with margin 0.1: the 90% interval lies entirely above the margin.
    const std::vector<double> a = {1.9, 2.1, 2.0, 1.95, 2.05};
    const EquivalenceStats e = equivalence_test(paired_stats(a, b, Direction::greater), 0.1, 0.05);
    CHECK(e.ci_low > 0.1);
    CHECK(e.verdict == "different");
  }
  {
    // Equivalence is the (1 - 2 alpha) interval inside the margin: check both ways on one sample.
    const std::vector<double> a = {1.02, 0.97, 1.05, 0.99, 1.01, 0.98};
    const std::vector<double> b6 = {1, 1, 1, 1, 1, 1};
    const PairedStats s = paired_stats(a, b6, Direction::greater);
    for (double delta : {0.01, 0.02, 0.03, 0.04, 0.06}) {
      const EquivalenceStats e = equivalence_test(s, delta, 0.05);
      CHECK((e.p_tost < 0.05) == (e.ci_low > -delta && e.ci_high < delta));
    }
  }
}

TEST_CASE("power: the size at no difference, growth with n, a published sample size", "[study][claims]") {
  // At no difference the one-sided test rejects with probability alpha (the integral is exact).
  CHECK(paired_t_power(0.0, 1.0, 10, 0.05) == Approx(0.05).margin(1e-6));
  CHECK(paired_t_power(0.0, 1.0, 3, 0.05) == Approx(0.05).margin(1e-6));
  double last = 0.0, last_tost = 0.0;
  for (std::size_t n : {3u, 5u, 10u, 20u, 40u, 80u}) {
    const double p = paired_t_power(0.5, 1.0, n, 0.05), q = tost_power(0.0, 1.0, 0.5, n, 0.05);
    CHECK(p > last);
    CHECK(q >= last_tost);
    last = p;
    last_tost = q;
  }
  CHECK(last_tost > 0.9);
  // G*Power (t tests, means, difference from constant / matched pairs), d_z = 0.5, power 0.8:
  // one-tailed alpha 0.05 -> 27 pairs, two-tailed alpha 0.05 -> 34 (the second tail adds ~1e-4).
  CHECK(paired_t_n_for_power(0.5, 1.0, 0.05, 0.8) == 27);
  CHECK(paired_t_n_for_power(0.5, 1.0, 0.025, 0.8) == 34);
  CHECK(paired_t_power(0.5, 1.0, 27, 0.05) >= 0.8);
  CHECK(paired_t_power(0.5, 1.0, 26, 0.05) < 0.8);
  // No difference cannot be detected at any n; a huge effect needs the minimum.
  CHECK(paired_t_n_for_power(0.0, 1.0, 0.05, 0.8) == 0);
  CHECK(paired_t_n_for_power(1e-4, 1.0, 0.05, 0.8, 10000) == 0);
  CHECK(paired_t_n_for_power(100.0, 1.0, 0.05, 0.8) == 2);
  // TOST sample size: the power just reaches 0.8 there.
  const std::size_t n = tost_n_for_power(0.0, 1.0, 0.5, 0.05, 0.8);
  REQUIRE(n > 2);
  CHECK(tost_power(0.0, 1.0, 0.5, n, 0.05) >= 0.8);
  CHECK(tost_power(0.0, 1.0, 0.5, n - 1, 0.05) < 0.8);
  CHECK(tost_n_for_power(0.6, 1.0, 0.5, 0.05, 0.8) == 0);  // a true difference outside the margin
  const PairedStats zero = paired_stats(std::vector<double>{1, 2, 3}, std::vector<double>{1, 2, 3}, Direction::greater);
  CHECK(plan_directional(zero, 0.05, 0.8).direction == "none");
  CHECK(plan_directional(zero, 0.05, 0.8).n_for_power == 0);
}

TEST_CASE("TOST power agrees with a simulation and with its large-sample approximation", "[study][claims]") {
  // 20000 simulated studies of n = 10 normal differences (sd 1, true mean 0.2), margin 0.8.
  const std::size_t n = 10;
  const double delta = 0.8, mu = 0.2, alpha = 0.05;
  std::mt19937_64 gen(15);
  std::normal_distribution<double> normal(mu, 1.0);
  const int reps = 20000;
  int equivalent = 0, detected = 0;
  std::vector<double> d(n), zeros(n, 0.0);
  for (int r = 0; r < reps; ++r) {
    for (double& x : d) x = normal(gen);
    const PairedStats s = paired_stats(d, zeros, Direction::greater);
    // TOST by hand (equivalence_test would also plan sample sizes, too slow for 20000 runs).
    const double se = s.sd_diff / std::sqrt(static_cast<double>(n)), dof = static_cast<double>(n - 1);
    const double p_tost =
        std::max(1.0 - student_t_cdf((s.mean_diff + delta) / se, dof), student_t_cdf((s.mean_diff - delta) / se, dof));
    equivalent += p_tost < alpha;
    detected += s.p_one_sided < alpha;
  }
  // Binomial standard error <= 0.0036: allow about 4 of them.
  CHECK(static_cast<double>(equivalent) / reps == Approx(tost_power(mu, 1.0, delta, n, alpha)).margin(0.015));
  CHECK(static_cast<double>(detected) / reps == Approx(paired_t_power(mu, 1.0, n, alpha)).margin(0.015));
  // At true difference 0 and large n, power ~ 2 T_{n-1}(delta / (sd / sqrt n) - t_{1-alpha, n-1}) - 1.
  const std::size_t m = 60;
  const double t = student_t_quantile(0.95, m - 1.0);
  const double approx = 2.0 * student_t_cdf(0.4 * std::sqrt(static_cast<double>(m)) - t, m - 1.0) - 1.0;
  CHECK(tost_power(0.0, 1.0, 0.4, m, 0.05) == Approx(approx).margin(0.02));
}

TEST_CASE("Holm-Bonferroni adjusts a known list of p-values", "[study][claims]") {
  // Sorted 0.005 0.01 0.03 0.04 times 4 3 2 1 = 0.02 0.03 0.06 0.04, running maximum 0.02 0.03 0.06 0.06.
  const std::vector<double> p = {0.01, 0.04, 0.03, 0.005};
  const std::vector<double> adj = holm_adjust(p);
  REQUIRE(adj.size() == 4);
  CHECK(adj[0] == Approx(0.03));
  CHECK(adj[1] == Approx(0.06));
  CHECK(adj[2] == Approx(0.06));
  CHECK(adj[3] == Approx(0.02));
  CHECK(holm_adjust(std::vector<double>{0.6, 0.7})[0] == 1.0);  // capped
  CHECK(holm_adjust(std::vector<double>{}).empty());
}
