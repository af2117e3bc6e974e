#include "study/claims.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>
#include <utility>

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

PairedStats paired_stats(std::span<const double> a, std::span<const double> b, Direction direction) {
  if (a.size() != b.size()) throw std::invalid_argument("paired_stats: unequal sample sizes");
  PairedStats s;
  s.n = a.size();
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
  if (s.n < 2) {
    s.bound95 = s.mean_diff;
    return s;
  }
  s.sd_diff = std::sqrt(ss / (n - 1.0));
  const double se = s.sd_diff / std::sqrt(n);
  const double dof = n - 1.0;
  if (se > 0.0) {
    s.t = s.mean_diff / se;
    s.p_one_sided = 1.0 - student_t_cdf(sign * s.t, dof);
  } else {
    // Every pair differs by the same amount: certain in that direction, or no difference.
    s.t = s.mean_diff == 0.0 ? 0.0 : std::copysign(std::numeric_limits<double>::infinity(), s.mean_diff);
    s.p_one_sided = sign * s.mean_diff > 0 ? 0.0 : 1.0;
  }
  s.bound95 = s.mean_diff - sign * student_t_quantile(0.95, dof) * se;
  return s;
}

nlohmann::json to_json(const PairedStats& s) {
  const auto num = [](double x) {
    return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(x > 0 ? "inf" : "-inf");
  };
  return {{"n", s.n},
          {"mean_a", num(s.mean_a)},
          {"mean_b", num(s.mean_b)},
          {"mean_diff", num(s.mean_diff)},
          {"sd_diff", num(s.sd_diff)},
          {"t", num(s.t)},
          {"p_one_sided", num(s.p_one_sided)},
          {"pairs_in_claimed_direction", s.agree},
          {"pairs_against", s.disagree},
          {"sign_test_p", num(s.sign_p)},
          {"bound95", num(s.bound95)}};
}

std::string directional_verdict(const PairedStats& s, double alpha) {
  if (s.n < 2) return "inconclusive";
  if (s.p_one_sided < alpha) return "holds";
  // The opposite direction's one-sided p is 1 - p (continuous t); significant when p > 1 - alpha.
  if (s.p_one_sided > 1.0 - alpha && s.mean_diff != 0.0) return "fails";
  return "inconclusive";
}

// ---------------------------------------------------------------------------------------------
// The paper's three claims

namespace {

// Per-seed values of task.metric for (model, arith), in seed order; seeds missing in either
// model are dropped so the pairs stay paired.
std::pair<std::vector<double>, std::vector<double>> paired(const std::vector<Record>& records, const std::string& a,
                                                           const std::string& b, const std::string& arith,
                                                           TaskKind task, const std::string& metric) {
  std::map<uint64_t, double> va, vb;
  for (const Record& r : records) {
    if (!r.error.empty() || r.arith != arith || r.task != task) continue;
    auto it = r.metrics.find(metric);
    if (it == r.metrics.end()) continue;
    if (r.model == a) va[r.seed] = it->second;
    if (r.model == b) vb[r.seed] = it->second;
  }
  std::pair<std::vector<double>, std::vector<double>> out;
  for (const auto& [seed, x] : va) {
    auto it = vb.find(seed);
    if (it == vb.end()) continue;
    out.first.push_back(x);
    out.second.push_back(it->second);
  }
  return out;
}

nlohmann::json part(const std::vector<Record>& records, const std::string& arith, const std::string& a,
                    const std::string& b, TaskKind task, const std::string& metric, Direction dir, double alpha,
                    const std::string& claim_text) {
  const auto [va, vb] = paired(records, a, b, arith, task, metric);
  const PairedStats s = paired_stats(va, vb, dir);
  return {{"comparison", fmt::format("{} vs {}", a, b)},
          {"metric", std::string(to_string(task)) + "." + metric},
          {"claim", claim_text},
          {"direction", dir == Direction::greater ? "greater" : "less"},
          {"stats", to_json(s)},
          {"verdict", s.n < 2 ? "not run" : directional_verdict(s, alpha)}};
}

// Non-inferiority: a >= b - margin * mean(b), tested as (a - b + margin * mean(b)) > 0.
nlohmann::json preserved_part(const std::vector<Record>& records, const std::string& arith, const std::string& a,
                              const std::string& b, TaskKind task, const std::string& metric, double margin,
                              double alpha) {
  auto [va, vb] = paired(records, a, b, arith, task, metric);
  double mean_b = 0;
  for (double x : vb) mean_b += x / static_cast<double>(std::max<size_t>(1, vb.size()));
  std::vector<double> shifted = va;
  for (double& x : shifted) x += margin * mean_b;
  const PairedStats s = paired_stats(shifted, vb, Direction::greater);
  const PairedStats raw = paired_stats(va, vb, Direction::greater);
  nlohmann::json j = {{"comparison", fmt::format("{} vs {}", a, b)},
                      {"metric", std::string(to_string(task)) + "." + metric},
                      {"claim", fmt::format("preserved: mean paired loss below {:.0f}% of {}'s mean", margin * 100, b)},
                      {"direction", "non-inferior"},
                      {"margin", margin * mean_b},
                      {"stats", to_json(raw)},
                      {"shifted_stats", to_json(s)},
                      {"verdict", s.n < 2 ? "not run" : directional_verdict(s, alpha)}};
  return j;
}

std::string combine(const nlohmann::json& parts) {
  bool all_hold = !parts.empty(), any_fail = false, any_missing = false;
  for (const auto& p : parts) {
    const std::string v = p["verdict"];
    all_hold = all_hold && v == "holds";
    any_fail = any_fail || v == "fails";
    any_missing = any_missing || v == "not run";
  }
  if (all_hold) return "holds";
  if (any_fail) return "fails";
  return any_missing ? "not run" : "inconclusive";
}

}  // namespace

