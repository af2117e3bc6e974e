#include "core/fixed/quantize.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>
#include <tuple>

namespace hrsnn::fixed {

nlohmann::json RegisterImage::errors_json() const {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& e : errors)
    j.push_back({{"field", e.field},
                 {"count", e.count},
                 {"distinct_registers", e.distinct},
                 {"max_abs_error", e.max_abs_error},
                 {"max_rel_error", e.max_rel_error},
                 {"rms_error", e.rms_error}});
  return j;
}

std::vector<double> share_values(const std::vector<double>& values, uint32_t k, ProfileMethod method) {
  if (values.empty() || k == 0) return values;
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  const size_t n = sorted.size();
  k = static_cast<uint32_t>(std::min<size_t>(k, n));
  // Centres at the quantile midpoints (k-quantile bins, their medians).
  std::vector<double> centre(k);
  for (uint32_t c = 0; c < k; ++c) {
    const size_t idx =
        std::min(n - 1, static_cast<size_t>((2 * static_cast<double>(c) + 1) * static_cast<double>(n) / (2.0 * k)));
    centre[c] = sorted[idx];
  }
  if (method == ProfileMethod::KMeans) {
    // Lloyd's algorithm on sorted data: the clusters are contiguous runs, so assignments are
    // the boundaries between neighbouring centres.
    for (int iter = 0; iter < 200; ++iter) {
      std::vector<double> sum(k, 0.0);
      std::vector<size_t> cnt(k, 0);
      size_t c = 0;
      for (double x : sorted) {
        while (c + 1 < k && std::abs(x - centre[c + 1]) < std::abs(x - centre[c])) ++c;
        sum[c] += x;
        ++cnt[c];
      }
      bool changed = false;
      for (uint32_t q = 0; q < k; ++q) {
        if (cnt[q] == 0) continue;
        const double m = sum[q] / static_cast<double>(cnt[q]);
        changed = changed || m != centre[q];
        centre[q] = m;
      }
      std::sort(centre.begin(), centre.end());
      if (!changed) break;
    }
  }
  std::vector<double> out(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    const double x = values[i];
    double best = centre[0];
    for (double c : centre)
      if (std::abs(x - c) < std::abs(x - best)) best = c;
    out[i] = best;
  }
  return out;
}

