// Paired statistics of the claims (study/claims.hpp): Student's t against tabulated values, the
// paired t-test and sign test on constructed data, and the verdict rules.
#include "study/claims.hpp"

#include <catch2/catch.hpp>

#include <vector>

using namespace hrsnn::study;

TEST_CASE("Student's t CDF matches tabulated quantiles", "[study][claims]") {
  // Two-sided 95% critical values: t(4) = 2.776445, t(9) = 2.262157; one-sided 95%: t(4) = 2.131847.
  CHECK(student_t_cdf(2.776445, 4) == Approx(0.975).margin(1e-6));
  CHECK(student_t_cdf(2.262157, 9) == Approx(0.975).margin(1e-6));
  CHECK(student_t_cdf(2.131847, 4) == Approx(0.95).margin(1e-6));
  CHECK(student_t_cdf(0.0, 3) == Approx(0.5));
  CHECK(student_t_cdf(-2.131847, 4) == Approx(0.05).margin(1e-6));
  // One degree of freedom is the Cauchy distribution: F(1) = 3/4.
  CHECK(student_t_cdf(1.0, 1) == Approx(0.75).margin(1e-12));
  CHECK(student_t_quantile(0.95, 4) == Approx(2.131847).margin(1e-5));
  CHECK(incomplete_beta(2.0, 3.0, 0.4) == Approx(0.5248).margin(1e-12));  // 1 - (0.6^4 + 4 * 0.4 * 0.6^3)
}

TEST_CASE("the paired t-test works on the per-seed differences", "[study][claims]") {
  const std::vector<double> a = {1.2, 1.5, 1.1, 1.4, 1.3};
  const std::vector<double> b = {1.0, 1.1, 1.0, 1.1, 1.0};
  // Differences 0.2 0.4 0.1 0.3 0.3: mean 0.26, sd 0.1140175, t = 0.26 / (0.1140175 / sqrt 5) = 5.0990.
  const PairedStats s = paired_stats(a, b, Direction::greater);
  CHECK(s.n == 5);
  CHECK(s.mean_diff == Approx(0.26));
  CHECK(s.sd_diff == Approx(0.1140175).epsilon(1e-6));
  CHECK(s.t == Approx(5.0990195).epsilon(1e-6));
  CHECK(s.p_one_sided == Approx(1.0 - student_t_cdf(5.0990195, 4)).epsilon(1e-6));
  CHECK(s.p_one_sided < 0.01);
  CHECK(s.agree == 5);
  CHECK(s.sign_p == Approx(1.0 / 32.0));
  CHECK(s.bound95 == Approx(0.26 - 2.131847 * 0.1140175 / std::sqrt(5.0)).epsilon(1e-5));
  CHECK(directional_verdict(s) == "holds");
  // The opposite claim on the same data fails.
  const PairedStats r = paired_stats(a, b, Direction::less);
  CHECK(r.p_one_sided > 0.99);
  CHECK(directional_verdict(r) == "fails");
  // Noise around zero is inconclusive.
  const PairedStats z =
      paired_stats(std::vector<double>{1, 2, 3, 4}, std::vector<double>{1.1, 1.9, 3.2, 3.9}, Direction::greater);
  CHECK(directional_verdict(z) == "inconclusive");
}

TEST_CASE("identical differences give a certain verdict, and a single pair none", "[study][claims]") {
  const PairedStats s = paired_stats(std::vector<double>{2, 3, 4}, std::vector<double>{1, 2, 3}, Direction::greater);
  CHECK(s.p_one_sided == 0.0);
  CHECK(directional_verdict(s) == "holds");
  const PairedStats one = paired_stats(std::vector<double>{2}, std::vector<double>{1}, Direction::greater);
  CHECK(directional_verdict(one) == "inconclusive");
  CHECK_THROWS(paired_stats(std::vector<double>{1, 2}, std::vector<double>{1}, Direction::less));
}
