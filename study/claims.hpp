// The paper's three claims, tested on paired seeds, and the paired statistics they rest on.
//
// Seeds pair the models: the same seed gives the same connectivity, input wiring and task
// data in every variant (core/network.cpp draws each population parameter and projection from
// its own named stream), so a claim is tested on the per-seed differences d_s = a_s - b_s:
//   mean and sample standard deviation of d, the paired t statistic t = mean / (sd / sqrt(n))
//   with its one-sided p-value in the claimed direction (Student t, n - 1 degrees of freedom),
//   and the exact one-sided sign test (ties dropped). With 5 seeds the sign test cannot go
//   below p = 1/32 = 0.031, so it is reported, not used for the verdict.
#pragma once

#include "study/study_config.hpp"
#include "study/study_results.hpp"

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

enum class Direction { greater, less };  // the claim: a > b, or a < b

struct PairedStats {
  std::size_t n = 0;
  double mean_a = 0, mean_b = 0;
  double mean_diff = 0;      // mean of a - b
  double sd_diff = 0;        // sample standard deviation of a - b
  double t = 0;              // paired t statistic (+-inf when every difference is the same non-zero value)
  double p_one_sided = 1;    // in the claimed direction
  std::size_t agree = 0;     // pairs in the claimed direction
  std::size_t disagree = 0;  // pairs in the opposite direction
  double sign_p = 1;         // exact one-sided sign test
  // One-sided 95% confidence bound of the mean difference on the side opposite the claim
  // (the lower bound for `greater`, the upper bound for `less`).
  double bound95 = 0;
};

PairedStats paired_stats(std::span<const double> a, std::span<const double> b, Direction direction);
nlohmann::json to_json(const PairedStats& s);

// "holds" when the claimed direction is significant (one-sided p < alpha), "fails" when the
// opposite direction is, else "inconclusive".
std::string directional_verdict(const PairedStats& s, double alpha = 0.05);

// The claims, for each arithmetic of `config`, from the study's records (failed ones left out):
//   (a) heterogeneous membrane time constants raise the memory capacity (het-neurons vs mrsnn;
//       secondary: hrsnn vs het-stdp);
//   (b) heterogeneous STDP lowers the spiking activity while preserving the memory capacity
//       (het-stdp vs mrsnn, MC non-inferior within config.claims.mc_margin; secondary: hrsnn vs
//       het-neurons);
//   (c) HRSNN beats MRSNN on every task of the study with fewer spikes.
// Each claim is a JSON object {id, arith, statement, parts, secondary or per_task, verdict}; it
// holds when every part holds, fails when one fails, is "not run" when a part lacks pairs, and
// is inconclusive otherwise.
nlohmann::json evaluate_claims(const std::vector<Record>& records, const StudyConfig& config);

}  // namespace hrsnn::study
