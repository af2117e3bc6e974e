// Paired statistics over seeds: the paired t-test with its confidence interval and effect size,
// the equivalence test by two one-sided tests (TOST), their power and the number of pairs that
// would reach a given power, and Holm-Bonferroni adjustment. docs/study.md ("Statistics") lists
// every quantity with its formula.
//
// Seeds pair the models (the same seed gives the same connectivity, input wiring and task data in
// every variant), so every test is on the per-seed differences d_s = a_s - b_s, assumed i.i.d.
// normal with unknown sd. Power is computed under that model with the true sd taken equal to the
// observed one; it is exact up to a numerical integral over the sample sd (no large-n or
// noncentral-t approximation), see paired_t_power and tost_power.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hrsnn::study {

// Regularized incomplete beta function I_x(a, b), a, b > 0, x in [0, 1] (continued fraction,
// modified Lentz's method).
double incomplete_beta(double a, double b, double x);
// P(T <= t) for Student's t with `dof` > 0 degrees of freedom.
double student_t_cdf(double t, double dof);
// Quantile of Student's t (bisection on the CDF), p in (0, 1).
double student_t_quantile(double p, double dof);
// P(Z <= z) for the standard normal.
double normal_cdf(double z);

enum class Direction { greater, less };  // the claim: a > b, or a < b

struct PairedStats {
  std::size_t n = 0;
  double mean_a = 0, mean_b = 0;
  double mean_diff = 0;      // mean of a - b
  double sd_diff = 0;        // sample standard deviation of a - b
  double t = 0;              // paired t statistic (+-inf when every difference is the same non-zero value)
  double p_one_sided = 1;    // in the claimed direction
  double p_opposite = 1;     // one-sided, in the opposite direction (1 - p_one_sided when the sd is > 0)
  std::size_t agree = 0;     // pairs in the claimed direction
  std::size_t disagree = 0;  // pairs in the opposite direction
  double sign_p = 1;         // exact one-sided sign test
  // One-sided 95% confidence bound of the mean difference on the side opposite the claim
  // (the lower bound for `greater`, the upper bound for `less`).
  double bound95 = 0;
  double alpha = 0.05;  // the level the interval below is for
  // Two-sided (1 - alpha) confidence interval of the mean difference: mean -+ t_{1-alpha/2, n-1} sd / sqrt n.
  double ci_low = 0, ci_high = 0;
  double d_z = 0;  // standardized mean difference of the pairs, mean_diff / sd_diff (+-inf when sd is 0)
  // Hedges' small-sample correction of d_z: g_z = J d_z, J = 1 - 3 / (4 (n - 1) - 1).
  double g_z = 0;
  double relative_diff = 0;  // mean_diff / mean_b (NaN when mean_b is 0)
};

PairedStats paired_stats(std::span<const double> a, std::span<const double> b, Direction direction,
                         double alpha = 0.05);
nlohmann::json to_json(const PairedStats& s);

// "holds" when the claimed direction is significant (one-sided p < alpha), "fails" when the
// opposite direction is, else "inconclusive" (also with fewer than 2 pairs).
std::string directional_verdict(const PairedStats& s, double alpha = 0.05);

// Power of the one-sided paired t-test at level alpha with n pairs when the true mean difference
// in the tested direction is `diff` and the true sd of the differences is `sd`:
//   P(mean / (S / sqrt n) > t_{1-alpha, n-1}) = E_u[ Phi(diff sqrt(n) / sd - t_{1-alpha, n-1} u) ],
// u = S / sd, (n - 1) u^2 ~ chi^2_{n-1}; the expectation is a Simpson integral over u (this is the
// noncentral t probability, computed directly).
double paired_t_power(double diff, double sd, std::size_t n, double alpha);
// Power of TOST with margin delta (equivalent when the (1 - 2 alpha) interval lies inside
// (-delta, delta)) when the true mean difference is `diff`:
//   E_u[ max(0, Phi((delta - diff) sqrt(n) / sd - t u) - Phi((-delta - diff) sqrt(n) / sd + t u)) ],
// t = t_{1-alpha, n-1}, same integral as above.
double tost_power(double diff, double sd, double delta, std::size_t n, double alpha);

// Smallest n in [2, cap] whose power reaches `target` (power taken as increasing in n: doubling,
// then bisection); 0 when even `cap` pairs do not reach it ("not reachable").
std::size_t paired_t_n_for_power(double diff, double sd, double alpha, double target, std::size_t cap = 10000);
std::size_t tost_n_for_power(double diff, double sd, double delta, double alpha, double target,
                             std::size_t cap = 10000);

// For an inconclusive directional test: how many pairs would give power `target` to detect the
// observed mean difference at the observed sd (one-sided paired t at alpha, in the direction the
// difference came out: the claimed one, or the opposite one, which would make the claim fail).
struct PowerPlan {
  double target = 0.8;
  std::string direction;        // "claimed" | "opposite" | "none" (mean difference 0)
  std::size_t n_for_power = 0;  // 0 = not reachable within `cap`
  std::size_t cap = 10000;
};
PowerPlan plan_directional(const PairedStats& s, double alpha, double target, std::size_t cap = 10000);
nlohmann::json to_json(const PowerPlan& p);

// Equivalence of a and b within an absolute margin delta > 0 by two one-sided tests:
//   p_lower = P(T >= (mean + delta) / se) (H0: mean <= -delta), p_upper = P(T <= (mean - delta) / se)
//   (H0: mean >= delta), p_tost = max of the two; "equivalent" when p_tost < alpha (the same as the
//   (1 - 2 alpha) interval lying inside (-delta, delta)), "different" when that interval lies
//   entirely outside (-delta, delta), else "inconclusive".
struct EquivalenceStats {
  double delta = 0;
  double alpha = 0.05;
  double ci_low = 0, ci_high = 0;  // (1 - 2 alpha) interval of the mean difference
  double p_lower = 1, p_upper = 1, p_tost = 1;
  double power_at_zero = 0;      // TOST power at true difference 0, observed sd, this n
  double power_at_observed = 0;  // the same at the observed mean difference
  double target = 0.8;
  std::size_t n_for_power = 0;  // pairs for power `target` at true difference 0 (0 = not reachable)
  std::size_t cap = 10000;
  std::string verdict = "inconclusive";  // "equivalent" | "different" | "inconclusive"
};
EquivalenceStats equivalence_test(const PairedStats& s, double delta, double alpha, double target = 0.8,
                                  std::size_t cap = 10000);
nlohmann::json to_json(const EquivalenceStats& e);

// Holm-Bonferroni adjusted p-values, in the order given: sort ascending, p_(i) times (m - i + 1)
// (i from 1), running maximum, capped at 1. A hypothesis is rejected at familywise level alpha
// when its adjusted p is below alpha.
std::vector<double> holm_adjust(std::span<const double> p);

}  // namespace hrsnn::study