namespace {

// Rounds to the nearest integer, saturating at +-2^62: every caller clamps the result to a
// register range far inside that, and std::llround of a value beyond int64 is undefined (in
// practice INT64_MIN, whose std::abs overflows). Range checks compare the double before rounding.
constexpr double kRoundLimit = 4611686018427387904.0;  // 2^62
int64_t round_to_int(double x) {
  if (std::isnan(x)) throw std::invalid_argument("quantize: a register value is not a number");
  return static_cast<int64_t>(std::llround(std::clamp(x, -kRoundLimit, kRoundLimit)));
}

// Every physical value must be finite: an infinite weight or bias has no register value, and
// the scale arithmetic below would turn it into 0 or saturate it silently.
void require_finite(const Network& net, double trace_scale) {
  auto check = [](const std::vector<double>& values, const char* field, const std::string& where) {
    for (size_t i = 0; i < values.size(); ++i)
      if (!std::isfinite(values[i]))
        throw std::invalid_argument(fmt::format("{}{} [{}] = {} is not finite: the fixed core cannot represent it",
                                                where, field, i, values[i]));
  };
  check(net.du, "du", "");
  check(net.dv, "dv", "");
  check(net.v_thresh, "v_thresh", "");
  check(net.v_reset, "v_reset", "");
  check(net.bias, "bias", "");
  check(net.dx, "dx", "");
  check(net.dy, "dy", "");
  check({net.impulse_x, net.impulse_y, trace_scale}, "impulse_x, impulse_y, trace_scale", "");
  for (const auto& pr : net.projections) {
    const std::string where = "projection '" + pr.name + "': ";
    check(pr.weight, "weight", where);
    check(pr.eta_plus, "eta_plus", where);
    check(pr.eta_minus, "eta_minus", where);
    check({pr.w_min, pr.w_max}, "w_min, w_max", where);
  }
  check(net.input.weight, "weight", "input: ");
}

FieldError compare(const std::string& name, const std::vector<double>& physical, const std::vector<double>& simulated,
                   const std::vector<int64_t>& registers) {
  FieldError e;
  e.field = name;
  e.count = physical.size();
  double sq = 0;
  for (size_t i = 0; i < physical.size(); ++i) {
    const double d = std::abs(simulated[i] - physical[i]);
    e.max_abs_error = std::max(e.max_abs_error, d);
    if (physical[i] != 0.0) e.max_rel_error = std::max(e.max_rel_error, d / std::abs(physical[i]));
    sq += d * d;
  }
  e.rms_error = physical.empty() ? 0.0 : std::sqrt(sq / static_cast<double>(physical.size()));
  e.distinct = static_cast<uint32_t>(std::set<int64_t>(registers.begin(), registers.end()).size());
  return e;
}

SignMode choose_sign_mode(const Network& net, const Projection& pr, const HardwareSpec& hw) {
  for (const auto& [name, mode] : hw.sign_modes) {
    if (name != pr.name || mode == "auto") continue;
    return *parse_sign_mode(mode);
  }
  if (pr.plastic && pr.w_min < 0.0 && pr.w_max > 0.0) return SignMode::mixed;
  bool any_pos = false, any_neg = false;
  for (double w : pr.weight) {
    any_pos = any_pos || w > 0.0;
    any_neg = any_neg || w < 0.0;
  }
  if (any_pos && any_neg) return SignMode::mixed;
  if (any_neg || (pr.plastic && pr.w_max <= 0.0 && pr.w_min < 0.0)) return SignMode::inhibitory;
  if (!any_pos && net.populations[pr.pre_population].kind == PopulationKind::Inhibitory) return SignMode::inhibitory;
  return SignMode::excitatory;
}

// Largest mantissa magnitude of the grid on the side the projection's weights live on.
int64_t grid_magnitude(SignMode mode, uint32_t bits, const HardwareFormat& fmt) {
  return mode == SignMode::inhibitory ? -weight_min(mode, bits, fmt) : weight_max(mode, bits, fmt);
}

double max_abs_weight(const Projection& pr) {
  double m = 0.0;
  for (double w : pr.weight) m = std::max(m, std::abs(w));
  if (pr.plastic) m = std::max({m, std::abs(pr.w_min), std::abs(pr.w_max)});
  return m;
}

// Step 1. The voltage scale (register units per physical unit): a power of two that leaves
// `voltage_headroom_bits` above the largest threshold and fits the threshold register, unless
// the first plastic projection's weight bound can land exactly on its grid maximum.
double voltage_scale(const Network& net, const HardwareSpec& hw) {
  const HardwareFormat& fmt = hw.format;
  const uint32_t n = net.size();
  double theta_max = 0.0;
  for (uint32_t i = 0; i < n; ++i) {
    if (!(net.v_thresh[i] > 0.0))
      throw std::invalid_argument(
          fmt::format("neuron {}: v_thresh = {} is not representable: the fixed core's "
                      "threshold register is unsigned and must be > 0",
                      i, net.v_thresh[i]));
    if (net.v_reset[i] != 0.0)
      throw std::invalid_argument(
          fmt::format("neuron {}: v_reset = {} is not representable: the fixed core resets "
                      "v to 0 (Loihi); use v_reset = 0 for fixed arithmetic",
                      i, net.v_reset[i]));
    theta_max = std::max(theta_max, net.v_thresh[i]);
  }
  if (n == 0) theta_max = 1.0;
  const double s_headroom = std::ldexp(1.0, fmt.v_bits - 1 - hw.voltage_headroom_bits) / theta_max;
  const double s_vth = static_cast<double>(pow2(fmt.vth_bits) - 1) * std::ldexp(1.0, fmt.vth_shift) / theta_max;
  const double s_max = std::min(s_headroom, s_vth);
  double s_v = std::ldexp(1.0, static_cast<int>(std::floor(std::log2(s_max))));
  // Make the first plastic projection's weight bound land exactly on its grid maximum, so the
  // fixed core's sign-mode clip is the float reference's [w_min, w_max] clip.
  const Projection* bound_by = nullptr;
  for (const auto& pr : net.projections) {
    if (!pr.plastic) continue;
    const SignMode mode = choose_sign_mode(net, pr, hw);
    const double bound = std::max(std::abs(pr.w_min), std::abs(pr.w_max));
    if (bound <= 0.0) break;
    const auto m = static_cast<double>(grid_magnitude(mode, static_cast<uint32_t>(fmt.num_weight_bits), fmt));
    for (int e = fmt.weight_exp_max; e >= -fmt.weight_exp_max; --e) {
      const double s = m * std::ldexp(1.0, fmt.act_shift + e) / bound;
      if (s <= s_max) {
        s_v = s;
        bound_by = &pr;
        break;
      }
    }
    break;
  }
  // A scale so small that the largest threshold rounds to 0 threshold units leaves every
  // threshold clamped to one unit far above its value: the fixed network would be silent
  // (or grossly wrong) where the float one fires. Refuse it with its cause.
  const double theta_units = theta_max * s_v / std::ldexp(1.0, fmt.vth_shift);
  if (!(s_v > 0.0) || !std::isfinite(s_v) || !(theta_units >= 0.5)) {
    if (bound_by)
      throw std::invalid_argument(fmt::format(
          "projection '{}': stdp w_min/w_max = {}/{} is too large for the weight grid: landing it on the grid "
          "sets the voltage scale to {}, where the largest threshold {} is {} threshold units (< 1) and the "
          "fixed network would not represent it; lower w_max/w_min (at most about {} x the largest threshold)",
          bound_by->name, bound_by->w_min, bound_by->w_max, s_v, theta_max, theta_units,
          static_cast<double>(
              grid_magnitude(choose_sign_mode(net, *bound_by, hw), static_cast<uint32_t>(fmt.num_weight_bits), fmt)) *
              std::ldexp(1.0, fmt.act_shift + fmt.weight_exp_max - fmt.vth_shift)));
    throw std::invalid_argument(
        fmt::format("the voltage scale {} leaves the largest threshold {} at {} threshold "
                    "units (< 1): the fixed core cannot represent the thresholds",
                    s_v, theta_max, theta_units));
  }
  return s_v;
}

// Step 2. Neuron registers: decays (optionally shared as K profiles), threshold, bias as
// mantissa and exponent, refractory counter.
void quantize_neurons(const Network& net, const HardwareSpec& hw, RegisterImage& img) {
  const HardwareFormat& fmt = hw.format;
  const uint32_t n = net.size();
  const int d = fmt.decay_bits;
  const double unity = std::ldexp(1.0, d);
  const double s_v = img.voltage_scale;
  std::vector<double> du = net.du, dv = net.dv;
  if (hw.tau_profiles > 0) {
    du = share_values(du, hw.tau_profiles, hw.profile_method);
    dv = share_values(dv, hw.tau_profiles, hw.profile_method);
    img.decay_profiles = hw.tau_profiles;
  }
  img.lif.resize(n);
  const int64_t decay_max = pow2(d) - 1;
  const int64_t bias_mant_max = pow2(fmt.bias_mant_bits - 1) - 1;
  const int64_t bias_exp_max = pow2(fmt.bias_exp_bits) - 1;
  for (uint32_t i = 0; i < n; ++i) {
    LifParams& p = img.lif[i];
    p.du = static_cast<uint32_t>(std::clamp<int64_t>(round_to_int(du[i] * unity) - fmt.du_offset, 0, decay_max));
    p.dv = static_cast<uint32_t>(std::clamp<int64_t>(round_to_int(dv[i] * unity) - fmt.dv_offset, 0, decay_max));
    // One voltage scale serves every neuron: a threshold that rounds to 0 threshold units under
    // the scale the largest one sets would be clamped to 1 unit, far above its value, and its
    // neurons (and weights, on the same scale) would fall silent where float64 fires.
    const double vth_units = net.v_thresh[i] * s_v / std::ldexp(1.0, fmt.vth_shift);
    if (!(vth_units >= 0.5))
      throw std::invalid_argument(fmt::format(
          "population '{}' (neuron {}): v_thresh = {} is {:.3g} threshold units under the voltage scale {} that "
          "the largest threshold ({}) sets, and rounds to 0: thresholds more than 2^{} apart cannot share the "
          "fixed core's voltage scale",
          net.populations[net.population_of[i]].name, i, net.v_thresh[i], vth_units, s_v,
          *std::max_element(net.v_thresh.begin(), net.v_thresh.end()), fmt.vth_bits));
    p.vth = static_cast<uint32_t>(std::clamp<int64_t>(round_to_int(vth_units), 1, pow2(fmt.vth_bits) - 1));
    const double b = net.bias[i] * s_v;
    bool placed = false;
    for (int64_t e = 0; e <= bias_exp_max && !placed; ++e) {
      // Checked on the double: |round(x)| <= max exactly when |x| < max + 0.5.
      const double x = b / std::ldexp(1.0, static_cast<int>(e));
      if (std::abs(x) < static_cast<double>(bias_mant_max) + 0.5) {
        p.bias_mant = static_cast<int32_t>(round_to_int(x));
        p.bias_exp = static_cast<uint32_t>(e);
        placed = true;
      }
    }
    if (!placed)
      throw std::invalid_argument(
          fmt::format("neuron {}: bias {} needs {} register units, beyond the bias range "
                      "+-{} << {}",
                      i, net.bias[i], b, bias_mant_max, bias_exp_max));
    if (net.t_ref_steps[i] > static_cast<uint32_t>(pow2(fmt.ref_bits) - 1))
      throw std::invalid_argument(
          fmt::format("neuron {}: t_ref_steps = {} exceeds the refractory counter range [0, {}] "
                      "(ref_bits = {})",
                      i, net.t_ref_steps[i], pow2(fmt.ref_bits) - 1, fmt.ref_bits));
    p.t_ref = net.t_ref_steps[i];
  }
}

// Step 3. Trace registers: per-neuron decays and the impulses (integer and fractional parts).
void quantize_traces(const Network& net, const HardwareSpec& hw, RegisterImage& img) {
  const HardwareFormat& fmt = hw.format;
  const uint32_t n = net.size();
  const double unity = std::ldexp(1.0, fmt.decay_bits);
  const int64_t decay_max = pow2(fmt.decay_bits) - 1;
  img.dx.assign(n, 0);
  img.dy.assign(n, 0);
  img.has_x = net.has_x;
  img.has_y = net.has_y;
  for (uint32_t i = 0; i < n; ++i) {
    if (net.has_x[i])
      img.dx[i] = static_cast<uint32_t>(std::clamp<int64_t>(round_to_int(net.dx[i] * unity), 0, decay_max));
    if (net.has_y[i])
      img.dy[i] = static_cast<uint32_t>(std::clamp<int64_t>(round_to_int(net.dy[i] * unity), 0, decay_max));
  }
  auto impulse = [&](double a, const char* name) {
    const double scaled = a * hw.trace_scale;
    if (!(scaled < static_cast<double>(pow2(fmt.trace_bits))))
      throw std::invalid_argument(fmt::format("{} = {} times trace_scale {} = {} exceeds the {}-bit trace register",
                                              name, a, hw.trace_scale, scaled, fmt.trace_bits));
    const int64_t total = round_to_int(scaled * std::ldexp(1.0, fmt.trace_frac_bits));
    TraceParams t;
    t.impulse_int = static_cast<uint32_t>(total >> fmt.trace_frac_bits);
    t.impulse_frac = static_cast<uint32_t>(total & low_mask(fmt.trace_frac_bits));
    if (t.impulse_int > static_cast<uint32_t>(pow2(fmt.trace_bits) - 1))
      throw std::invalid_argument(fmt::format("{} = {} times trace_scale {} = {} exceeds the {}-bit trace register",
                                              name, a, hw.trace_scale, scaled, fmt.trace_bits));
    return t;
  };
  img.x_impulse = impulse(net.impulse_x, "impulse_x");
  img.y_impulse = impulse(net.impulse_y, "impulse_y");
}

// Step 4. Projections: sign mode, weight exponent and mantissas, and for plastic ones the
// learning-rate mantissas with one exponent per direction.
void quantize_projections(const Network& net, const HardwareSpec& hw, RegisterImage& img) {
  const HardwareFormat& fmt = hw.format;
  const double s_v = img.voltage_scale;
  const auto nwb = static_cast<uint32_t>(fmt.num_weight_bits);
  for (const auto& pr : net.projections) {
    ProjectionImage pi;
    pi.params.sign_mode = choose_sign_mode(net, pr, hw);
    pi.params.num_weight_bits = nwb;
    const auto m = static_cast<double>(grid_magnitude(pi.params.sign_mode, nwb, fmt));
    const double wmax = max_abs_weight(pr);
    int e = -fmt.weight_exp_max;
    while (e < fmt.weight_exp_max && wmax * s_v / std::ldexp(1.0, fmt.act_shift + e) > m + 0.5) ++e;
    if (wmax * s_v / std::ldexp(1.0, fmt.act_shift + e) > m + 0.5)
      throw std::invalid_argument(
          fmt::format("projection '{}': weight {} needs more than weight_exp = {} allows "
                      "(mantissa max {}); lower the weights or raise voltage_headroom_bits",
                      pr.name, wmax, fmt.weight_exp_max, m));
    pi.params.weight_exp = e;
    pi.weight_unit = std::ldexp(1.0, fmt.act_shift + e) / s_v;
    const int k = weight_grid_shift(pi.params.sign_mode, nwb, fmt);
    pi.w.resize(pr.weight.size());
    for (size_t s = 0; s < pr.weight.size(); ++s) {
      const int64_t on_grid = round_to_int(pr.weight[s] / pi.weight_unit / std::ldexp(1.0, k)) * pow2(k);
      pi.w[s] = static_cast<int32_t>(
          std::clamp(on_grid, weight_min(pi.params.sign_mode, nwb, fmt), weight_max(pi.params.sign_mode, nwb, fmt)));
    }
    if (pr.plastic) {
      // dw (mantissa units) = eta_mant * 2^exp * trace: eta_eff = eta * trace_unit / weight_unit.
      const double to_eff = 1.0 / (hw.trace_scale * pi.weight_unit);
      const int64_t mant_max = pow2(fmt.lr_mant_bits) - 1;
      auto exponent_for = [&](const std::vector<double>& eta) {
        double emax = 0.0;
        for (double x : eta) emax = std::max(emax, x * to_eff);
        int ex = -fmt.learn_frac_bits;
        while (ex < fmt.lr_exp_max && emax / std::ldexp(1.0, ex) > static_cast<double>(mant_max) + 0.5) ++ex;
        return ex;
      };
      pi.params.eta_plus_exp = exponent_for(pr.eta_plus);
      pi.params.eta_minus_exp = exponent_for(pr.eta_minus);
      // A learning rate beyond the largest mantissa at the largest exponent would saturate
      // silently; refuse it like a weight beyond its exponent range.
      for (auto [eta, ex, name] : {std::tuple{&pr.eta_plus, pi.params.eta_plus_exp, "eta_plus"},
                                   std::tuple{&pr.eta_minus, pi.params.eta_minus_exp, "eta_minus"}}) {
        double emax = 0.0;
        for (double x : *eta) emax = std::max(emax, x * to_eff);
        if (emax / std::ldexp(1.0, ex) > static_cast<double>(mant_max) + 0.5)
          throw std::invalid_argument(
              fmt::format("projection '{}': {} needs more than lr_exp_max = {} allows "
                          "(mantissa max {}); lower it",
                          pr.name, name, fmt.lr_exp_max, mant_max));
      }
      pi.lr.resize(pr.weight.size());
      for (size_t s = 0; s < pr.weight.size(); ++s) {
        pi.lr[s].eta_plus_mant = static_cast<uint32_t>(std::clamp<int64_t>(
            round_to_int(pr.eta_plus[s] * to_eff / std::ldexp(1.0, pi.params.eta_plus_exp)), 0, mant_max));
        pi.lr[s].eta_minus_mant = static_cast<uint32_t>(std::clamp<int64_t>(
            round_to_int(pr.eta_minus[s] * to_eff / std::ldexp(1.0, pi.params.eta_minus_exp)), 0, mant_max));
      }
    }
    img.projections.push_back(std::move(pi));
  }
}

// Step 5. The input port: signed mantissas with one exponent.
void quantize_input(const Network& net, const HardwareFormat& fmt, RegisterImage& img) {
  const double s_v = img.voltage_scale;
  double wmax = 0.0;
  for (double w : net.input.weight) wmax = std::max(wmax, std::abs(w));
  const double mmax = static_cast<double>(pow2(fmt.weight_bits) - 1);
  int e = -fmt.weight_exp_max;
  while (e < fmt.weight_exp_max && wmax * s_v / std::ldexp(1.0, fmt.act_shift + e) > mmax + 0.5) ++e;
  // An input weight beyond the largest mantissa at the largest exponent would saturate silently;
  // refuse it like a recurrent weight or a learning rate beyond its register.
  if (wmax * s_v / std::ldexp(1.0, fmt.act_shift + e) > mmax + 0.5)
    throw std::invalid_argument(
        fmt::format("input: weight magnitude {} needs more than weight_exp_max = {} allows at the voltage scale {} "
                    "(at most {}); lower input.weight",
                    wmax, fmt.weight_exp_max, s_v, mmax * std::ldexp(1.0, fmt.act_shift + e) / s_v));
  img.input_weight_exp = e;
  const double unit = std::ldexp(1.0, fmt.act_shift + e) / s_v;
  img.input_w.resize(net.input.weight.size());
  int64_t largest = 0;
  for (size_t k = 0; k < net.input.weight.size(); ++k) {
    img.input_w[k] = static_cast<int32_t>(std::clamp<int64_t>(round_to_int(net.input.weight[k] / unit),
                                                              -static_cast<int64_t>(mmax), static_cast<int64_t>(mmax)));
    largest = std::max<int64_t>(largest, std::abs(int64_t{img.input_w[k]}));
  }
  // With a negative exponent the port's sum is shifted right by -e (floor): when even the largest
  // weight at full drive is below 2^-e, no input ever reaches the neurons. That happens when the
  // voltage scale (set by the largest threshold) is far below the input weights' needs.
  if (e < 0 && wmax > 0.0 && largest < (int64_t{1} << -e))
    throw std::invalid_argument(
        fmt::format("input: the largest weight {} is {} mantissa units at weight_exp {}, below the 2^{} that the input "
                    "port's shift drops: no input would reach the neurons at the voltage scale {} (set by the largest "
                    "threshold, {}); bring the thresholds closer to the input weights",
                    wmax, largest, e, -e, s_v, *std::max_element(net.v_thresh.begin(), net.v_thresh.end())));
}

// Step 6. The quantization error of every field: physical vs dequantized values.
void measure_errors(const Network& net, RegisterImage& img) {
  const uint32_t n = net.size();
  const Network q = dequantize(net, img);
  auto regs_u = [&](auto get) {
    std::vector<int64_t> r(n);
    for (uint32_t i = 0; i < n; ++i) r[i] = get(i);
    return r;
  };
  img.errors.push_back(compare("du", net.du, q.du, regs_u([&](uint32_t i) { return int64_t{img.lif[i].du}; })));
  img.errors.push_back(compare("dv", net.dv, q.dv, regs_u([&](uint32_t i) { return int64_t{img.lif[i].dv}; })));
  img.errors.push_back(
      compare("v_thresh", net.v_thresh, q.v_thresh, regs_u([&](uint32_t i) { return int64_t{img.lif[i].vth}; })));
  img.errors.push_back(compare("bias", net.bias, q.bias, regs_u([&](uint32_t i) {
                                 return shift_left(img.lif[i].bias_mant, static_cast<int>(img.lif[i].bias_exp));
                               })));
  auto traced = [&](const std::vector<uint8_t>& has, const std::vector<double>& phys, const std::vector<double>& sim,
                    const std::vector<uint32_t>& reg, const char* name) {
    std::vector<double> a, b;
    std::vector<int64_t> r;
    for (uint32_t i = 0; i < n; ++i)
      if (has[i]) {
        a.push_back(phys[i]);
        b.push_back(sim[i]);
        r.push_back(reg[i]);
      }
    if (!a.empty()) img.errors.push_back(compare(name, a, b, r));
  };
  traced(net.has_x, net.dx, q.dx, img.dx, "dx");
  traced(net.has_y, net.dy, q.dy, img.dy, "dy");
  img.errors.push_back(compare("impulse_x", {net.impulse_x}, {q.impulse_x}, {img.x_impulse.impulse_int}));
  img.errors.push_back(compare("impulse_y", {net.impulse_y}, {q.impulse_y}, {img.y_impulse.impulse_int}));
  for (size_t p = 0; p < net.projections.size(); ++p) {
    const auto& a = net.projections[p];
    const auto& b = q.projections[p];
    const auto& pi = img.projections[p];
    img.errors.push_back(compare("weight[" + a.name + "]", a.weight, b.weight, {pi.w.begin(), pi.w.end()}));
    if (a.plastic) {
      std::vector<int64_t> rp, rm;
      for (const auto& lr : pi.lr) {
        rp.push_back(lr.eta_plus_mant);
        rm.push_back(lr.eta_minus_mant);
      }
      img.errors.push_back(compare("eta_plus[" + a.name + "]", a.eta_plus, b.eta_plus, rp));
      img.errors.push_back(compare("eta_minus[" + a.name + "]", a.eta_minus, b.eta_minus, rm));
      img.errors.push_back(compare("w_bounds[" + a.name + "]", {a.w_min, a.w_max}, {b.w_min, b.w_max}, {0, 1}));
    }
  }
  if (!net.input.weight.empty())
    img.errors.push_back(
        compare("input_weight", net.input.weight, q.input.weight, {img.input_w.begin(), img.input_w.end()}));
}

}  // namespace

