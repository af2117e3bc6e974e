#include "study/paired_stats.hpp"

#include "study/study_results.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace hrsnn::study {
namespace {

// Continued fraction of I_x(a, b) (the standard expansion, evaluated by modified Lentz's
// method); converges quickly for x < (a + 1) / (a + b + 2).
double beta_fraction(double a, double b, double x) {
  constexpr double tiny = 1e-300;
  constexpr double eps = 1e-15;
  double c = 1.0;
  double d = 1.0 - (a + b) * x / (a + 1.0);
  if (std::abs(d) < tiny) d = tiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 1000; ++m) {
    const double dm = static_cast<double>(m);
    // even step: d_{2m} = m (b - m) x / ((a + 2m - 1)(a + 2m))
    double num = dm * (b - dm) * x / ((a + 2.0 * dm - 1.0) * (a + 2.0 * dm));
    d = 1.0 + num * d;
    if (std::abs(d) < tiny) d = tiny;
    c = 1.0 + num / c;
    if (std::abs(c) < tiny) c = tiny;
    d = 1.0 / d;
    h *= d * c;
    // odd step: d_{2m+1} = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1))
    num = -(a + dm) * (a + b + dm) * x / ((a + 2.0 * dm) * (a + 2.0 * dm + 1.0));
    d = 1.0 + num * d;
    if (std::abs(d) < tiny) d = tiny;
    c = 1.0 + num / c;
    if (std::abs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::abs(delta - 1.0) < eps) break;
  }
  return h;
}

double binomial_upper_tail(std::size_t k, std::size_t n) {  // P(X >= k), X ~ Bin(n, 1/2)
  double p = 0.0;
  for (std::size_t j = k; j <= n; ++j) {
    double c = 1.0;  // n choose j
    for (std::size_t i = 1; i <= j; ++i) c = c * static_cast<double>(n - j + i) / static_cast<double>(i);
    p += c;
  }
  return p / std::pow(2.0, static_cast<double>(n));
}

}  // namespace

double incomplete_beta(double a, double b, double x) {
  if (!(a > 0.0) || !(b > 0.0) || !(x >= 0.0 && x <= 1.0))
    throw std::invalid_argument(fmt::format("incomplete_beta: need a, b > 0 and x in [0, 1], got {} {} {}", a, b, x));
  if (x == 0.0 || x == 1.0) return x;
  const double log_front = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  const double front = std::exp(log_front);
  if (x < (a + 1.0) / (a + b + 2.0)) return front * beta_fraction(a, b, x) / a;
  return 1.0 - front * beta_fraction(b, a, 1.0 - x) / b;
}

double student_t_cdf(double t, double dof) {
  if (!(dof > 0.0)) throw std::invalid_argument("student_t_cdf: dof must be > 0");
  if (std::isinf(t)) return t > 0 ? 1.0 : 0.0;
  const double tail = 0.5 * incomplete_beta(0.5 * dof, 0.5, dof / (dof + t * t));  // P(T > |t|)
  return t >= 0.0 ? 1.0 - tail : tail;
}