nlohmann::json evaluate_claims(const std::vector<Record>& records, const StudyConfig& config) {
  nlohmann::json claims = nlohmann::json::array();
  const double alpha = config.claims.alpha;
  for (Arith arith_kind : config.arithmetics) {
    const std::string arith = to_string(arith_kind);
    {
      nlohmann::json parts = nlohmann::json::array();
      parts.push_back(
          part(records, arith, "het-neurons", "mrsnn", TaskKind::memory, "mc", Direction::greater, alpha, "MC higher"));
      nlohmann::json secondary = part(records, arith, "hrsnn", "het-stdp", TaskKind::memory, "mc", Direction::greater,
                                      alpha, "MC higher (with heterogeneous STDP on both sides)");
      claims.push_back({{"id", "a"},
                        {"arith", arith},
                        {"statement", "heterogeneous membrane time constants raise the memory capacity"},
                        {"parts", parts},
                        {"secondary", nlohmann::json::array({secondary})},
                        {"verdict", combine(parts)}});
    }
    {
      nlohmann::json parts = nlohmann::json::array();
      parts.push_back(part(records, arith, "het-stdp", "mrsnn", TaskKind::memory, "S", Direction::less, alpha,
                           "spiking activity lower"));
      parts.push_back(
          preserved_part(records, arith, "het-stdp", "mrsnn", TaskKind::memory, "mc", config.claims.mc_margin, alpha));
      nlohmann::json secondary = nlohmann::json::array();
      secondary.push_back(part(records, arith, "hrsnn", "het-neurons", TaskKind::memory, "S", Direction::less, alpha,
                               "spiking activity lower (with heterogeneous neurons on both sides)"));
      secondary.push_back(preserved_part(records, arith, "hrsnn", "het-neurons", TaskKind::memory, "mc",
                                         config.claims.mc_margin, alpha));
      claims.push_back({{"id", "b"},
                        {"arith", arith},
                        {"statement", "heterogeneous STDP lowers spiking activity while preserving memory capacity"},
                        {"parts", parts},
                        {"secondary", secondary},
                        {"verdict", combine(parts)}});
    }
    {
      nlohmann::json parts = nlohmann::json::array();
      nlohmann::json per_task = nlohmann::json::object();
      for (TaskKind t : config.tasks) {
        nlohmann::json tp = nlohmann::json::array();
        if (t == TaskKind::memory) {
          tp.push_back(part(records, arith, "hrsnn", "mrsnn", t, "narma10_nrmse", Direction::less, alpha,
                            "NARMA-10 NRMSE lower"));
        } else if (t == TaskKind::fsdd) {
          tp.push_back(
              part(records, arith, "hrsnn", "mrsnn", t, "accuracy", Direction::greater, alpha, "test accuracy higher"));
        } else {
          tp.push_back(part(records, arith, "hrsnn", "mrsnn", t, "nrmse", Direction::less, alpha, "NRMSE lower"));
        }
        tp.push_back(part(records, arith, "hrsnn", "mrsnn", t, "S", Direction::less, alpha, "spiking activity lower"));
        per_task[t == TaskKind::memory ? "narma10" : to_string(t)] = combine(tp);
        for (auto& p : tp) parts.push_back(std::move(p));
      }
      claims.push_back({{"id", "c"},
                        {"arith", arith},
                        {"statement", "HRSNN beats MRSNN on prediction and classification with fewer spikes"},
                        {"parts", parts},
                        {"per_task", per_task},
                        {"verdict", combine(parts)}});
    }
  }
  return claims;
}

}  // namespace hrsnn::study