RegisterImage quantize(const Network& net, const HardwareSpec& hw) {
  hw.format.validate();
  require_finite(net, hw.trace_scale);
  RegisterImage img;
  img.format = hw.format;
  img.trace_scale = hw.trace_scale;
  img.voltage_scale = voltage_scale(net, hw);
  quantize_neurons(net, hw, img);
  quantize_traces(net, hw, img);
  quantize_projections(net, hw, img);
  quantize_input(net, hw.format, img);
  measure_errors(net, img);
  return img;
}

void check_input_port(const Network& net, const RegisterImage& img, const InputSignal* signal) {
  if (signal == nullptr || net.input.encoder != EncoderKind::Current || signal->values.empty()) return;
  double drive = 0.0;
  for (double v : signal->values) drive = std::max(drive, std::abs(v));
  const uint32_t n = net.size();
  double mantissas = 0.0;  // the largest sum of |input weight mantissas| into one neuron
  for (uint32_t i = 0; i < n; ++i) {
    double sum = 0.0;
    for (uint64_t e = net.input.offset[i]; e < net.input.offset[i + 1]; ++e)
      sum += std::abs(static_cast<double>(img.input_w[e]));
    mantissas = std::max(mantissas, sum);
  }
  // The port's value is after the exponent's shift.
  const double worst = std::ldexp(mantissas * drive, img.input_weight_exp);
  const double limit = std::ldexp(1.0, 31) - 1.0;
  if (!(worst <= limit))
    throw std::invalid_argument(fmt::format(
        "input: the signal reaches {} and the input weights' mantissas sum to up to {} per neuron at weight_exp {}: "
        "{} leaves the fixed core's 32-bit input port; lower the signal (signal_low/signal_high) or the weights",
        drive, mantissas, img.input_weight_exp, worst));
}