double student_t_quantile(double p, double dof) {
  if (!(p > 0.0 && p < 1.0)) throw std::invalid_argument("student_t_quantile: p must be in (0, 1)");
  double lo = -1e3, hi = 1e3;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (student_t_cdf(mid, dof) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

PairedStats paired_stats(std::span<const double> a, std::span<const double> b, Direction direction, double alpha) {
  if (a.size() != b.size()) throw std::invalid_argument("paired_stats: unequal sample sizes");
  if (!(alpha > 0.0 && alpha < 1.0)) throw std::invalid_argument("paired_stats: alpha must be in (0, 1)");
  PairedStats s;
  s.alpha = alpha;
  s.n = a.size();
  s.relative_diff = std::numeric_limits<double>::quiet_NaN();
  if (s.n == 0) return s;
  const double sign = direction == Direction::greater ? 1.0 : -1.0;
  const auto n = static_cast<double>(s.n);
  for (std::size_t i = 0; i < s.n; ++i) {
    s.mean_a += a[i] / n;
    s.mean_b += b[i] / n;
    const double d = a[i] - b[i];
    s.mean_diff += d / n;
    if (sign * d > 0) ++s.agree;
    if (sign * d < 0) ++s.disagree;
  }
  double ss = 0.0;
  for (std::size_t i = 0; i < s.n; ++i) ss += (a[i] - b[i] - s.mean_diff) * (a[i] - b[i] - s.mean_diff);
  const std::size_t untied = s.agree + s.disagree;
  s.sign_p = untied ? binomial_upper_tail(s.agree, untied) : 1.0;
  s.relative_diff = s.mean_b != 0.0 ? s.mean_diff / s.mean_b : std::numeric_limits<double>::quiet_NaN();
  if (s.n < 2) {
    s.bound95 = s.ci_low = s.ci_high = s.mean_diff;
    s.d_z = s.g_z = std::numeric_limits<double>::quiet_NaN();
    return s;
  }
  s.sd_diff = std::sqrt(ss / (n - 1.0));
  const double se = s.sd_diff / std::sqrt(n);
  const double dof = n - 1.0;
  if (se > 0.0) {
    s.t = s.mean_diff / se;
    s.p_one_sided = 1.0 - student_t_cdf(sign * s.t, dof);
    s.p_opposite = student_t_cdf(sign * s.t, dof);
    s.d_z = s.mean_diff / s.sd_diff;
  } else {
    // Every pair differs by the same amount: certain in that direction, or no difference.
    s.t = s.mean_diff == 0.0 ? 0.0 : std::copysign(std::numeric_limits<double>::infinity(), s.mean_diff);
    s.p_one_sided = sign * s.mean_diff > 0 ? 0.0 : 1.0;
    s.p_opposite = sign * s.mean_diff < 0 ? 0.0 : 1.0;
    s.d_z = s.mean_diff == 0.0 ? 0.0 : s.t;
  }
  // Hedges' J for dof = n - 1 (the usual approximation of Gamma(m/2) / (sqrt(m/2) Gamma((m-1)/2))).
  s.g_z = (1.0 - 3.0 / (4.0 * dof - 1.0)) * s.d_z;
  s.bound95 = s.mean_diff - sign * student_t_quantile(0.95, dof) * se;
  const double half = student_t_quantile(1.0 - alpha / 2.0, dof) * se;
  s.ci_low = s.mean_diff - half;
  s.ci_high = s.mean_diff + half;
  return s;
}

nlohmann::json to_json(const PairedStats& s) {
  const auto num = [](double x) { return finite_or_string(x); };
  return {{"n", s.n},
          {"mean_a", num(s.mean_a)},
          {"mean_b", num(s.mean_b)},
          {"mean_diff", num(s.mean_diff)},
          {"sd_diff", num(s.sd_diff)},
          {"t", num(s.t)},
          {"p_one_sided", num(s.p_one_sided)},
          {"p_opposite", num(s.p_opposite)},
          {"pairs_in_claimed_direction", s.agree},
          {"pairs_against", s.disagree},
          {"sign_test_p", num(s.sign_p)},
          {"bound95", num(s.bound95)},
          {"ci_level", 1.0 - s.alpha},
          {"ci_low", num(s.ci_low)},
          {"ci_high", num(s.ci_high)},
          {"d_z", num(s.d_z)},
          {"g_z", num(s.g_z)},
          {"relative_diff", num(s.relative_diff)}};
}

std::string directional_verdict(const PairedStats& s, double alpha) {
  if (s.n < 2) return "inconclusive";
  if (s.p_one_sided < alpha) return "holds";
  if (s.p_opposite < alpha) return "fails";
  return "inconclusive";
}

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

// ---------------------------------------------------------------------------------------------
// Power

namespace {

// E[g(u)] for u = S / sd, where (n - 1) u^2 ~ chi^2_{n-1} (the sample sd of n normal values over
// the true one). Density of u with nu = n - 1: 2 (nu/2)^(nu/2) / Gamma(nu/2) u^(nu-1) exp(-nu u^2 / 2).
// Composite Simpson over mean -+ 10 approximate sds (1 / sqrt(2 nu)); the integral of the density
// over the same grid divides the result, so the quadrature's mass error cancels.
template <class G>
double expect_over_sd_ratio(std::size_t n, G g) {
  const double nu = static_cast<double>(n - 1);
  const double spread = 10.0 / std::sqrt(2.0 * nu);
  const double lo = std::max(0.0, 1.0 - spread), hi = 1.0 + spread;
  constexpr int kIntervals = 4000;  // even
  const double h = (hi - lo) / kIntervals;
  const double log_c = std::log(2.0) + 0.5 * nu * std::log(0.5 * nu) - std::lgamma(0.5 * nu);
  double sum = 0.0, mass = 0.0;
  for (int i = 0; i <= kIntervals; ++i) {
    const double u = lo + h * i;
    double f = 0.0;
    if (u > 0.0)
      f = std::exp(log_c + (nu - 1.0) * std::log(u) - 0.5 * nu * u * u);
    else if (nu == 1.0)
      f = std::exp(log_c);  // the half-normal density at 0
    const double w = (i == 0 || i == kIntervals) ? 1.0 : (i % 2 ? 4.0 : 2.0);
    sum += w * f * g(u);
    mass += w * f;
  }
  return mass > 0.0 ? sum / mass : 0.0;
}

// Smallest n in [2, cap] with power(n) >= target, 0 when power(cap) < target.
template <class P>
std::size_t smallest_n(P power, double target, std::size_t cap) {
  if (cap < 2) return 0;
  if (power(std::size_t{2}) >= target) return 2;
  std::size_t lo = 2, hi = 4;  // power(lo) < target
  while (true) {
    hi = std::min(hi, cap);
    if (power(hi) >= target) break;
    if (hi == cap) return 0;
    lo = hi;
    hi *= 2;
  }
  while (hi - lo > 1) {
    const std::size_t mid = lo + (hi - lo) / 2;
    (power(mid) >= target ? hi : lo) = mid;
  }
  return hi;
}

}  // namespace

double paired_t_power(double diff, double sd, std::size_t n, double alpha) {
  if (n < 2) return 0.0;
  if (!(sd > 0.0)) return diff > 0.0 ? 1.0 : 0.0;
  const double t_crit = student_t_quantile(1.0 - alpha, static_cast<double>(n - 1));
  const double shift = diff * std::sqrt(static_cast<double>(n)) / sd;
  return expect_over_sd_ratio(n, [&](double u) { return normal_cdf(shift - t_crit * u); });
}

double tost_power(double diff, double sd, double delta, std::size_t n, double alpha) {
  if (n < 2 || !(delta > 0.0)) return 0.0;
  if (!(sd > 0.0)) return std::abs(diff) < delta ? 1.0 : 0.0;
  const double t_crit = student_t_quantile(1.0 - alpha, static_cast<double>(n - 1));
  const double root_n = std::sqrt(static_cast<double>(n));
  const double upper = (delta - diff) * root_n / sd, lower = (-delta - diff) * root_n / sd;
  return expect_over_sd_ratio(
      n, [&](double u) { return std::max(0.0, normal_cdf(upper - t_crit * u) - normal_cdf(lower + t_crit * u)); });
}

std::size_t paired_t_n_for_power(double diff, double sd, double alpha, double target, std::size_t cap) {
  if (!(diff > 0.0)) return 0;
  return smallest_n([&](std::size_t n) { return paired_t_power(diff, sd, n, alpha); }, target, cap);
}

std::size_t tost_n_for_power(double diff, double sd, double delta, double alpha, double target, std::size_t cap) {
  if (!(std::abs(diff) < delta)) return 0;
  return smallest_n([&](std::size_t n) { return tost_power(diff, sd, delta, n, alpha); }, target, cap);
}

PowerPlan plan_directional(const PairedStats& s, double alpha, double target, std::size_t cap) {
  PowerPlan p;
  p.target = target;
  p.cap = cap;
  if (s.mean_diff == 0.0 || !std::isfinite(s.mean_diff)) {
    p.direction = "none";
    return p;
  }
  p.direction = s.p_one_sided <= s.p_opposite ? "claimed" : "opposite";
  p.n_for_power = paired_t_n_for_power(std::abs(s.mean_diff), s.sd_diff, alpha, target, cap);
  return p;
}

nlohmann::json to_json(const PowerPlan& p) {
  return {{"power", p.target},
          {"assuming", "true mean difference and sd equal to the observed ones; one-sided paired t"},
          {"direction", p.direction},
          {"n_for_power",
           p.n_for_power ? nlohmann::json(p.n_for_power) : nlohmann::json(fmt::format("not reachable (> {})", p.cap))}};
}

// ---------------------------------------------------------------------------------------------
// Equivalence

EquivalenceStats equivalence_test(const PairedStats& s, double delta, double alpha, double target, std::size_t cap) {
  if (!(alpha > 0.0 && alpha < 0.5)) throw std::invalid_argument("equivalence_test: alpha must be in (0, 0.5)");
  EquivalenceStats e;
  e.delta = delta;
  e.alpha = alpha;
  e.target = target;
  e.cap = cap;
  e.ci_low = e.ci_high = s.mean_diff;
  if (s.n < 2 || !(delta > 0.0)) return e;
  const double dof = static_cast<double>(s.n - 1);
  const double se = s.sd_diff / std::sqrt(static_cast<double>(s.n));
  if (se > 0.0) {
    e.p_lower = 1.0 - student_t_cdf((s.mean_diff + delta) / se, dof);
    e.p_upper = student_t_cdf((s.mean_diff - delta) / se, dof);
    const double half = student_t_quantile(1.0 - alpha, dof) * se;
    e.ci_low = s.mean_diff - half;
    e.ci_high = s.mean_diff + half;
  } else {
    // Every pair differs by the same amount: certainly inside or certainly not.
    e.p_lower = s.mean_diff > -delta ? 0.0 : 1.0;
    e.p_upper = s.mean_diff < delta ? 0.0 : 1.0;
  }
  e.p_tost = std::max(e.p_lower, e.p_upper);
  if (e.p_tost < alpha)
    e.verdict = "equivalent";
  else if (e.ci_low >= delta || e.ci_high <= -delta)
    e.verdict = "different";
  e.power_at_zero = tost_power(0.0, s.sd_diff, delta, s.n, alpha);
  e.power_at_observed = tost_power(s.mean_diff, s.sd_diff, delta, s.n, alpha);
  e.n_for_power = tost_n_for_power(0.0, s.sd_diff, delta, alpha, target, cap);
  return e;
}

nlohmann::json to_json(const EquivalenceStats& e) {
  return {{"test", "two one-sided paired t-tests (TOST)"},
          {"margin", finite_or_string(e.delta)},
          {"ci_level", 1.0 - 2.0 * e.alpha},
          {"ci_low", finite_or_string(e.ci_low)},
          {"ci_high", finite_or_string(e.ci_high)},
          {"p_lower", finite_or_string(e.p_lower)},
          {"p_upper", finite_or_string(e.p_upper)},
          {"p_tost", finite_or_string(e.p_tost)},
          {"power_at_zero", finite_or_string(e.power_at_zero)},
          {"power_at_observed", finite_or_string(e.power_at_observed)},
          {"power_assuming", "normal differences, true sd equal to the observed one"},
          {"power_target", e.target},
          {"n_for_power",
           e.n_for_power ? nlohmann::json(e.n_for_power) : nlohmann::json(fmt::format("not reachable (> {})", e.cap))},
          {"verdict", e.verdict}};
}

// ---------------------------------------------------------------------------------------------
// Multiplicity

std::vector<double> holm_adjust(std::span<const double> p) {
  const std::size_t m = p.size();
  std::vector<std::size_t> order(m);
  for (std::size_t i = 0; i < m; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return p[x] < p[y]; });
  std::vector<double> out(m);
  double running = 0.0;
  for (std::size_t rank = 0; rank < m; ++rank) {
    const std::size_t i = order[rank];
    running = std::max(running, std::min(1.0, static_cast<double>(m - rank) * p[i]));
    out[i] = running;
  }
  return out;
}

}  // namespace hrsnn::study