Network dequantize(const Network& net, const RegisterImage& img) {
  const HardwareFormat& fmt = img.format;
  Network q = net;
  const double unity = std::ldexp(1.0, fmt.decay_bits);
  const double s_v = img.voltage_scale;
  for (uint32_t i = 0; i < net.size(); ++i) {
    const LifParams& p = img.lif[i];
    q.du[i] = (static_cast<double>(p.du) + fmt.du_offset) / unity;
    q.dv[i] = (static_cast<double>(p.dv) + fmt.dv_offset) / unity;
    q.v_thresh[i] = static_cast<double>(shift_left(p.vth, fmt.vth_shift)) / s_v;
    q.v_reset[i] = 0.0;
    q.bias[i] = static_cast<double>(shift_left(p.bias_mant, static_cast<int>(p.bias_exp))) / s_v;
    q.t_ref_steps[i] = p.t_ref;
    q.dx[i] = img.has_x[i] ? img.dx[i] / unity : 0.0;
    q.dy[i] = img.has_y[i] ? img.dy[i] / unity : 0.0;
  }
  const double frac = std::ldexp(1.0, fmt.trace_frac_bits);
  q.impulse_x = (img.x_impulse.impulse_int + img.x_impulse.impulse_frac / frac) / img.trace_scale;
  q.impulse_y = (img.y_impulse.impulse_int + img.y_impulse.impulse_frac / frac) / img.trace_scale;
  for (size_t p = 0; p < q.projections.size(); ++p) {
    Projection& pr = q.projections[p];
    const ProjectionImage& pi = img.projections[p];
    for (size_t s = 0; s < pr.weight.size(); ++s) pr.weight[s] = pi.w[s] * pi.weight_unit;
    if (pr.plastic) {
      const double eff_to_phys = img.trace_scale * pi.weight_unit;
      for (size_t s = 0; s < pr.weight.size(); ++s) {
        pr.eta_plus[s] = pi.lr[s].eta_plus_mant * std::ldexp(1.0, pi.params.eta_plus_exp) * eff_to_phys;
        pr.eta_minus[s] = pi.lr[s].eta_minus_mant * std::ldexp(1.0, pi.params.eta_minus_exp) * eff_to_phys;
      }
      pr.w_min = static_cast<double>(weight_min(pi.params.sign_mode, pi.params.num_weight_bits, fmt)) * pi.weight_unit;
      pr.w_max = static_cast<double>(weight_max(pi.params.sign_mode, pi.params.num_weight_bits, fmt)) * pi.weight_unit;
    }
  }
  const double in_unit = std::ldexp(1.0, fmt.act_shift + img.input_weight_exp) / s_v;
  for (size_t k = 0; k < q.input.weight.size(); ++k) q.input.weight[k] = img.input_w[k] * in_unit;
  return q;
}

}  // namespace hrsnn::fixed
